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

import re
from collections.abc import Callable
from typing import Any

from cctrace.policy.globs import _expand_braces
from cctrace.policy.settings import Policy, path_denied
from cctrace.redact.cut import map_strings

_SUMMARY = re.compile(r"^(?:Found \d+ |No (?:matches|files) found|\(Results are truncated|"
                      r"\[Showing results|Showing \d+)")
_NUMBERED = re.compile(r"[:-]\d+[:-]")
_HEADER = re.compile(r"^==> (.+) <==$")
_HEADING_LINE = re.compile(r"^\d+[:-]")
_META = re.compile(r"\[[^\]]*\]|[*?]")
# Where a line is looked at for path prefixes (a path longer than this is not a path).
_SCAN_CHARS = 1024
_MAX_CANDIDATES = 64


def _literal(pattern: str, home: str) -> str | None:
    """A fixed piece of text every path matching `pattern` contains (lowercase), or None."""
    if pattern.startswith("~"):
        pattern = home.rstrip("/") + pattern[1:]
    parts = [p for p in pattern.split("/") if p and p != "**"]
    for part in reversed(parts):
        runs = [r for r in _META.split(part) if len(r) >= 2]
        if runs:
            return max(runs, key=len).lower()
    return None


def deny_literals(policy: Policy) -> tuple[str, ...] | None:
    """One literal per deny pattern alternative; None when some pattern has none."""
    out: set[str] = set()
    for glob in policy._deny:  # type: ignore[attr-defined]
        for alt in _expand_braces(glob.text.strip()):
            lit = _literal(alt, policy.home)
            if lit is None:
                return None
            out.add(lit)
    return tuple(sorted(out))


class OutputFilter:
    """Withholds what a tool's output shows of denied files (see the module doc)."""

    def __init__(self, cwd: str | None, policy: Policy) -> None:
        self.cwd = cwd
        self.policy = policy
        self.seen: dict[str, str | None] = {}
        self.count = 0
        self.memo: dict[tuple[str, bool, bool], tuple[str, int]] = {}
        literals = deny_literals(policy)
        if literals is not None and cwd and path_denied(cwd.rstrip("/") + "/x", None, policy):
            literals = None  # inside a denied folder every relative name is denied
        self.literals = literals

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
        if self.literals is None:
            return True
        low = text.lower()
        return any(lit in low for lit in self.literals)

    def mention(self, line: str, whole: bool) -> tuple[str, str] | None:
        """(rule, path) of the first denied path this line names as a prefix or header."""
        if self.literals is not None and not self.maybe(line[:_SCAN_CHARS + 64]):
            return None
        header = _HEADER.match(line)
        if header:
            rule = self.rule(header.group(1))
            return (rule, header.group(1)) if rule else None
        head = line[:_SCAN_CHARS]
        n = 0
        for m in re.finditer(r"[:-]", head):
            if m.start() > 0:
                rule = self.rule(head[:m.start()])
                if rule:
                    return rule, head[:m.start()]
            n += 1
            if n >= _MAX_CANDIDATES:
                break
        if whole:
            rule = self.rule(line)
            if rule:
                return rule, line
            # A name anywhere on the line (`== .env`, `reading ~/.ssh/id_rsa ...`).
            for word in line[:_SCAN_CHARS].split()[:_MAX_CANDIDATES]:
                word = word.strip("'\"`,;()[]{}<>")
                if word and self.literals is not None and not self.maybe(word):
                    continue
                rule = self.rule(word)
                if rule:
                    return rule, word
        return None

    def text(self, text: str, *, context: bool = True, listing: bool = False) -> str:
        """`text` with what it shows of denied files withheld.

        `context`: the tool may have printed context or multiline matches (un-numbered
        lines are then not attributable). `listing`: the command only lists names, so a
        line that is a whole denied path is a name, not a mention of content.
        """
        if not text or not self.maybe(text):
            return text
        key = (text, context, listing)
        done = self.memo.get(key)
        if done is None:
            before = self.count
            out = self._text(text, context, listing)
            done = self.memo[key] = (out, self.count - before)
            return out
        self.count += done[1]
        return done[0]

    def _text(self, text: str, context: bool, listing: bool) -> str:
        lines = text.split("\n")
        heading = any(_HEADING_LINE.match(line) for line in lines)
        whole = not listing or heading
        # In a listing, a line without `:` is a name (`ls`, `grep -l`), not content.
        rules = [None if listing and not heading and ":" not in line
                 else self.mention(line, whole) for line in lines]
        hits = [r for r in rules if r]
        if not hits:
            return text
        numbered = True
        plain = not context
        for line in lines:
            if not line or line == "--" or _SUMMARY.match(line):
                continue
            if not _NUMBERED.search(line[:_SCAN_CHARS + 32]):
                numbered = False
            if ":" not in line[:_SCAN_CHARS]:
                plain = False
            if not numbered and not plain:
                break
        if numbered or plain:
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
