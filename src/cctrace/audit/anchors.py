"""The default anchor: a copy of every checkpoint outside the state dir.

A rollback of the state dir (a restored backup, a copied folder, an intruder deleting the
last log lines, `head.json` and the current key) leaves a log that is consistent in
itself. The default anchor is where the checkpoints it had already written survive: the
user's config folder (`~/.config` on Linux, `~/Library/Preferences` on macOS, `%APPDATA%`
on Windows, `~` being the home folder the OS account database names, never `$HOME` or
`$XDG_CONFIG_HOME`: the worker and the CLI must agree, and a repository can set a session's
environment) under `cctrace/anchors/<state key>/`, one file per log
(`cctrace-audit-<log id>.jsonl`), where `<state key>` names the state dir (16 hex of the
SHA-256 of its real path). `[audit] default_anchor = false` in the config turns it off, a
string sets the folder itself.

`verify` reads it like any anchor and also knows that it belongs to this state dir alone:
a file there of another log means the audit log was replaced (wiped and started again),
and a newer anchored checkpoint than the local head means it was rolled back.
"""

from __future__ import annotations

import hashlib
import os
import sys
from typing import Any


def _base() -> str:
    from cctrace import statedir

    home = statedir.account_home()
    if sys.platform == "darwin":
        root = os.path.join(home, "Library", "Preferences")
    elif sys.platform == "win32":
        root = os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    else:
        root = os.path.join(home, ".config")
    return os.path.join(root, "cctrace", "anchors")


def state_key(state_dir: str) -> str:
    return hashlib.sha256(os.path.realpath(state_dir).encode()).hexdigest()[:16]


def default_dir(state_dir: str, section: Any = None) -> str | None:
    """This state dir's default anchor folder (with a trailing separator), or None."""
    value = (section or {}).get("default_anchor", True) if isinstance(section, dict) else True
    if value is False:
        return None
    base = os.path.abspath(os.path.expanduser(value)) if isinstance(value, str) and \
        value.strip() else os.path.join(_base(), state_key(state_dir))
    return base.rstrip(os.sep) + os.sep
