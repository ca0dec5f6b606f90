"""Which deny rule a path written in a tool call reaches on this machine, beyond its text.

`settings.path_denied` judges a path as written. A call may reach a denied file other
ways, each judged here: a glob in the file name the shell would expand (`cat .e*`, judged
against an example name of each deny pattern), a glob in its folders expanded on this
machine (`cd sec*s && cat a.txt`), a symbolic link made by an earlier call (`cat
notes.txt` -> `~/.ssh/id_rsa`), a folder whose files a command prints without their names
(`grep -rh`), and a Grep `glob` that selects denied files. What cannot be looked through
within the bounds (`SCOPE_FILES`, `GLOB_FILES`) fails closed with an "unattributable
output" rule. Links resolved are cached for one `apply_policy` call (`_REAL`, cleared by
it: links change over time).
"""

from __future__ import annotations

import glob
import os
import re
from fnmatch import fnmatchcase
from typing import Any

from cctrace.policy.globs import _expand_braces, compile_glob, normalize
from cctrace.policy.settings import Policy, path_denied

_EXAMPLES: dict[tuple[str, ...], list[tuple[str, str]]] = {}


def _examples(policy: Policy) -> list[tuple[str, str]]:
    """(a file name each deny pattern matches, the pattern): `.env*` -> `.envx`."""
    key = tuple(g.text for g in policy._deny)  # type: ignore[attr-defined]
    if key not in _EXAMPLES:
        out = []
        for glob in policy._deny:  # type: ignore[attr-defined]
            for alt in _expand_braces(glob.text.strip()):
                parts = [p for p in alt.split("/") if p and p != "**"]
                if parts:
                    name = re.sub(r"\[!?\^?([^\]])[^\]]*\]", r"\1", parts[-1])
                    out.append((name.replace("*", "x").replace("?", "x"), glob.text))
                    out.append((name.replace("*", "").replace("?", "x"), glob.text))
        _EXAMPLES[key] = out
    return _EXAMPLES[key]


def glob_rule(path: str, policy: Policy) -> str | None:
    """The deny rule of a file a shell glob in a command may expand to (`cat .e*`,
    `head -n 3 *.p?m`); a bare `*` is left to the output filter and the redactor."""
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if not any(c in base for c in "*?[") or base in ("*", "**"):
        return None
    try:
        rx = compile_glob(base, policy.home).regex
    except Exception:  # noqa: BLE001 - not a glob we can read: not a match either
        return None
    for name, rule in _examples(policy):
        if rx.fullmatch(name):
            return rule
    return None


# Files looked at, at most, to tell whether a folder holds a denied file.
SCOPE_FILES = 5000


def scope_rule(folder: str, cwd: str | None, policy: Policy) -> str | None:
    """The deny rule of a file under `folder` whose content a command may have printed
    without its name (`grep -rh`, `find -exec cat`). A folder that is not there (or too
    big to look through) cannot be cleared: its output is withheld too."""
    rule = path_denied(folder, cwd, policy)
    if rule:
        return rule
    root = normalize(folder, cwd, policy.home)
    if not root.startswith("/") or not os.path.isdir(root):
        return f"{folder} (unattributable output)"
    seen = 0
    for here, dirs, files in os.walk(root):
        for name in dirs + files:
            seen += 1
            path = os.path.join(here, name)
            # A link is printed under its own name (`grep -Rh`, `cat *`, `find -L`).
            rule = path_denied(path, None, policy) or (
                link_rule(path, None, policy) if os.path.islink(path) else None)
            if rule:
                return rule
        if seen > SCOPE_FILES:
            return f"{folder} (unattributable output)"
    return None


