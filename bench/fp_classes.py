"""Classify the false positives of `redaction_external.py` (issue #13): which clean
negatives could a general rule keep, without losing a true positive?

Every span redacted in a clean negative is compared with every span redacted in a true
positive case that covers (part of) that case's labelled secret:

- class (a), *twin*: some true-positive span comes from the same detector and type; sits
  in the same layout (the line around the value, every word and number collapsed to `w`,
  and the same slot word: key/token/secret/password/...; asked only of the detectors
  that decide by context, a provider format matching wherever it is); has characters of
  the same kind just before and after it (alphanumeric, token symbol `_-+/=~.`, masking
  `#*`, `?`, or a separator: nothing, a blank, a quote, ...); and a value with the same
  character classes (lower, upper, digit, the set of symbols), about the same length
  (within 15 %, 2 characters at least) and the same randomness verdict
  (`randomness.looks_random`). A rule keeping the negative would keep its twin, a secret.
- class (b), *allow-listed*: no twin, and gitleaks' own filters suppress the text
  (`gitleaks_suppressed`: allow-lists by value, stop-words, entropy floors).
- class (c): neither; a general rule may tell it apart.

A case counts as (a) only when every redacted span in it has a twin. The best reachable
figure without losing a true positive keeps the (a) and (b) cases redacted (every (c)
case kept by some rule); with the scanners' allow-lists copied by value (which this
project does not do: that is tuning to cases), (b) would go too. The twin test is
necessary, not sufficient: a (c) case may still have no safe rule.

    python bench/redaction_external.py --no-ds --fp-classes [--fp-list]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from cctrace.redact.randomness import has_sequence, keyboard_run, looks_random

_WORD = re.compile(r"[A-Za-z0-9_]+")
_BLANKS = re.compile(r"\s+")
_SLOT = re.compile(r"(?i)(pass|pwd|secret|token|key|auth|cred|sig)")
_SAME_RUN = re.compile(r"(.)\1{7}")
_ALNUM = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _edge(c: str) -> str:
    if c in _ALNUM:
        return "alnum"
    if c in "_-+/=~.":
        return "tok"
    if c in "#*":
        return "mask"
    return "?" if c == "?" else "separator"  # nothing, blank, quote, bracket, ...


def edges(text: str, start: int, end: int) -> tuple[str, str]:
    return _edge(text[start - 1 : start]), _edge(text[end : end + 1])


def layout(text: str, start: int, end: int) -> tuple[str, str]:
    """(skeleton of the value's line, last slot word before the value on that line)."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    before, after = text[ls:start], text[end:le]
    skel = _BLANKS.sub(" ", _WORD.sub("w", before[-40:]) + "\x00" + _WORD.sub("w", after[:8]))
    slots = _SLOT.findall(before)
    return skel.strip(), (slots[-1].lower() if slots else "")


def value_sig(value: str) -> tuple:
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value),
               any(c.isdigit() for c in value), frozenset(c for c in value if c not in _ALNUM))
    return classes, looks_random(value, 12)


# Detectors whose verdict depends on what surrounds the value; the others match a format
# wherever it occurs, so their twins are compared by value only.
CONTEXT_DETECTORS = frozenset((
    "generic_assignment", "prose", "service_context", "auth_header", "url_credentials",
    "cli_flags", "connection_string", "netrc",
))


def _near_len(a: int, b: int) -> bool:
    return abs(a - b) <= max(2, 0.15 * max(a, b))


