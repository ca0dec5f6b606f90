"""Script form of the hook: `<python> -S <abs path>/cctrace/hook/entry.py`.

Run as a file, Python puts this file's folder first on sys.path; that folder is replaced by
the one holding the `cctrace` package (so a module here can never shadow the standard
library), then `cctrace.hook.main` runs. Whatever happens, the process exits 0 at once,
skipping interpreter teardown, which it does not need.
"""

import gc

# A hook lives milliseconds and makes no reference cycles worth collecting.
gc.disable()

import os  # noqa: E402
import sys  # noqa: E402


def _package_root() -> str:
    # realpath: a symlinked entry.py must still find the package it belongs to.
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        del sys.path[0]
    return os.path.dirname(os.path.dirname(here))


try:
    sys.path.insert(0, _package_root())
    from cctrace.hook.main import main

    main()
except BaseException:  # noqa: BLE001 - the hook must never fail Claude Code
    pass
os._exit(0)
