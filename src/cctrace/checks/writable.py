"""The `state dir` check: can the hook write its spool files at all."""

from __future__ import annotations

import os

from cctrace.checks.base import FAIL, OK, Check, Spec


def check_writable(state_dir: str) -> Check:
    """Can the hook spool here? A read-only or full state dir loses every event, and the
    hook cannot even count that loss there, so only a probe like this one can tell."""
    from cctrace.spool import layout

    folders = [d for d in (state_dir, layout.spool_dir(state_dir)) if os.path.isdir(d)]
    for folder in folders:
        probe = os.path.join(folder, f".doctor-probe-{os.getpid()}")
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"probe")
            finally:
                os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            return Check("state dir", FAIL, f"{folder} is not writable ({exc.strerror}): hook "
                         "events are lost and cannot be counted there",
                         "make it writable (remount, free space, or chown it to you); "
                         "`cctrace flush` then recovers the turns from the transcripts",
                         {"writable": False, "errno": exc.errno})
    return Check("state dir", OK, "writable", "", {"writable": True})


CHECK = Spec(("state dir",), lambda ctx: [check_writable(ctx.state_dir)])