class Spans:
    """Redacted spans of true-positive cases, by detector:type."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[tuple]] = defaultdict(list)

    def add(self, case: dict, kind: str, text: str, start: int, end: int) -> None:
        value = text[start:end]
        self.by_kind[kind].append((case["id"], layout(text, start, end), value_sig(value),
                                   len(value), edges(text, start, end)))

    def twin(self, kind: str, text: str, start: int, end: int) -> str | None:
        value = text[start:end]
        lay, sig, n = layout(text, start, end), value_sig(value), len(value)
        edge = edges(text, start, end)
        by_layout = kind.partition(":")[0] in CONTEXT_DETECTORS
        for cid, tlay, tsig, tn, tedge in self.by_kind.get(kind, ()):
            if ((tlay == lay or not by_layout) and tsig == sig and _near_len(n, tn)
                    and tedge == edge):
                return cid
        return None


def _covers_secret(case: dict, text: str, start: int, end: int) -> bool:
    for secret in [case["secret"], *(case.get("other_secrets") or [])]:
        if not secret:
            continue
        i = text.find(secret)
        while i >= 0:
            if i < end and start < i + len(secret):
                return True
            i = text.find(secret, i + 1)
    return False


def classify(red, cases: list[dict], is_clean) -> dict:
    """Returns {'a': [(case, [(kind, twin id)])], 'b': [...], 'c': [...]} for redacted clean
    negatives, and the number of clean negatives."""
    spans = Spans()
    for case in cases:
        if case["kind"] != "tp":
            continue
        text = case["text"]
        for f in red.explain(text):
            if _covers_secret(case, text, f.start, f.end):
                spans.add(case, f"{f.detector}:{f.type}", text, f.start, f.end)
    out: dict[str, list] = {"a": [], "b": [], "c": []}
    clean = 0
    for case in cases:
        if not is_clean(case):
            continue
        clean += 1
        text = case["text"]
        found = red.explain(text)
        if not found:
            continue
        rows = [(f"{f.detector}:{f.type}", text[f.start:f.end],
                 spans.twin(f"{f.detector}:{f.type}", text, f.start, f.end)) for f in found]
        if all(t for _k, _v, t in rows):
            out["a"].append((case, rows))
        elif case.get("gitleaks_suppressed"):
            out["b"].append((case, rows))
        else:
            out["c"].append((case, rows))
    out["clean"] = clean
    out["filler_tp"] = [c for c in cases if c["kind"] == "tp" and filler(c["secret"])]
    return out


def filler(value: str) -> bool:
    """A hand-made value: 8 letters or digits in alphabet order, one character 8 times, or
    typed along keyboard rows (`abcdefgh`, `aaaaaaaa`, `asdf1234qwer...`)."""
    return has_sequence(value) or _SAME_RUN.search(value) is not None or keyboard_run(value)


def report(result: dict, show: bool) -> None:
    clean = result["clean"]
    total = sum(len(result[k]) for k in "abc")
    names = {"a": "indistinguishable from a true positive (twin)",
             "b": "allow-listed by gitleaks (gitleaks_suppressed)",
             "c": "no twin, not allow-listed: a general rule may tell it apart"}
    print(f"\n## False positives by class ({total}/{clean} clean negatives redacted)\n")
    print("| class | cases | by detector:type |")
    print("|---|---|---|")
    for k in "abc":
        kinds = Counter(kind for _c, rows in result[k] for kind in {r[0] for r in rows})
        top = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common(6))
        print(f"| ({k}) {names[k]} | {len(result[k])} | {top} |")
    a, b = len(result["a"]), len(result["b"])
    print(f"\nbest reachable without losing a true positive: {a + b}/{clean} = "
          f"{100 * (a + b) / clean:.1f} % (every class (c) case kept by a rule); "
          f"with the scanners' value allow-lists as well: {a}/{clean} = {100 * a / clean:.1f} %")
    # Why no rule on placeholder *shape* closes the gap: the scanners label most
    # hand-made fillers in their own test data as secrets that must be found.
    fp_fill = sum(any(filler(v) for _k, v, _t in rows) for k in "abc" for _c, rows in result[k])
    tp_fill = result["filler_tp"]
    print(f"hand-made fillers (`has_sequence`, a character 8 times, keyboard runs): "
          f"{fp_fill} false positives, but {len(tp_fill)} true-positive secrets in "
          f"{len({c['rule_id'] for c in tp_fill})} rules are fillers too")
    if show:
        for k in "abc":
            for case, rows in result[k]:
                desc = "; ".join(f"{kind} {value[:60]!r} twin={twin}" for kind, value, twin in rows)
                print(f"({k}) {case['id']} {case['rule_id']} [{case.get('fp_class')}]: {desc}")
