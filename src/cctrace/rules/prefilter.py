"""The literal prefilter for rule regexes over large texts (tool outputs, inputs, content).

A rule's `output`/`input`/`content`/`command` regex is searched over texts of up to 64 KB
(outputs) or more (inputs, written content); most of them match nowhere. `gate(pattern)`
reads the regex's parse tree (the standard library's own parser) and derives the literals
every match must contain: an AND of OR-sets, e.g. `(?i)\\b(ignore|forget)\\s+...(rules|
context)` needs one of {ignore, forget} and one of {rules, context}. A `Scanner` built over
the literals of every loaded rule finds which of them occur in a text: in one hyperscan pass
(the redactor's anchor prefilter, `cctrace.redact.prefilter`), or without hyperscan by
memoised `in` checks; a regex whose gate is not satisfied cannot match and is not run. The
answers are memoised per text on the event, so the rules sharing a text pay once.

Soundness: literals and texts are compared in one folded space, `fold()`, that maps every
character to the same string as any character the regex engine treats as its case
variant (`(?i)`: `K` U+212A is `k`, `ſ` is `s`, ...), so a gate can only say "cannot match"
when `re.search` would return None. Whatever the analysis does not understand (`.`, large
or negated classes, categories, backreferences, non-ASCII letters under `(?i)`) imposes no
requirement, and a pattern it cannot read is not gated. Verdicts never change; only the time
spent (tests/rules/test_prefilter.py checks this on and off).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

try:  # Python >= 3.11
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

# Texts shorter than this are searched directly: the regex is cheaper than a scan.
GATE_MIN_CHARS = 256
# Bounds of the analysis (sets of literal strings it keeps and multiplies).
_MAX_SET = 64
_MAX_CLASS = 256
_MAX_REPEAT = 3
# How many OR-sets one gate keeps (the most selective ones).
_MAX_SETS = 3

# Characters `re` (with IGNORECASE) treats as case variants of an ASCII letter although
# str.lower() does not map them to it, plus the two characters whose str.lower() is not
# one character independent of its neighbours (U+0130 lowers to two characters; capital
# sigma lowers by context). tests/rules/test_prefilter.py checks this table against `re`
# over every code point.
FOLD_FIXES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k", "\u03a3": "\u03c3"}


def fold(text: str) -> str:
    """The text in the space gates compare in: lowercase, `re`'s case variants merged."""
    if text.isascii():
        return text.lower()
    for ch, rep in FOLD_FIXES.items():
        if ch in text:
            text = text.replace(ch, rep)
    return text.lower()


@dataclass(frozen=True)
class Gate:
    """Literals a pattern's every match contains: one of each set (folded strings)."""

    sets: tuple[frozenset[str], ...]

    @cached_property
    def vocab(self) -> frozenset[str]:
        return frozenset().union(*self.sets)

    @cached_property
    def split_sets(self) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
        """Each set as (its ASCII literals, its other literals): a scanner's hits are
        ASCII literals, looked up for a whole set at once."""
        return tuple((frozenset(a for a in options if a.isascii()),
                      tuple(a for a in options if not a.isascii())) for options in self.sets)


# ----------------------------------------------------------------------- analysis


@dataclass
class _Info:
    exact: frozenset[str] | None  # every string the node can match (when few), folded
    req: list[frozenset[str]]  # each set: one of its strings is in every match


_NONE = _Info(None, [])
_EMPTY = _Info(frozenset({""}), [])


def _char(code: int, flags: int) -> str | None:
    ch = chr(code)
    if flags & re.IGNORECASE and not ch.isascii():
        # Non-ASCII case variants (µ/μ, ς/σ, ...) are beyond the fold table: no literal.
        return None
    return fold(ch)


def _klass(items: list[Any], flags: int) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            codes: Iterable[int] = (av,)
        elif op is _c.RANGE and av[1] - av[0] < _MAX_CLASS:
            codes = range(av[0], av[1] + 1)
        else:  # NEGATE, CATEGORY, big ranges
            return None
        for code in codes:
            ch = _char(code, flags)
            if ch is None:
                return None
            out.add(ch)
        if len(out) > _MAX_CLASS:
            return None
    return frozenset(out)


def _score(options: frozenset[str]) -> int:
    # Non-ASCII literals are rare in tool text: count them as long (selective) strings.
    return min((len(s) if s.isascii() else 8) for s in options)


def _best(req: list[frozenset[str]]) -> list[frozenset[str]]:
    sets = {s for s in req if s and "" not in s}
    # A set implied by another (each string of the other contains one of its strings)
    # rules nothing more out: `xykeyz` already requires `key`.
    sets = {a for a in sets
            if not any(b != a and all(any(x in y for x in a) for y in b) for b in sets)}
    useful = sorted(sets, key=lambda s: (-_score(s), len(s), sorted(s)))
    if useful and _score(useful[0]) >= 3:
        useful = [s for s in useful if _score(s) >= 3]
    return useful[:_MAX_SETS]


def _seq(items: Any, flags: int) -> _Info:
    run: set[str] | None = {""}
    exact_ok = True
    req: list[frozenset[str]] = []

    def flush() -> None:
        if run and "" not in run:
            req.append(frozenset(run))

    for item in items:
        info = _node(item, flags)
        req.extend(info.req)
        if info.exact is not None and run is not None \
                and len(run) * len(info.exact) <= _MAX_SET:
            run = {a + b for a in run for b in info.exact}
            continue
        exact_ok = False
        flush()
        run = set(info.exact) if info.exact is not None else {""}
    flush()
    return _Info(frozenset(run) if exact_ok and run is not None else None, _best(req))


