"""Health checks: `cctrace doctor`, `cctrace status` and `cctrace setup` share them.

One module per check (or per small group reading the same thing), each exposing a
`Spec` (`base.py`); `registry.py` lists them in the order they run and runs them.
"""
