"""Withholding by structure: which lines of a tool's output come from a denied file.

Tools print other files' contents in many shapes: ripgrep and grep write match lines as
`path:N:text` (or `path:text` without `-n`), context lines as `path-N-text` (or `path-text`)
with `--` between groups, `--heading` puts the path on a line of its own, `head`/`tail`
write `==> path <==` headers, and scripts print whatever they like. A line filter that only
knows `path:` lets context lines, paths with spaces and every other shape through.

`OutputFilter.text` works in three steps:

1. Mentions. A line mentions a denied file when any prefix of it ending at a `:` or `-`
   (paths with spaces and dashes included), a `==> path <==` header, or (outside pure
   name listings) the whole line is a path the policy denies. A cheap literal prefilter
   (each deny pattern's fixed text, `.env`, `.pem`, `id_`...) skips texts that cannot
   mention one; it is off when a pattern has no fixed text or the session's folder is
   itself denied.
2. Attribution. If every line that is not blank, a `--` separator or a summary (`Found 3
   files`) is a numbered grep line (`P:N:` or `P-N-` for some prefix P), every line can be
   attributed to its file: the lines that mention a denied file (match and context lines
   alike, since both carry P) are withheld one by one. The same holds for un-numbered
   `P:text` lines when the tool ran without context (`-A/-B/-C`, multiline).
3. Otherwise the output cannot be attributed line by line, and it is withheld whole.

Over-withholding costs a useful line; under-withholding leaks a key. Every doubt goes to
withholding.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cctrace.policy.globs import _expand_braces
from cctrace.policy.settings import Policy, path_denied
from cctrace.redact import prefilter
from cctrace.redact.cut import map_strings

_SUMMARY = re.compile(r"^(?:Found \d+ |No (?:matches|files) found|\(Results are truncated|"
                      r"\[Showing results|Showing \d+)")
_MATCH_LINE = re.compile(r"(.+?):\d+:")
_CONTEXT_NUM = re.compile(r"-\d+-")
_HEADER = re.compile(r"^==> (.+) <==$")
_HEADING_LINE = re.compile(r"^\d+[:-]")
_SEP = re.compile(r"[:\x00-]")
# Terminal colours (`rg --color=always`, `grep --color=always`): read past them.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}
_META = re.compile(r"\[[^\]]*\]|[*?]")
# Where a line is looked at for path prefixes (a path longer than this is not a path).
_SCAN_CHARS = 1024
# The rule named for a line whose deny literal cannot be attributed to a path: it reaches
# past what is read of the line (its first _SCAN_CHARS characters), or the path may end
# past the _MAX_CANDIDATES places that are tried.
LONG_LINE = "line-too-long-to-attribute"
_MAX_CANDIDATES = 64


def _literal(pattern: str, home: str) -> tuple[str, tuple[str, ...]] | None:
    """A fixed piece of text every path matching `pattern` contains (lowercase), and the
    folders a relative path would leave out of it (`~/.kube/config` -> `.kube/config`,
    and `.kube`: from inside a `.kube` folder the file is just `config`)."""
    if pattern == "~" or pattern.startswith("~/"):
        # A mention may spell the home folder `~`, `$HOME` or in full: never part of it.
        # (`~name/...` is no home folder: compile_glob matches it as written.)
        pattern = pattern[1:]
    parts = [p for p in pattern.split("/") if p]
    while parts and parts[-1] == "**":
        parts.pop()
    # A `**` before the last parts ends the fixed tail (`config/**/secrets.yml`: a match
    # holds `secrets.yml`, not `config/secrets.yml`): `_META` stops at it.
    tail: list[str] = []
    for part in reversed(parts):
        if _META.search(part) or len(tail) == 2:
            break
        tail.insert(0, part)
    if tail:
        return "/".join(tail).lower(), tuple(p.lower() for p in tail[:-1])
    for part in reversed(parts):
        runs = [r for r in _META.split(part) if len(r) >= 2]
        if runs:
            return max(runs, key=len).lower(), ()
    return None


@lru_cache(maxsize=64)
def _scanners(literals: tuple[str, ...]) -> tuple[Any, Any]:
    """(regex search for short texts, prefilter for long ones) over the literals; built
    once per literal set (an output filter is made per turn and folder)."""
    rx = re.compile("|".join(re.escape(x) for x in literals), re.IGNORECASE)
    return rx.search, prefilter.build(literals)[1]


def deny_literals(policy: Policy) -> tuple[str, ...] | None:
    """One literal per deny pattern alternative; None when some pattern has none."""
    found = _deny_literals(policy)
    return None if found is None else found[0]


def _deny_literals(policy: Policy) -> tuple[tuple[str, ...], frozenset[str]] | None:
    return _literals_of(tuple(g.text for g in policy._deny), policy.home)  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def _literals_of(patterns: tuple[str, ...], home: str
                 ) -> tuple[tuple[str, ...], frozenset[str]] | None:
    out: set[str] = set()
    folders: set[str] = set()
    for text in patterns:
        for alt in _expand_braces(text.strip()):
            lit = _literal(alt, home)
            if lit is None:
                return None
            out.add(lit[0])
            folders.update(lit[1])
    return tuple(sorted(out)), frozenset(folders)


class OutputFilter:
    """Withholds what a tool's output shows of denied files (see the module doc)."""

    def __init__(self, cwd: str | None, policy: Policy) -> None:
        self.cwd = cwd
        self.policy = policy
        self.seen: dict[str, str | None] = {}
        self.count = 0
        self.memo: dict[tuple[str, bool, bool, bool], tuple[str, int]] = {}
        found = _deny_literals(policy)
        literals = found[0] if found and all(x.isascii() for x in found[0]) else None
        if found and cwd:
            parts = {p.lower() for p in cwd.split("/")}
            if path_denied(cwd.rstrip("/") + "/x", None, policy) or parts & found[1]:
                # Inside a denied folder (or one a literal names) a bare name is enough.
                literals = None
        self.literals = literals
        # Every denied path contains one of the literals: one C-speed search finds the
        # lines (and the part of a line) worth a path check.
        self.hit, self.scan = _scanners(literals) if literals else (None, None)
        # A literal reaching past what is read starts this close to its end, or later.
        self.reach = max(map(len, literals)) if literals else 0

    def rule(self, path: str) -> str | None:
        path = path.strip()
        if not path or len(path) > _SCAN_CHARS:
            return None
        if path not in self.seen:
            if path.startswith("./"):
                path = path[2:] or path
            self.seen[path] = path_denied(path, self.cwd, self.policy)
        return self.seen[path]

    def maybe(self, text: str) -> bool:
        return self.hit is None or self.hit(text) is not None

    def mention(self, line: str, whole: bool) -> tuple[str, str] | None:
        """(rule, path) of the first denied path this line names as a prefix or header,
        or `_unread`'s answer when it names none in what is read of it."""
        # The first literal wholly inside what is read: the candidates below come from there.
        first = self.hit(line, 0, _SCAN_CHARS) if self.hit is not None else None
        if self.hit is not None and first is None:
            return self._unread(line)
        header = _HEADER.match(line)
        if header:
            rule = self.rule(header.group(1))
            return (rule, header.group(1)) if rule else self._unread(line)
        head = line[:_SCAN_CHARS]
        n = 0
        run_end = -1
        # A denied path holds a literal whole: only prefixes ending past the first one. A
        # run of separators (`---`, `::`) is one place to try, at its start.
        for m in _SEP.finditer(head, first.end() if first is not None else 0):
            at = m.start()
            if at == run_end:
                run_end += 1
                continue
            run_end = at + 1
            if n >= _MAX_CANDIDATES:
                # More places than are tried: the path may end at one past them, and the
                # whole line (content and all) would then be taken for the path below.
                return LONG_LINE, ""
            n += 1
            if at > 0:
                rule = self.rule(head[:at])
                if rule:
                    return rule, head[:at]
        if whole:
            rule = self.rule(line)
            if rule:
                return rule, line
            # A name anywhere on the line (`== .env`, `reading ~/.ssh/id_rsa ...`).
            for word in line[:_SCAN_CHARS].split()[:_MAX_CANDIDATES]:
                word = word.strip("'\"`,;()[]{}<>")
                if not word or not self.maybe(word):
                    continue
                rule = self.rule(word)
                if rule:
                    return rule, word
        return self._unread(line)

    def _unread(self, line: str) -> tuple[str, str] | None:
        """(LONG_LINE, "") for a line with a deny literal that reaches past what is read of
        it (a path padded past the window, `a/aaaa.../.env:SECRET`, with or without a
        literal naming nothing before it): not attributable, so not kept. One search from
        `reach - 1` characters before the end of what is read: a literal that starts there
        but ends inside counts too (fail closed; it named nothing in what was read)."""
        if self.hit is None or len(line) <= _SCAN_CHARS:
            return None
        if self.hit(line, _SCAN_CHARS - self.reach + 1) is None:  # (a negative pos is 0)
            return None
        return LONG_LINE, ""

    def text(self, text: str, *, context: bool = True, listing: bool = False,
             grep: bool = False) -> str:
        """`text` with what it shows of denied files withheld.

        `grep`: the output comes from a grep-like search (Grep, grep, rg, git grep...), so
        attributing it line by line is worth trying; any other output that mentions a
        denied file is withheld whole. `context`: the search may have printed context or
        multiline matches (un-numbered lines are then not attributable). `listing`: the
        command only lists names, so a line that is a whole denied path is a name.
        """
        if not text:
            return text
        key = (text, context, listing, grep)
        done = self.memo.get(key)
        if done is None:
            before = self.count
            out = self._text(text, context, listing, grep)
            done = self.memo[key] = (out, self.count - before)
            return out
        self.count += done[1]
        return done[0]

    def _text(self, text: str, context: bool, listing: bool, grep: bool) -> str:
        if "\x1b" in text:
            plain = _ANSI.sub("", text).replace("\x1b", "")
            out = self._text(plain, context, listing, grep)
            return text if out == plain else out
        marked: set[int] | None = None
        if self.scan is not None:
            # Only lines holding a literal can mention a denied path: find them in one
            # pass (hyperscan where installed).
            low = text.lower()
            if len(low) != len(text):
                low = text.translate(_ASCII_LOWER)
            hits = self.scan(low)
            if not hits:
                return text
            lines = text.split("\n")
            starts = [0]
            for line in lines[:-1]:
                starts.append(starts[-1] + len(line) + 1)
            marked = {bisect.bisect_right(starts, pos) - 1 for pos, _ in hits}
        else:
            lines = text.split("\n")
        heading = any(_HEADING_LINE.match(line) for line in lines)
        whole = not listing or heading
        # In a listing, a line without `:` is a name (`ls`, `grep -l`), not content.
        rules = [None if (listing and not heading and ":" not in line)
                 or (marked is not None and i not in marked)
                 else self.mention(line, whole) for i, line in enumerate(lines)]
        hits = [r for r in rules if r]
        if not hits:
            return text
        if grep and (_numbered(lines) or (not context and _plain(lines))):
            out = []
            for line, hit in zip(lines, rules, strict=True):
                if hit:
                    self.count += 1
                    out.append(f"{hit[1]}:[WITHHELD:path-policy {hit[0]}]")
                else:
                    out.append(line)
            return "\n".join(out)
        self.count += len(lines)
        return f"[WITHHELD:path-policy {hits[0][0]}]"

    def value(self, value: Any, **kw: Any) -> Any:
        fn: Callable[[str], str] = lambda s: self.text(s, **kw)  # noqa: E731
        return map_strings(value, fn)


def _trivial(line: str) -> bool:
    return not line or line == "--" or _SUMMARY.match(line) is not None


def _numbered(lines: list[str]) -> bool:
    """Every line is a numbered grep line of a file that has a match line in the output:
    `P:N:` (match) or `P-N-` (context) where `P:N:` starts some line. A script's output
    whose lines merely contain `-01-` (dates) does not pass."""
    files: set[str] = set()
    for line in lines:
        m = _MATCH_LINE.match(line[:_SCAN_CHARS + 32])
        if m:
            files.add(m.group(1))
    if not files:
        return False
    for line in lines:
        if _trivial(line):
            continue
        m = _MATCH_LINE.match(line[:_SCAN_CHARS + 32])
        if m and m.group(1) in files:
            continue
        head = line[:_SCAN_CHARS + 32]
        if not any(head[:c.start()] in files for c in _CONTEXT_NUM.finditer(head)):
            return False
    return True


def _plain(lines: list[str]) -> bool:
    """Every line is an un-numbered match line `P:text` (no context was asked for)."""
    return all(_trivial(line) or ":" in line[:_SCAN_CHARS] for line in lines)
