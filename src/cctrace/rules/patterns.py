"""Patterns of rule conditions: globs over paths, names and hosts, and regex compilation.

`glob_regex` turns the rule language's globs (`**`, `*`, `?`, `{a,b}`) into regular
expressions; `path_matcher`, `name_matcher` and `host_matcher` make the predicates
conditions call; `outside_cwd` says whether a path a command writes leaves the project.
Every pattern is compiled through `compile_pattern`, which the hook's guard mode switches to
compile-on-first-use (`LAZY_PATTERNS`); standard library only (the guard runs under `-S`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# Set by the hook's guard mode, which compiles rules in a short-lived process for one event:
# most patterns are never reached there (conditions short-circuit on the tool or command
# name), so compiling them on first use saves most of its cost. The worker compiles eagerly,
# so a bad pattern is reported at load time and matching pays no indirection.
LAZY_PATTERNS = False


class _LazyPattern:
    """A regular expression compiled on its first `match`/`search`."""

    __slots__ = ("_args", "_rx")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._rx: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(*self._args)
        return self._rx

    def match(self, text: str) -> re.Match[str] | None:
        return self._get().match(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._get().search(text)


def compile_pattern(pattern: str, flags: int = 0) -> Any:
    return _LazyPattern(pattern, flags) if LAZY_PATTERNS else re.compile(pattern, flags)


def glob_regex(pattern: str) -> str:
    """`**` any run, `*` no slash, `?` one char, `{a,b}` alternatives."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "{":
            end = pattern.find("}", i)
            if end < 0:
                out.append(re.escape(ch))
                i += 1
                continue
            alts = pattern[i + 1:end].split(",")
            out.append("(?:" + "|".join(glob_regex(a) for a in alts) + ")")
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def path_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """Globs over canonical paths; a pattern without `/` matches the basename anywhere."""
    parts = []
    for p in patterns:
        if "/" not in p:
            parts.append("(?:.*/)?" + glob_regex(p))
        elif p.startswith(("/", "~")):
            parts.append(glob_regex(p))
        else:
            parts.append("(?:.*/)?" + glob_regex(p.removeprefix("**/")))
    rx = compile_pattern("(?:" + "|".join(parts) + r")\Z", re.S) if parts else None
    return (lambda s: bool(rx.match(s))) if rx else (lambda s: False)


def name_matcher(patterns: Iterable[str], ignore_case: bool = False) -> Callable[[str], bool]:
    # The rule pack names the same lists again and again (`$output_tools`, command names):
    # one matcher per distinct list, built once.
    key = (tuple(patterns), ignore_case)
    matcher = _NAME_MATCHERS.get(key)
    if matcher is None:
        matcher = _NAME_MATCHERS[key] = _name_matcher(key[0], ignore_case)
    return matcher


_NAME_MATCHERS: dict[tuple[tuple[str, ...], bool], Callable[[str], bool]] = {}


def _name_matcher(patterns: Iterable[str], ignore_case: bool) -> Callable[[str], bool]:
    parts = [glob_regex(p).replace("[^/]", ".") for p in patterns]
    rx = compile_pattern("(?:" + "|".join(parts) + r")\Z", re.I if ignore_case else 0) \
        if parts else None
    if rx is None:
        return lambda s: False
    # Names (tools, commands, rule ids) are few and asked about for every event and rule:
    # each answer is kept (a bounded number of them).
    seen: dict[str, bool] = {}

    def match(s: str) -> bool:
        hit = seen.get(s)
        if hit is None:
            hit = bool(rx.match(s))
            if len(seen) < NAMES_KEPT:
                seen[s] = hit
        return hit

    return match


NAMES_KEPT = 512


def host_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """`example.com` also covers its subdomains; `*.x` only subdomains."""
    parts = []
    for p in patterns:
        p = p.strip().lower().rstrip(".")
        if p.startswith("*."):
            parts.append(r"(?:[^.]+\.)+" + re.escape(p[2:]))
        elif p:
            parts.append(r"(?:[^.]+\.)*" + re.escape(p) if not re.match(r"^[\d.:]+$", p)
                         else re.escape(p))
    rx = compile_pattern("(?:" + "|".join(parts) + r")\Z") if parts else None
    return (lambda s: bool(rx.match(s))) if rx else (lambda s: False)



_SCRATCH = ("/tmp", "/var/tmp", "/private/tmp", "/private/var/folders", "/var/folders",
            "/dev/null")


def outside_cwd(path: str, cwd: str | None) -> bool:
    """A path outside the project (and outside scratch space) the command modifies."""
    from cctrace.rules.event import canonical_path

    if not path or path.startswith(_SCRATCH) or "$" in path or path == "__subst__":
        return False
    if not path.startswith(("/", "~")):
        return cwd is None and path.startswith("..")
    if cwd is None:
        return True
    base = canonical_path(cwd, None).rstrip("/")
    return not (path == base or path.startswith(base + "/"))
