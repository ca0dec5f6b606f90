"""`redact/gates.py` exactly: the hyperscan expression `necessary` gives for each regex
construct (character tests as ASCII byte sets of the lower-cased text, groups, branches,
repeats and their loosened bounds, possessive and atomic forms, lookarounds kept only at
the end), and which anchors `gated_anchors` gates and how it joins their gates.

The expressions are compared as strings: a looser or a narrower one is a different one.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import warnings
from types import SimpleNamespace

import pytest

from cctrace.redact import gates

# `.` over the lower-cased ASCII text: everything but the newline and upper-case letters.
DOT = "[\\x00-\\x09\\x0b-\\x40\\x5b-\\x7f]"
DOT_ALL = "[\\x00-\\x40\\x5b-\\x7f]"


@pytest.mark.parametrize(("regex", "flags", "expr"), [
    ("a", 0, "\\x61"),
    ("Z", 0, "\\x7a"),                      # an upper-case letter is tested as its lower case
    ("[aZ]", 0, "[\\x61\\x7a]"),
    ("\\[", 0, "\\x5b"),                    # `[` is no upper-case `{`
    ("[ac]", 0, "[\\x61\\x63]"),
    ("[a-c]", 0, "[\\x61-\\x63]"),
    (".", 0, DOT),
    ("(?s:.)", 0, f"(?:{DOT_ALL})"),         # a local flag counts inside its group
    (".", re.S, DOT_ALL),
    ("(?:ab)", 0, "\\x61\\x62"),            # the parser flattens a plain group
    ("(ab)", 0, "(?:\\x61\\x62)"),
    ("a(?:\\b)", 0, "\\x61"),              # a group that asks nothing is left out
    ("a(\\b)", 0, "\\x61"),
    ("a(?:\\b|^)", 0, "\\x61"),            # so is a branch none of whose alternatives asks
    ("a|b", 0, "[\\x61-\\x62]"),             # the parser makes a class of it
    ("a|bc", 0, "(?:\\x61|\\x62\\x63)"),
    ("a(?:b|\\b)", 0, "\\x61(?:\\x62)?"),  # an alternative that asks nothing: optional
    ("a{0,16}", 0, "(?:\\x61){0,16}"),
    ("a{0,17}", 0, "(?:\\x61){0,}"),       # bounds above 16 are loosened
    ("a{20}", 0, "(?:\\x61){16,}"),
    ("a*", 0, "(?:\\x61){0,}"),
    ("a+?", 0, "(?:\\x61){1,}"),
    ("a(?:\\b)*", 0, "\\x61"),             # a repeat of nothing is left out
    ("a*+b", 0, "(?:\\x61){0,}\\x62"),     # possessive: a plain repeat
    ("(?>ab)c", 0, "(?:\\x61\\x62)\\x63"),  # atomic: a plain group
    ("a(?>\\b)", 0, "\\x61"),
    ("(?:a(?=b))+", 0, "(?:\\x61){1,}"),   # a lookahead inside a repeat is dropped
    ("a(?=bc)", 0, "\\x61\\x62\\x63"),     # one that ends the regex is consumed text
    ("a(?=b(?=c))", 0, "\\x61\\x62\\x63"),
    ("a(?!b)", 0, "\\x61"),
    ("(?<=b)a", 0, "\\x61"),
    ("^a$", 0, "\\x61"),
])
def test_necessary_expressions(regex: str, flags: int, expr: str) -> None:
    assert gates.necessary(regex, flags) == expr


@pytest.mark.parametrize("regex", ["(a)\\1", "(?:\\b)", "", "(?P<q>a)(?(q)b|c)"])
def test_what_cannot_be_translated_or_matches_everywhere_is_none(regex: str) -> None:
    assert gates.necessary(regex, 0) is None


def _plan(*regexes: str, scan=(), shared=(), known=(), ungated=False,
          single: str | None = None) -> SimpleNamespace:
    groups = [(re.compile(r, re.I).match, object()) for r in regexes]
    if ungated:  # a group of two patterns without a common leading part
        groups.append((None, ((re.compile("x").match, object()),
                              (re.compile("y").match, object()))))
    if single is not None:  # a group of one pattern: the engine tries it without a gate
        groups.append((None, ((re.compile(single, re.I).match, object()),)))
    return SimpleNamespace(groups=groups, scan=scan, shared=shared, known=known)


def test_gated_anchors_join_their_gates_and_skip_what_is_reported_anyway() -> None:
    plans = {
        "one": _plan("a"),
        "two": _plan("a", "b"),
        "löse": _plan("a"),                  # non-ASCII anchors are never gated
        "none": _plan(),
        "scan": _plan("a", scan=(1,)),
        "shared": _plan("a", shared=(1,)),
        "known": _plan("a", known=(1,)),
        "open": _plan("a", ungated=True),
        "backref": _plan("a", "(a)\\1"),     # one gate cannot be translated
        # A one-pattern group beside a gated one is gated by its own regex (`auth`)...
        "single": _plan("a", single="b"),
        "single2": _plan(single="c"),         # ...not alone (provider prefixes)
        "singleref": _plan("a", single="(b)\\1"),  # nor when it cannot be translated
        "singlebad": _plan("a", single="é"),
    }
    assert gates.gated_anchors(plans) == {"one": "\\x61", "two": "(?:\\x61)|(?:\\x62)",
                                          "single": "(?:\\x61)|(?:\\x62)"}


def test_on_python_3_10_the_sre_modules_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # requires-python is 3.10, whose parser modules are `sre_*` (aliases since 3.11).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in ("sre_parse", "sre_compile", "sre_constants"):
            importlib.import_module(name)
    monkeypatch.setattr(sys, "version_info", (3, 10, 14, "final", 0))
    spec = importlib.util.find_spec("cctrace.redact.gates")
    assert spec is not None and spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh._parser is sys.modules["sre_parse"]
    assert fresh._compiler is sys.modules["sre_compile"]
    assert fresh._c is sys.modules["sre_constants"]
    assert fresh.necessary("a+", 0) == "(?:\\x61){1,}"
