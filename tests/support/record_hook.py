"""A Claude Code hook that records its stdin payload: `record_hook.py EVENT OUT_FILE`.

Run with `python -S` (a few ms of start-up, so even fire-and-forget events are caught). Appends
one JSON line {"event", "payload"} to OUT_FILE with a single O_APPEND write, so concurrent hooks
(parallel tool calls) never interleave. Prints nothing: on some events stdout reaches the model.
"""

import json
import os
import sys


def main() -> int:
    event, out_file = sys.argv[1], sys.argv[2]
    raw = sys.stdin.read()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = raw
    line = json.dumps({"event": event, "payload": payload}, sort_keys=True) + "\n"
    fd = os.open(out_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
