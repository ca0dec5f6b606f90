"""Gated anchors: keyword hits the prefilter need not report where their gate fails.

Common words are detector anchors (`token`, `key`, `secret`, `pass`, `auth`...): a
session's text holds them by the hundred thousand, and every hit cost a prefilter callback
and a gate `match` that then failed (`token import` is no assignment). When everything an
anchor triggers sits behind a gate (`engine._AnchorPlan.groups`, all gated), a hit can only
produce a candidate where that gate matches. `necessary(regex, flags)` turns such a gate
into a hyperscan expression that matches somewhere in the lower-cased ASCII text wherever
the gate matches anywhere in the text: a *necessary* condition, never a narrower one.
The prefilter scans for these expressions first; only a text where one of them matches is
scanned for the gated anchors' hits (all of them, exactly as before), so no candidate is
ever lost and a text without any assignment-like context pays no per-hit cost.

The translation walks the `re` parser's tree: every character test becomes the explicit
set of ASCII bytes it accepts in the lower-cased text (computed by the `re` engine itself),
lookarounds, boundaries and anchors are dropped (fewer conditions, more matches), a
trailing lookahead is kept as consumed text (the same condition on where a match can
start), possessive and lazy forms become plain repeats, and large repeat bounds are
loosened. Anything else (backreferences, conditionals) makes it give up: that anchor
stays an ordinary literal.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from typing import Any

_parser: Any = sys.modules["re._parser" if sys.version_info >= (3, 11) else "sre_parse"]
_compiler: Any = sys.modules["re._compiler" if sys.version_info >= (3, 11) else "sre_compile"]
_c: Any = sys.modules["re._constants" if sys.version_info >= (3, 11) else "sre_constants"]

# Repeat bounds above this are loosened to unbounded (hyperscan took 0.25 s instead of
# 0.02 s to build the keyword gate with its {0,40} and {0,30}).
MAX_BOUND = 16
_CHAR_OPS = frozenset({_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN})
_DROPPED = frozenset({_c.ASSERT_NOT, _c.AT})


class Unsupported(ValueError):
    """The regex uses something the translation does not reproduce as a superset."""


@functools.cache
def necessary(regex: str, flags: int) -> str | None:
    """A hyperscan expression (ASCII bytes semantics, no flags) matching the lower-cased
    form of every ASCII text in which `re.compile(regex, flags)` matches at some offset;
    None when the regex cannot be translated or the result would match everywhere."""
    try:
        tree = _parser.parse(regex, flags)
        out = _seq(tree, tree.state, tree.state.flags, last=True)
    except (Unsupported, re.error, RecursionError):
        return None
    return out or None


def _seq(items: Any, state: Any, flags: int, last: bool) -> str:
    parts = []
    data = list(items)
    for i, (op, av) in enumerate(data):
        parts.append(_item(op, av, state, flags, last and i == len(data) - 1))
    return "".join(parts)


def _item(op: Any, av: Any, state: Any, flags: int, last: bool) -> str:
    if op in _CHAR_OPS:
        return _char_class(op, av, state, flags)
    if op is _c.SUBPATTERN:
        _group, add, _del, sub = av
        # A local `(?-i:...)` is ignored on purpose: testing characters case-blind accepts
        # more, never less.
        body = _seq(sub, state, flags | add, last)
        return f"(?:{body})" if body else ""
    if op is _c.BRANCH:
        alts = [_seq(alt, state, flags, last) for alt in av[1]]
        kept = [a for a in alts if a]
        if not kept:
            return ""
        body = "(?:" + "|".join(kept) + ")"
        return body + "?" if len(kept) < len(alts) else body
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        lo, hi, sub = av
        body = _seq(sub, state, flags, last=False)
        if not body:
            return ""
        lo = min(lo, MAX_BOUND)
        bound = f"{{{lo},}}" if hi is _c.MAXREPEAT or hi > MAX_BOUND else f"{{{lo},{hi}}}"
        return f"(?:{body}){bound}"
    if op is getattr(_c, "ATOMIC_GROUP", None):
        body = _seq(av, state, flags, last)
        return f"(?:{body})" if body else ""
    if op is _c.ASSERT:
        direction, sub = av
        # A lookahead that ends the regex constrains where a match can start exactly as
        # consuming its text would; any other assertion is simply left out.
        return _seq(sub, state, flags, last=True) if direction == 1 and last else ""
    if op in _DROPPED:
        return ""
    raise Unsupported(str(op))


def _char_class(op: Any, av: Any, state: Any, flags: int) -> str:
    rx = _compiler.compile(_parser.SubPattern(state, [(op, av)]), flags)
    accepted = {c for c in range(128) if rx.fullmatch(chr(c))}
    # The text is scanned lower-cased: it holds no upper-case letter, and a lower-case one
    # stands for itself and for its upper-case form, so it passes if either does.
    low = {c for c in range(128) if not 65 <= c <= 90 and (
        c in accepted or (97 <= c <= 122 and c - 32 in accepted))}
    if not low:
        raise Unsupported("a character test no ASCII character passes")
    return _byte_set(sorted(low))


def _byte_set(codes: list[int]) -> str:
    if len(codes) == 1:
        return f"\\x{codes[0]:02x}"
    ranges: list[tuple[int, int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    body = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in ranges)
    return f"[{body}]"


def gated_anchors(plans: Mapping[str, Any]) -> dict[str, str]:
    """anchor -> necessary expression, for each ASCII anchor whose plan (`engine.
    _AnchorPlan`) triggers nothing but gated groups: no scan pattern (those run wherever
    the anchor occurs), no ungated or shared at-anchor pattern, no known secret."""
    out: dict[str, str] = {}
    for anchor, plan in plans.items():
        if (not anchor.isascii() or not plan.groups or plan.scan or plan.shared or plan.known
                or all(gate is None for gate, _ in plan.groups)):
            continue
        regexes = [_gate_of(gate, members) for gate, members in plan.groups]
        if any(rx is None for rx in regexes):
            continue
        exprs = [necessary(rx.pattern, rx.flags) for rx in regexes if rx is not None]
        if all(exprs):
            out[anchor] = exprs[0] if len(exprs) == 1 else "|".join(
                f"(?:{e})" for e in exprs)
    return out


def _gate_of(gate: Any, members: Any) -> re.Pattern[str] | None:
    """The regex a group's hits must match: its shared leading part, or for a group of one
    pattern (which the engine tries without a gate: one `match` either way) the pattern
    itself. Only beside a group with a real gate (`gated_anchors`): `auth` anchors both
    generic_assignment's keyword patterns and `auth_header`'s `auth=("u", "pw")` pair.
    Anchors of single patterns only (provider prefixes) stay literals, as they were."""
    if gate is not None:
        return gate.__self__
    return members[0][0].__self__ if len(members) == 1 else None