def link_rule(path: str, cwd: str | None, policy: Policy) -> str | None:
    """The deny rule of the file a symbolic link points at, when `path` is one on this
    machine now (`ln -s ~/.ssh/id_rsa notes.txt` in an earlier call, then `cat notes.txt`).
    """
    if not isinstance(path, str) or not path.strip() or len(path) > 4096 or "\0" in path:
        return None
    full = normalize(path, cwd, policy.home)
    if not full.startswith("/"):
        return None
    real = _REAL.get(full)
    if real is None:
        try:
            real = os.path.realpath(full)
        except (OSError, ValueError):
            real = full
        if len(_REAL) > 8192:
            _REAL.clear()
        _REAL[full] = real
    return path_denied(real, None, policy) if real != full else None


# Resolved links of one `apply_policy` call (cleared at each: links change over time).
_REAL: dict[str, str] = {}


# Files a glob in a path's folders is expanded to, at most, to find a denied one.
GLOB_FILES = 256


def expanded_rule(path: str, cwd: str | None, policy: Policy) -> str | None:
    """The deny rule of a file on this machine a glob in `path`'s folders (or in the
    folder it ran in) expands to, as the shell expanded it (`cd sec*s && cat a.txt`, `cat
    ~/.aw?/config`): the deny patterns name folders a glob cannot be compared with. Of a
    glob in the file name alone, the symbolic links it expands to (`grep x *` where `y`
    points at `.env`); a folder of more than `SCOPE_FILES` entries cannot be cleared."""
    if not isinstance(path, str) or len(path) > 4096 or "\0" in path:
        return None
    full = normalize(path, cwd, policy.home)
    folders, _, base = full.rpartition("/")
    if not full.startswith("/") or not any(c in full for c in "*?["):
        return None
    if not any(c in folders for c in "*?["):
        # A glob in the file name alone (`grep x *`) is judged by name without I/O
        # (`glob_rule`); what is left is a link it expands to, named by its own name.
        links, too_many = _links_in(folders or "/")
        if too_many:
            return f"{path} (unattributable output)"
        for name in links:
            if (base.startswith(".") or not name.startswith(".")) and fnmatchcase(name, base):
                rule = link_rule(f"{folders}/{name}", None, policy)
                if rule:
                    return rule
        return None
    for n, match in enumerate(glob.iglob(full)):
        if n >= GLOB_FILES:
            return f"{path} (unattributable output)"
        rule = path_denied(match, None, policy) or link_rule(match, None, policy)
        if rule:
            return rule
    return None


def _links_in(folder: str) -> tuple[list[str], bool]:
    """(the names of the symbolic links in `folder`, whether it holds more than
    `SCOPE_FILES` entries), listed once per `apply_policy` run: a script may name a
    thousand globs in one folder."""
    got = _LINKS.get(folder)
    if got is None:
        links: list[str] = []
        n = 0
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    n += 1
                    if n > SCOPE_FILES:
                        break
                    if entry.is_symlink():
                        links.append(entry.name)
        except OSError:
            pass
        if len(_LINKS) > 1024:
            _LINKS.clear()
        got = _LINKS[folder] = (links, n > SCOPE_FILES)
    return got


# Folders listed for their links in one `apply_policy` run (cleared at each, like `_REAL`).
_LINKS: dict[str, tuple[list[str], bool]] = {}


def _denied(path: str, cwd: str | None, policy: Policy) -> str | None:
    """A path rule for `path` as written, as a glob it may expand to, or as a link."""
    return (path_denied(path, cwd, policy) or glob_rule(path, policy)
            or link_rule(path, cwd, policy) or expanded_rule(path, cwd, policy))


def _glob_rule(pattern: Any, cwd: str | None, policy: Policy) -> str | None:
    """A Grep `glob` that selects denied files (`*.pem`, `*.{env,pem}`, `**/.env*`)."""
    if not isinstance(pattern, str) or not pattern.strip():
        return None
    for alt in _expand_braces(pattern.strip()):
        for part in alt.split():
            if part.startswith("!"):
                continue
            rule = path_denied(part, cwd, policy) or glob_rule(part, policy)
            if rule:
                return rule
    return None
