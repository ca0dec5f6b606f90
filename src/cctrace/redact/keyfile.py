"""The redactor's local key: `<state dir>/redaction.key` (0600), made on first use.

The key tags each redacted value (`[REDACTED:type:<tag>]`, an HMAC of the value), so one
secret is recognisable across traces without being stored. File I/O only; the engine
(`redact.engine`) imports it from here.
"""

from __future__ import annotations

import os

from cctrace import statedir

KEY_FILE = "redaction.key"


def load_or_create_key(state_dir: str) -> bytes:
    """The local HMAC key in `<state_dir>/redaction.key` (0600), created on first use."""
    statedir.ensure_dir(state_dir)
    path = os.path.join(state_dir, KEY_FILE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, statedir.FILE_MODE)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(os.urandom(32).hex() + "\n")
    if os.stat(path).st_mode & 0o077:
        os.chmod(path, statedir.FILE_MODE)
    with open(path, encoding="ascii") as fh:
        text = fh.read().strip()
    if len(text) < 32:
        raise ValueError(f"{path}: redaction key is too short")
    return bytes.fromhex(text)
