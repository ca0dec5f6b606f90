"""The background worker: a detached, single-instance process that drains the spool.

`lifecycle` owns the process (lock, loop, idle exit, spawning); `pipeline` owns what one
step does. This package module stays import-free, because the hook imports
`cctrace.worker.lifecycle` under a bare `python -S`.
"""