def _node(item: tuple[Any, Any], flags: int) -> _Info:  # noqa: C901 - one case per opcode
    op, av = item
    if op is _c.LITERAL:
        ch = _char(av, flags)
        return _Info(frozenset({ch}), []) if ch is not None else _NONE
    if op is _c.IN:
        chars = _klass(av, flags)
        return _Info(chars, []) if chars else _NONE
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY  # zero-width: matches no characters
    if op is _c.SUBPATTERN:
        _group, add, delete, sub = av
        return _seq(sub, (flags | add) & ~delete)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _seq(av, flags)
    if op is _c.BRANCH:
        infos = [_seq(branch, flags) for branch in av[1]]
        exact: frozenset[str] | None = None
        if all(i.exact is not None for i in infos):
            union = frozenset().union(*(i.exact for i in infos if i.exact is not None))
            exact = union if len(union) <= _MAX_SET else None
        options: set[str] = set()
        for info in infos:
            own = _best(info.req + ([info.exact] if info.exact is not None else []))
            if not own:
                return _Info(exact, [])
            options |= own[0]
        return _Info(exact, [frozenset(options)])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        info = _seq(sub, flags)
        exact = None
        if info.exact is not None and hi <= _MAX_REPEAT and len(info.exact) ** hi <= _MAX_SET:
            strings: set[str] = set()
            power: set[str] = {""}
            for k in range(hi + 1):
                if k >= lo:
                    strings |= power
                power = {a + b for a in power for b in info.exact}
            exact = frozenset(strings)
        if lo < 1:
            return _Info(exact, [])
        req = list(info.req)
        if info.exact is not None:
            req.append(info.exact)
        return _Info(exact, _best(req))
    return _NONE  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, ...


def gate(pattern: str, flags: int = 0) -> Gate | None:
    """The gate of a regex, or None when no literal is required (always search)."""
    try:
        parsed = _parser.parse(pattern, flags)
        info = _seq(parsed, parsed.state.flags | flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply not gated
        return None
    sets = _best(info.req + ([info.exact] if info.exact is not None else []))
    # One- and two-letter literals occur in almost every text: scanning for them costs
    # more than it saves.
    sets = [s for s in sets if _score(s) >= 3]
    return Gate(tuple(sets)) if sets else None


# ----------------------------------------------------------------------- scanning


class Scanner:
    """Which literals of a vocabulary occur in a text, memoised per text.

    With hyperscan (the redactor's anchor prefilter, `cctrace.redact.prefilter`) one pass
    finds every literal of the vocabulary. Without it, each literal a gate asks about is
    looked up with `in` (a C substring search, faster than one combined `re` pass over
    hundreds of literals), and the answer is remembered for the other gates.
    """

    def __init__(self, vocab: Iterable[str], backend: str | None = None) -> None:
        from cctrace.redact import prefilter

        self.vocab = frozenset(vocab)
        words = [w for w in self.vocab if w.isascii()]
        self.backend, self._find = prefilter.build(words, backend)
        if self.backend != "hyperscan":
            self.backend, self._find = "substring", None

    def _entry(self, text: str, memo: dict[int, Any]) -> tuple[Any, ...]:
        entry = memo.get(id(text))
        if entry is None or entry[0] is not text:
            low = fold(text)
            hits = {a for _, a in self._find(low)} if self._find is not None else None
            entry = (text, low, low.isascii(), hits, {})
            memo[id(text)] = entry
        return entry

    def may_match(self, g: Gate, text: str, memo: dict[int, Any]) -> bool:
        """False only if `text` lacks every literal of some set of `g`."""
        if not g.vocab <= self.vocab:
            return True  # a gate compiled apart from this scanner: no claim
        _, low, ascii_only, hits, seen = self._entry(text, memo)
        for ascii_options, other_options in g.split_sets:
            # A set is met when one of its literals is in the text; the order they are
            # looked at in changes only which answers are memoised, never the verdict.
            if hits is not None:
                if not ascii_options.isdisjoint(hits):
                    continue
            elif any(_seen_in(a, low, seen) for a in ascii_options):
                continue
            if ascii_only or not any(_seen_in(a, low, seen) for a in other_options):
                return False
        return True


def _seen_in(literal: str, low: str, seen: dict[str, bool]) -> bool:
    """`literal in low`, memoised in `seen` (one text's answers)."""
    hit = seen.get(literal)
    if hit is None:
        hit = seen[literal] = literal in low
    return hit


def gated_search(rx: Any, g: Gate | None) -> Callable[[str, Any, Any], bool]:
    """`bool(rx.search(text))`, skipped when the context's scanner rules a match out."""
    if g is None:
        return lambda text, ev, ctx: bool(rx.search(text))

    def search(text: str, ev: Any, ctx: Any) -> bool:
        scanner = ctx.scanner
        if scanner is not None and len(text) >= GATE_MIN_CHARS \
                and not scanner.may_match(g, text, ev.memo):
            return False
        return bool(rx.search(text))

    return search
