"""The anchor prefilter: every (offset, anchor) where a detector's literal occurs.

Two interchangeable backends. `hyperscan` (optional wheel) matches all anchors in one pass
at GB/s; the pure-stdlib `re` backend uses one prefix-factored regex inside a lookahead,
so overlapping anchors are all seen. `CCTRACE_REDACT_BACKEND=re` forces the stdlib one;
a missing or broken wheel falls back to it silently. Input is already lowercased.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Prefilter = Callable[[str], list[tuple[int, str]]]


def trie_regex(words: Iterable[str]) -> str:
    """One regex matching any of `words`, factored by common prefixes (fast in `re`)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(trie)


def re_prefilter(anchors: list[str]) -> Prefilter:
    rx = re.compile("(?=(" + trie_regex(anchors) + "))")
    # The regex reports the longest anchor at an offset; its prefixes are anchors too.
    prefixes = {a: [b for b in anchors if a.startswith(b)] for a in anchors}

    def run(low: str) -> list[tuple[int, str]]:
        return [(m.start(), b) for m in rx.finditer(low) for b in prefixes[m.group(1)]]

    return run


def hyperscan_prefilter(anchors: list[str], gated: Mapping[str, str] | None = None,
                        extra: Mapping[str, str] | None = None) -> Prefilter:
    import hyperscan  # optional dependency

    def db(anchors: list[str]) -> Any:
        d = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        kw = {"ids": list(range(len(anchors))), "elements": len(anchors),
              "flags": [0] * len(anchors)}
        # The pure-literal compiler: ~50x faster to build for many anchors (the sweep
        # rebuilds its prefilter whenever a value is learned).
        try:
            d.compile(expressions=[a.encode("ascii") for a in anchors], literal=True, **kw)
            return d
        except (TypeError, hyperscan.error):  # older wheel: regex literals
            d = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        exprs = ["".join(f"\\x{b:02x}" for b in a.encode("ascii")).encode("ascii")
                 for a in anchors]
        d.compile(expressions=exprs, **kw)
        return d

    # Gated anchors (`cctrace.redact.gates`) have a database of their own, which an ASCII
    # text is scanned with only where one of their gates matches.
    gate = _Gate.build(hyperscan, gated or {}, extra or {})
    found = sorted(a for a in (gated or {}) if a in set(anchors)) if gate and gate.gates else []
    # `extra` names the gate database does not test for are reported for every text.
    untested = sorted(set(extra or {}) - set(gate.names if gate else ()))
    plain = [a for a in anchors if a not in set(found)]
    names = plain + found  # ids: the plain database's, then the gated one's (offset)
    lens = [len(a) for a in names]
    plain_db = db(plain) if plain else None
    gated_db = db(found) if found else None
    offset = len(plain)

    def run(low: str) -> list[tuple[int, str]]:
        hits: list[tuple[int, str]] = []
        if low.isascii():
            data = low.encode("ascii")

            def on(i: int, _s: int, end: int, _f: int, _c: object) -> None:
                hits.append((end - lens[i], names[i]))

            def on_gated(i: int, _s: int, end: int, _f: int, _c: object) -> None:
                hits.append((end - lens[offset + i], names[offset + i]))

            if plain_db is not None:
                plain_db.scan(data, match_event_handler=on)
            if gate is not None:
                fired, named = gate.scan(data)
                if gated_db is not None and fired:
                    gated_db.scan(data, match_event_handler=on_gated)
                hits.extend((0, name) for name in named)
            hits.extend((0, name) for name in untested)
            return hits
        # Anchors are ASCII and an ASCII byte never occurs inside a UTF-8 multi-byte
        # sequence: scan the UTF-8 bytes and map byte offsets back to characters. The
        # gates test ASCII characters only: here every gated anchor is reported.
        data = low.encode("utf-8", "surrogatepass")
        raw: list[tuple[int, int]] = []

        def on_raw(i: int, _s: int, end: int, _f: int, _c: object) -> None:
            raw.append((end - lens[i], i))

        def on_raw_gated(i: int, _s: int, end: int, _f: int, _c: object) -> None:
            raw.append((end - lens[offset + i], offset + i))

        if plain_db is not None:
            plain_db.scan(data, match_event_handler=on_raw)
        if gated_db is not None:
            gated_db.scan(data, match_event_handler=on_raw_gated)
        raw.sort()
        byte_pos = char_pos = 0
        for start, i in raw:
            if start != byte_pos:
                char_pos += len(data[byte_pos:start].decode("utf-8", "surrogatepass"))
                byte_pos = start
            hits.append((char_pos, names[i]))
        hits.extend((0, name) for name in sorted(extra or {}))  # untested here: all of them
        return hits

    return run


