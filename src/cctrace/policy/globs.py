"""Path globs of the capture policy: compiling them and matching file paths against them.

A pattern without a `/` (`.env*`, `*.pem`) matches a path's basename. A pattern starting
with `~/` or `/` is anchored at the home folder or the root. Any other pattern with a `/`
(`**/secrets/**`, `config/master.key`) matches at any folder boundary, so it works for
absolute and relative paths alike. `**` spans folders, `*` and `?` stay inside one,
`[abc]` and `{a,b}` work as in shells, and a trailing `/**` also matches the folder itself.
Matching ignores case: macOS and Windows file systems do, and a policy that a different
spelling of the same file could bypass would be no policy.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache


def _expand_braces(pattern: str) -> list[str]:
    """`a{b,c}d` -> [`abd`, `acd`]; nested groups expand from the inside out."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end():]
    out: list[str] = []
    for option in match.group(1).split(","):
        out.extend(_expand_braces(head + option + tail))
    return out


def _translate(pattern: str) -> str:
    """One brace-free glob as a regex body (no anchors)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                j = i + 2
                at_start = i == 0 or pattern[i - 1] == "/"
                if at_start and j < n and pattern[j] == "/":
                    out.append("(?:.*/)?")  # `**/` : zero or more whole folders
                    i = j + 1
                    continue
                if at_start and j == n and i > 0:
                    # `dir/**`: anything below, and the folder itself (regex drops the `/`).
                    out.pop()
                    out.append("(?:/.*)?")
                    i = j
                    continue
                out.append(".*")
                i = j
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern.startswith(("[!", "[^"), i) else i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Glob:
    """A compiled policy pattern; `text` is what the user wrote (reported in markers)."""

    text: str
    kind: str  # "basename" | "anchored" | "anywhere"
    regex: re.Pattern[str]

    def matches(self, path: str, basename: str) -> bool:
        if self.kind == "basename":
            return self.regex.fullmatch(basename) is not None
        if self.kind == "anchored":
            return self.regex.fullmatch(path) is not None
        # `anywhere`: match from the start or right after any `/`.
        return self.regex.search(path) is not None


@lru_cache(maxsize=4096)
def compile_glob(text: str, home: str) -> Glob:
    """Compile `text`; `~` means `home`. Raises ValueError on an empty pattern."""
    pattern = text.strip()
    if not pattern:
        raise ValueError("empty path pattern")
    if pattern == "~" or pattern.startswith("~/"):
        pattern = home.rstrip("/") + pattern[1:]
    pattern = pattern.replace("\\", "/") if os.sep == "\\" else pattern
    if len(pattern) > 1:
        pattern = pattern.rstrip("/") or "/"
    bodies = [_translate(p) for p in _expand_braces(pattern)]
    body = "(?:" + "|".join(bodies) + ")"
    if "/" not in pattern:
        return Glob(text, "basename", re.compile(body, re.IGNORECASE | re.DOTALL))
    if pattern.startswith("/"):
        return Glob(text, "anchored", re.compile(body, re.IGNORECASE | re.DOTALL))
    return Glob(text, "anywhere", re.compile(r"(?:^|(?<=/))" + body + r"\Z",
                                             re.IGNORECASE | re.DOTALL))


def _tilde_user(path: str, cwd: str | None, home: str) -> str:
    """`~name/...` as the shell expands it: the account's home folder (`~alice/.ssh` is
    `~/.ssh` when you are alice), and `~+/...` the working folder."""
    name, sep, rest = path[1:].partition("/")
    if name == "+" and cwd:
        return cwd.rstrip("/") + sep + rest
    try:
        import pwd  # POSIX only; the name is looked up, never taken from the environment

        folder = pwd.getpwnam(name).pw_dir
    except (ImportError, KeyError, ValueError, OSError):
        return path
    return folder.rstrip("/") + sep + rest if folder else path


def normalize(path: str, cwd: str | None, home: str) -> str:
    """`path` with `~` expanded, made absolute against `cwd` when known, `..` folded."""
    p = path.strip()
    if p == "~" or p.startswith("~/"):
        p = home.rstrip("/") + p[1:]
    elif p.startswith("$HOME/") or p.startswith("${HOME}/"):
        p = home.rstrip("/") + p[p.index("/"):]
    elif p.startswith("~"):
        p = _tilde_user(p, cwd, home)
    if os.sep == "\\":
        p = p.replace("\\", "/")
    if not p.startswith("/") and cwd:
        base = normalize(cwd, None, home)
        if base.startswith("/"):
            p = base.rstrip("/") + "/" + p
    return posixpath.normpath(p) if p else p


def first_match(globs: tuple[Glob, ...], path: str, cwd: str | None, home: str) -> Glob | None:
    """The first glob matching `path` (as written, and resolved against `cwd`)."""
    if not path or not path.strip():
        return None
    resolved = normalize(path, cwd, home)
    raw = path.strip()
    candidates = {resolved}
    if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("${HOME}"):
        candidates.add(normalize(raw, None, home))
    else:
        candidates.add(posixpath.normpath(raw.replace("\\", "/")) if raw else raw)
    for candidate in sorted(candidates):
        basename = posixpath.basename(candidate.rstrip("/")) or candidate
        for glob in globs:
            if glob.matches(candidate, basename):
                return glob
    return None
