"""The hook entry point Claude Code runs for every hook event (see `main`).

Import-free on purpose: `entry.py` runs under `python -S` and every module loaded on the way
to `cctrace.hook.main` costs start-up time on each of Claude Code's hook calls.
"""
