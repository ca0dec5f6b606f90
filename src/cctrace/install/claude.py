"""Finding the `claude` binary and asking it which release it is (`claude --version`).

The only I/O of the install package besides the settings file: a PATH lookup and one
short-lived subprocess, kept off the network by the variables Claude Code documents for that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

from cctrace.install.events import Version, parse_version

# Keep `claude --version` from phoning home or self-updating.
_QUIET_ENV = {
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
}


def find_claude(explicit: str | None, env: Mapping[str, str]) -> str | None:
    """The binary to ask: `explicit`, else `CCTRACE_CLAUDE_BIN`, else `claude` on PATH."""
    for candidate in (explicit, env.get("CCTRACE_CLAUDE_BIN")):
        if candidate and candidate.strip():
            found = shutil.which(os.path.expanduser(candidate.strip()))
            return os.path.abspath(found) if found else None
    found = shutil.which("claude", path=env.get("PATH"))
    return os.path.abspath(found) if found else None


def claude_version(binary: str, timeout: float = 30.0) -> Version | None:
    """The release `binary --version` reports, or None when it cannot be run or parsed."""
    try:
        proc = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **_QUIET_ENV},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return parse_version(proc.stdout)
