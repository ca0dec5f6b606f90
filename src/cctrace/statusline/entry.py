"""Script form of the statusline: `<python> -I -S <abs path>/cctrace/statusline/entry.py`.

As for the hook's `entry.py`: this file's folder is replaced on sys.path by the one holding
the `cctrace` package, then `cctrace.statusline.line` runs; the process exits at once with
its code, skipping interpreter teardown.
"""

import gc

# A statusline lives milliseconds and makes no reference cycles worth collecting.
gc.disable()

import os  # noqa: E402
import sys  # noqa: E402


def _package_root() -> str:
    # realpath: a symlinked entry.py must still find the package it belongs to.
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        del sys.path[0]
    return os.path.dirname(os.path.dirname(here))


code = 0
try:
    sys.path.insert(0, _package_root())
    from cctrace.statusline.line import main

    code = main(sys.argv[1:])
except BaseException:  # noqa: BLE001 - a statusline must never show a traceback
    try:
        sys.stdout.write("cctrace: statusline unavailable\n")
        sys.stdout.flush()
    except BaseException:  # noqa: BLE001
        pass
os._exit(code)