class _Gate:
    """The gates' necessary expressions in one hyperscan database, and those of the
    `extra` names (a name, reported at offset 0, for each expression that matches)."""

    def __init__(self, db: Any, gates: int, names: list[str]) -> None:
        self._db = db
        self.gates = gates  # ids below this are gates; the others are `names`, in order
        self.names = names

    @classmethod
    def build(cls, hyperscan: Any, gated: Mapping[str, str],
              extra: Mapping[str, str] | None = None) -> _Gate | None:
        """None when there is nothing to test or hyperscan refuses an expression (every
        anchor is then a literal of the database, as before); when it refuses one of the
        `extra` expressions, a gate without them."""
        exprs = sorted(set(gated.values()))
        names = sorted(extra or {})
        for tested in ([names, []] if names else [[]]):
            every = exprs + [extra[n] for n in tested]  # type: ignore[index]
            if not every:
                return None
            try:
                db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
                db.compile(expressions=[e.encode("ascii") for e in every],
                           ids=list(range(len(every))), elements=len(every),
                           flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(every))
            except Exception:  # noqa: BLE001 - an expression hyperscan cannot build
                continue
            return cls(db, len(exprs), tested)
        return None

    def scan(self, data: bytes) -> tuple[bool, list[str]]:
        """(whether a gate matches, the `names` whose expression matches) in `data`."""
        if not self.names:
            return self.fires(data), self.names
        fired: list[int] = []

        def on(i: int, _s: int, _e: int, _f: int, _c: object) -> None:
            fired.append(i)  # each expression at most once (single-match)

        try:
            self._db.scan(data, match_event_handler=on)
        except Exception:  # noqa: BLE001 - or unsure: as if every expression matched
            return True, list(self.names)
        return (any(i < self.gates for i in fired),
                [self.names[i - self.gates] for i in sorted(fired) if i >= self.gates])

    def fires(self, data: bytes) -> bool:
        """Whether any gate expression matches in `data` (the scan stops at the first)."""
        fired: list[int] = []

        def on(i: int, _s: int, _e: int, _f: int, _c: object) -> bool:
            fired.append(i)
            return True  # one is enough: hyperscan stops the scan

        try:
            self._db.scan(data, match_event_handler=on)
        except Exception:  # noqa: BLE001 - ScanTerminated (or older wheels' error): or unsure
            return True
        return bool(fired)


def build(anchors: Iterable[str], backend: str | None = None,
          gated: Mapping[str, str] | None = None,
          extra: Mapping[str, str] | None = None) -> tuple[str, Prefilter | None]:
    """(backend name, prefilter) for `anchors`; `backend` None means env or auto.

    `gated`: anchor -> a hyperscan expression that matches (in the lower-cased text)
    wherever that anchor's hits could produce anything (`cctrace.redact.gates`). With the
    hyperscan backend, an ASCII text in which none of them matches is searched for the
    other anchors only; the `re` backend reports every anchor.
    `extra`: name -> such an expression, for patterns that have no anchor; with the
    hyperscan backend the name is reported (at offset 0) for each text where its
    expression matches (for every non-ASCII text); the `re` backend ignores them."""
    words = sorted(set(a for a in anchors if a and a.isascii()))
    if not words:
        return "none", None
    choice = backend or os.environ.get("CCTRACE_REDACT_BACKEND", "auto")
    if choice in ("auto", "hyperscan"):
        try:
            return "hyperscan", hyperscan_prefilter(words, gated, extra)
        except Exception:  # noqa: BLE001 - missing wheel or CPU without SSSE3: use re
            if choice == "hyperscan":
                raise
    return "re", re_prefilter(words)
