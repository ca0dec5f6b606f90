"""The redaction engine: every detector, one prefilter pass, overlap resolution, markers.

`SecretRedactor.redact_text` lowercases the text once, runs one combined regex of all
detectors' literal anchors (and of the known secrets) over it, and then runs only the
patterns whose anchors occurred: keyword-led patterns only at the anchor offsets (what an
anchor triggers is planned once per redactor; patterns sharing a leading part are skipped
together where one match of that part fails), the others over the text. Overlapping
candidates are merged into one span that takes the type of the most specific (then
longest) one, and each span becomes `[REDACTED:<type>:<tag>]`, the tag being 8 hex chars
of HMAC-SHA256 over the secret with a local key, so one secret correlates across traces
without being recoverable. Markers never re-match, so redaction is idempotent. `explain`
reports findings (type, detector, offsets), never values. Verdicts on short texts (keys,
names) are remembered per redactor: they are a pure function of the text.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cctrace.redact import cells, gates, known, prefilter, registry, views
from cctrace.redact.detectors.base import Detector, Pattern
from cctrace.redact.keyfile import load_or_create_key
from cctrace.redact.randomness import runs_on

TAG_LEN = 8
MARKER_RE = re.compile(r"\[REDACTED:[a-z0-9_]+:[0-9a-f]{8}\]")


def _neutral_marker(m: re.Match[str]) -> str:
    kind, tag = m.group()[len("[REDACTED:"):-1].rsplit(":", 1)
    return f"[REDACTED:{'x' * len(kind)}:{tag}]"
KNOWN_TYPE = "known_secret"
KNOWN_PRIORITY = 100
# Learned secrets: a value a detector found once is redacted wherever it reappears, e.g.
# when the model repeats a password in prose with no context left to recognise it by.
LEARN_MIN = 8
LEARN_MAX = 4096
# Verdicts on texts up to SHORT_TEXT chars are remembered (at most SHORT_CACHE of them).
SHORT_TEXT = 64
SHORT_CACHE = 8192
# Literal anchors (known and learned secrets) are their first ANCHOR_MAX chars: hyperscan
# refuses very long literals and the `re` trie recurses per character; a hit is confirmed
# by comparing the whole value.
ANCHOR_MAX = 64
# A masked value (`AKCpXXXXXXXX...`, `fo1_xxxxxx...`, `****`) or a documented example key
# (AWS's `...EXAMPLEKEY`) is a placeholder in every format: a random token holds such a
# run with negligible probability.
_MASKED = re.compile(r"[xX]{6,}|\*{4,}|•{3,}|EXAMPLE")
# Words a sample value is marked with (`...dummyXi6...`, `YOUR-PRIVATE-KEY-GOES-HERE`,
# `sk-lf-invalid`): 5+ letters, so a random base62 token holds one with probability
# ~1e-8 per position. Not `fake`: public scanners' own positive samples are marked with it
# (`sk_nGDJWCkPiFAKE5XFTzUUA`), and a real key may be pasted next to such a sample.
_PLACEHOLDER_MARKS = ("dummy", "sample", "placeholder", "goes-here", "goes_here", "invalid")


def _masked(value: str) -> bool:
    """`_MASKED` asked with substring tests (C speed on a long candidate; the regex has no
    literal prefix to skip by)."""
    low = value.lower()
    return ("xxxxxx" in low or "****" in value or "•••" in value
            or "EXAMPLE" in value or any(w in low for w in _PLACEHOLDER_MARKS))


# Offsets survive lowercasing only for ASCII-case mapping; str.lower can change lengths.
_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


@dataclass(frozen=True)
class Finding:
    """One redacted span: what it was taken for and where, never the value."""

    type: str
    detector: str
    start: int
    end: int


@dataclass(frozen=True)
class _Compiled:
    detector: str
    pattern: Pattern
    regex: re.Pattern[str]
    group: int | str


_Matcher = Callable[[str, int], "re.Match[str] | None"]


class _AnchorPlan(NamedTuple):
    """Per anchor: patterns to scan the text with, at-anchor patterns to try at the hit
    (`once`: with their bound `match`; `shared`: de-duplicated per offset) and known
    secrets to compare there."""

    scan: tuple[_Compiled, ...]
    once: tuple[tuple[Callable[[str, int], re.Match[str] | None], _Compiled], ...]
    shared: tuple[_Compiled, ...]
    known: tuple[str, ...]
    # `once` split by detector, each with the regex all its patterns start with (None:
    # none shared): where the gate fails, none of that group can match.
    groups: tuple[tuple[_Matcher | None, tuple[tuple[_Matcher, _Compiled], ...]], ...] = ()

    @property
    def gate(self) -> _Matcher | None:
        """The gate of the largest group (what tests inspect)."""
        return max(self.groups, key=lambda g: len(g[1]))[0] if self.groups else None


_EMPTY_PLAN = _AnchorPlan((), (), (), ())
_GATES: dict[tuple[tuple[str, ...], int], _Matcher | None] = {}


def _items(regex: str, flags: int) -> list[str] | None:
    """The top-level items of `regex` as the `re` parser sees them (None: not a regex)."""
    parser = sys.modules["re._parser" if sys.version_info >= (3, 11) else "sre_parse"]
    try:
        return [repr(item) for item in parser.parse(regex, flags).data]  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a cut inside a construct simply does not parse
        return None


@functools.cache
def _prefix_related(anchors: tuple[str, ...]) -> bool:
    """Whether one of `anchors` is a prefix of another (both can hit at one offset)."""
    ordered = sorted(set(anchors))
    return any(b.startswith(a) for a, b in zip(ordered, ordered[1:], strict=False))


def common_gate(regexes: Sequence[str], flags: int) -> _Matcher | None:
    """A `match` for the longest common leading part of `regexes`, or None.

    The part must be a sequence of whole top-level items of every regex (checked on the
    `re` parser's own parse), so each regex is that part followed by more: a regex can
    only match at an offset where the part matches, and where the part fails all of them
    are skipped with one `match` call instead of one per regex. Cached per regex set.
    """
    key = (tuple(regexes), flags)
    if key in _GATES:
        return _GATES[key]
    gate = None
    fulls = [_items(r, flags) for r in regexes]
    lcp = os.path.commonprefix(list(regexes))
    if len(regexes) > 1 and all(fulls):
        for cut in range(len(lcp), 0, -1):
            head = _items(lcp[:cut], flags)
            if head and all(f is not None and f[: len(head)] == head and len(f) > len(head)
                            for f in fulls):
                gate = re.compile(lcp[:cut], flags).match
                break
    _GATES[key] = gate
    return gate


# Pseudo-anchors of the anchorless patterns (never a text's literal: they start with NUL).
_ALWAYS = "\x00always:"


class SecretRedactor:
    """A `Redactor` running all given detectors plus literal known secrets."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        key: bytes,
        known_secrets: Iterable[str] = (),
        backend: str | None = None,
        learned: dict[str, str] | None = None,
    ) -> None:
        self._key = key
        # value -> marker; memory only. Callers may share one dict between redactors (the
        # worker keeps it across redactor rebuilds) so what was learned is not forgotten.
        self._learned = {} if learned is None else learned
        self._sweep_size = -1
        self._sweeper: prefilter.Prefilter | None = None
        self._sweep_index: dict[str, list[str]] = {}
        self._short: dict[str, tuple[Finding, ...]] = {}
        self._scan: dict[str, list[_Compiled]] = {}
        self._at: dict[str, list[_Compiled]] = {}
        self._always: list[_Compiled] = []
        for det in detectors:
            for pat in det.patterns:
                flags = pat.flags | (re.IGNORECASE if pat.at_anchor else 0)
                rx = re.compile(pat.regex, flags)
                comp = _Compiled(det.name, pat, rx, "s" if "s" in rx.groupindex else 0)
                if not pat.anchors:
                    self._always.append(comp)
                for anchor in pat.anchors:
                    (self._at if pat.at_anchor else self._scan).setdefault(anchor, []).append(comp)
        # Known secrets join the prefilter as anchors; a hit is confirmed by exact compare.
        self._known: dict[str, list[str]] = {}
        for lit in known.literals(known_secrets):
            self._known.setdefault(lit.lower()[:ANCHOR_MAX], []).append(lit)
        anchors = set(self._scan) | set(self._at) | set(self._known)
        # Non-ASCII anchors (a known secret with accents, a detector keyword such as
        # `lösenord`) cannot go through the byte-level backends, which drop them; they are
        # checked with str.find instead.
        self._slow_known = sorted(a for a in anchors if not a.isascii())
        self._plan = {a: self._anchor_plan(a) for a in anchors}
        # Anchorless patterns are each a `re` pass over every text; with hyperscan they
        # run only where their necessary expression (`gates.necessary`) matches: the
        # prefilter reports a pseudo-anchor whose plan scans the text with the pattern.
        extra = {f"{_ALWAYS}{i}": e for i, c in enumerate(self._always)
                 if (e := gates.necessary(c.regex.pattern, c.regex.flags))}
        self.backend, self._prefilter = prefilter.build(
            anchors, backend, gates.gated_anchors(self._plan), extra)
        # The anchorless patterns the candidate search runs over every text.
        self._unanchored = self._always
        if self.backend == "hyperscan" and extra:
            for name in extra:
                comp = self._always[int(name[len(_ALWAYS):])]
                self._plan[name] = _AnchorPlan((comp,), (), (), ())
            self._unanchored = [c for i, c in enumerate(self._always)
                                if f"{_ALWAYS}{i}" not in extra]

    def _anchor_plan(self, anchor: str) -> _AnchorPlan:
        """What one anchor hit triggers, resolved once so the per-hit loop is lean.

        An at-anchor pattern needs de-duplication per offset only when two of its anchors
        can start at the same offset (one is a prefix of the other); every other pattern
        is tried at most once per offset anyway, because the prefilter reports each
        (offset, anchor) once.
        """
        once: list[tuple[Callable[[str, int], re.Match[str] | None], _Compiled]] = []
        shared: list[_Compiled] = []
        for comp in dict.fromkeys(self._at.get(anchor, ())):
            if _prefix_related(comp.pattern.anchors):
                shared.append(comp)
            else:
                once.append((comp.regex.match, comp))
        by_detector: dict[str, list[tuple[_Matcher, _Compiled]]] = {}
        for item in once:
            by_detector.setdefault(item[1].detector, []).append(item)
        groups = []
        for members in by_detector.values():
            gate = None
            if len(members) > 1 and len({comp.regex.flags for _, comp in members}) == 1:
                gate = common_gate([comp.pattern.regex for _, comp in members],
                                   members[0][1].regex.flags)
            groups.append((gate, tuple(members)))
        return _AnchorPlan(tuple(dict.fromkeys(self._scan.get(anchor, ()))), tuple(once),
                           tuple(shared), tuple(self._known.get(anchor, ())), tuple(groups))

    # --- detection ------------------------------------------------------------------
    def _candidates(self, text: str) -> list[tuple[int, int, int, str, str]]:
        """(start, end, priority, type, detector) for every validated match."""
        out: list[tuple[int, int, int, str, str]] = []
        low = text.lower()
        if len(low) != len(text):
            low = text.translate(_ASCII_LOWER)
        hits = self._prefilter(low) if self._prefilter is not None else []
        # A non-ASCII anchor cannot occur in ASCII text: one C pass instead of a find per
        # anchor over every text.
        for anchor in self._slow_known if not low.isascii() else ():
            pos = low.find(anchor)
            while pos >= 0:
                hits.append((pos, anchor))
                pos = low.find(anchor, pos + 1)
        if not hits:
            # Nothing anchored: only the anchorless patterns can match.
            for comp in self._unanchored:
                for hit in comp.regex.finditer(text):
                    self._accept(text, comp, hit, out)
            return out
        accept = self._accept
        plan = self._plan
        scan: set[_Compiled] = set(self._unanchored)
        tried: set[tuple[int, int]] | None = None
        # Several hits of one anchor in a row are common (a keyword repeated in prose):
        # the anchor's plan is looked up once per run.
        last: str | None = None
        step = _EMPTY_PLAN
        for pos, anchor in hits:
            if anchor is not last:
                last = anchor
                step = plan.get(anchor, _EMPTY_PLAN)
                if step.scan:
                    scan.update(step.scan)
            for gate, members in step.groups:
                if gate is None or gate(text, pos) is not None:
                    for match, comp in members:
                        hit = match(text, pos)
                        if hit is not None:
                            accept(text, comp, hit, out)
            if step.shared:
                if tried is None:
                    tried = set()
                for comp in step.shared:
                    if (id(comp), pos) not in tried:
                        tried.add((id(comp), pos))
                        hit = comp.regex.match(text, pos)
                        if hit is not None:
                            accept(text, comp, hit, out)
            for lit in step.known:
                if text.startswith(lit, pos):
                    out.append((pos, pos + len(lit), KNOWN_PRIORITY, KNOWN_TYPE, "known"))
        for comp in scan:
            for hit in comp.regex.finditer(text):
                accept(text, comp, hit, out)
        return out

    @staticmethod
    def _accept(
        text: str, comp: _Compiled, m: re.Match[str], out: list[tuple[int, int, int, str, str]]
    ) -> None:
        pat = comp.pattern
        if pat.expand is not None:
            out.extend((s, e, pat.priority, pat.type, comp.detector) for s, e in pat.expand(m)
                       if not _masked(text[s:e]))
            return
        start, end = m.span(comp.group)
        if start < 0 or end <= start or runs_on(text, end):
            return
        if pat.boundary:
            s0 = m.start()
            if s0 > 0 and (text[s0 - 1].isalnum() or text[s0 - 1] == "_"):
                if not (s0 >= 2 and text[s0 - 2] == "\\" and text[s0 - 1] in "nrt"):
                    return
        if _masked(text[start:end]):
            return
        if ((pat.validate is not None and not pat.validate(text[start:end]))
                or (pat.check is not None and not pat.check(m))):
            # Refused, but cut by a line's end: maybe a wrapped value's first fragment,
            # which opens a wrap window only (`views.NEAR`).
            if text[end:end + 1] == "\n":
                out.append((start, end, views.NEAR, pat.type, comp.detector))
            return
        out.append((start, end, pat.priority, pat.type, comp.detector))

    def _spans(self, text: str) -> list[Finding]:
        # Short strings (JSON keys, roles, tool names, ids) recur thousands of times per
        # transcript; their verdict is a pure function of the text, so it is kept.
        if len(text) > SHORT_TEXT:
            return self._find(text)
        known = self._short.get(text)
        if known is None:
            known = tuple(self._find(text))
            if len(self._short) >= SHORT_CACHE:
                self._short.clear()
            self._short[text] = known
        return list(known)

    def _find(self, text: str) -> list[Finding]:
        protected = [m.span() for m in MARKER_RE.finditer(text)] if "[REDACTED:" in text else []
        if protected:
            # A marker names a secret's type (`api_key`...): with the type's letters
            # neutralised (same length, so the offsets hold) it cannot be read as the key
            # of an assignment after it, and redacting redacted text changes nothing.
            text = MARKER_RE.sub(_neutral_marker, text)
        find = self._candidates
        # A value wrapped inside its table column: no fragment is a find on its own.
        cands = find(text) + cells.cell_candidates(text, find)
        # A value split by NULs or zero-width characters, %-encoded, `\u`-escaped (`views`).
        cands += views.other_readings(text, find)
        if not cands:
            return []
        # A find that stops at a wrapped line's end is a fragment (`redact.views`); so may
        # be a near miss, which is no find itself.
        cands += views.wrapped_candidates(text, cands, find)
        cands = [c for c in cands if c[2] != views.NEAR]
        if not cands:
            return []
        if protected:
            cands = [c for c in cands if not any(c[0] < pe and ps < c[1] for ps, pe in protected)]
        cands.sort()
        merged: list[Finding] = []
        cur_s, cur_e, best = -1, -1, None
        for c in cands:
            if best is not None and c[0] < cur_e:
                cur_e = max(cur_e, c[1])
                if (c[2], c[1] - c[0]) > (best[2], best[1] - best[0]):
                    best = c
                continue
            if best is not None:
                merged.append(Finding(best[3], best[4], cur_s, cur_e))
            cur_s, cur_e, best = c[0], c[1], c
        if best is not None:
            merged.append(Finding(best[3], best[4], cur_s, cur_e))
        return merged

    # --- public API -------------------------------------------------------------------
    def tag(self, value: str) -> str:
        """The correlation tag of a secret value (keyed, not reversible)."""
        digest = hmac.new(self._key, value.encode("utf-8", "surrogatepass"), hashlib.sha256)
        return digest.hexdigest()[:TAG_LEN]

    def explain(self, text: str) -> list[Finding]:
        """What `redact_text` would replace, as findings without the values."""
        return self._spans(text)

    def redact_text(self, text: str) -> str:
        spans = self._spans(text)
        if not spans:
            return text
        parts: list[str] = []
        last = 0
        for f in spans:
            value = text[f.start : f.end]
            marker = f"[REDACTED:{f.type}:{self.tag(value)}]"
            parts.append(text[last : f.start])
            parts.append(marker)
            last = f.end
            if len(value) >= LEARN_MIN and len(self._learned) < LEARN_MAX:
                self._learned.setdefault(value, marker)
        parts.append(text[last:])
        return "".join(parts)

    def learn(self, values: Iterable[str], kind: str) -> int:
        """Sweep `values` from now on, as if a detector had found them (`kind` names them
        in the marker); returns how many were new."""
        new = 0
        for value in values:
            if len(value) >= LEARN_MIN and len(self._learned) < LEARN_MAX \
                    and value not in self._learned:
                self._learned[value] = f"[REDACTED:{kind}:{self.tag(value)}]"
                new += 1
        return new

    @property
    def learned_count(self) -> int:
        return len(self._learned)

    def sweep(self, text: str) -> str:
        """Replace every secret value detected so far (by any call) wherever it occurs.

        The redaction stage runs this as a second pass over a batch, so a secret found in
        one field is also removed from fields where nothing else gave it away.
        """
        if not self._learned or not text:
            return text
        if self._sweep_size != len(self._learned):
            self._sweep_size = len(self._learned)
            self._sweep_index = {}
            for v in sorted(self._learned, key=len, reverse=True):
                self._sweep_index.setdefault(v.lower()[:ANCHOR_MAX], []).append(v)
            _, self._sweeper = prefilter.build(self._sweep_index)
        if self._sweeper is None:
            return text
        low = text.lower()
        if len(low) != len(text):
            low = text.translate(_ASCII_LOWER)
        hits: list[tuple[int, int, str]] = []
        for pos, _anchor in self._sweeper(low):
            for value, marker in self._learned_at(text, pos, _anchor):
                hits.append((pos, pos + len(value), marker))
        if not hits:
            return text
        hits.sort(key=lambda h: (h[0], -h[1]))
        parts: list[str] = []
        last = 0
        for start, end, marker in hits:
            if start < last:
                continue
            parts.append(text[last:start])
            parts.append(marker)
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def _learned_at(self, text: str, pos: int, anchor: str) -> list[tuple[str, str]]:
        # The prefilter matched case-insensitively; only the exact value counts.
        for value in self._sweep_index.get(anchor, ()):
            marker = self._learned.get(value)
            if marker is not None and text.startswith(value, pos):
                return [(value, marker)]
        return []


def build_redactor(
    config: object,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
    pii: bool = False,
    learned: dict[str, str] | None = None,
) -> SecretRedactor:
    """The redactor for a `cctrace.config.Config`: all detectors, the local key, and the
    known secrets of `env` (default: the process environment), `cwd`'s `.env*` files and
    the config's own credentials."""
    env = os.environ if env is None else env
    values = known.from_env(env) + known.from_config(config)
    if cwd:
        values += known.from_dotenv_files(cwd)
    key = load_or_create_key(config.state_dir)  # type: ignore[attr-defined]
    return SecretRedactor(registry.detectors(pii=pii), key, values, learned=learned)
