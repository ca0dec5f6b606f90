"""`python -m cctrace.hook`: the same hook as `entry.py`, for setups that prefer `-m`."""

import os

try:
    from cctrace.hook.main import main

    main()
except BaseException:  # noqa: BLE001 - the hook must never fail Claude Code
    pass
os._exit(0)
