"""`redact/views.py` `unicode_candidates`: the lines of a text holding `\\uXXXX` escapes (one,
two or three backslashes) are read decoded, so a keyword written with escapes
(`contrase\\u00f1a`, `\\u043f\\u0430\\u0440\\u043e\\u043b\\u044c`) or a value holding them
(`Ab7x\\u0026Kq9`) is found, and the find covers each escape whole. Escapes standing alone
between quotes (a character table), of blanks or of surrogate halves open no reading; text
without escapes costs one test and text with only those comes back byte-identical.
"""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry, views
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

PW = "Lumen#4412x"


def _calls(text: str) -> list[str]:
    seen: list[str] = []
    views.unicode_candidates(text, lambda t: seen.append(t) or [])
    return seen


@pytest.mark.parametrize("text", [
    f"La contrase\\u00f1a de la base de datos es {PW}",
    f"\\u043f\\u0430\\u0440\\u043e\\u043b\\u044c: {PW}",
    f"Das Passwort f\\u00fcr den Server ist {PW}",
    f"\\u6570\\u636e\\u5e93\\u5bc6\\u7801\\u662f {PW}",
])
def test_escaped_keywords_are_read(redactor, text: str) -> None:
    for t in (text, json.dumps(text)):
        assert_absent(PW, redactor.redact_text(t))


@pytest.mark.parametrize("raw", ["Ab7x&Kq9&Lm2", "Zu<9m>Qk!2p"])
def test_escapes_inside_a_json_password(redactor, raw: str) -> None:
    shown = "".join(f"\\u{ord(c):04x}" if c in "&<>" else c for c in raw)
    text = '{"password": "' + shown + '"}'
    for t in (text, json.dumps(text)):
        out = redactor.redact_text(t)
        assert out.count("[REDACTED:") == 1 and "Lm2" not in out and "Qk!2p" not in out, out
        assert out.startswith('{"password": "[REDACTED:') or out.startswith('"{\\"password')


def test_the_find_covers_each_escape_whole_and_maps_offsets() -> None:
    text = 'x\n{"password": "Ab7x\\u0026Kq9"}\ny'
    r = SecretRedactor(registry.detectors(), b"k" * 32)
    spans = [text[f.start:f.end] for f in r.explain(text)]
    assert spans == ["Ab7x\\u0026Kq9"]


def test_only_escapes_in_words_open_a_window() -> None:
    text = "a = 1\nname = 'caf\\u00e9 ok'\nb = 2\ntable = ('\\u20ac'  # EURO SIGN\n"
    # from the line's start on, the rest of the text within reach, every escape decoded
    assert _calls(text) == ["name = 'café ok'\nb = 2\ntable = ('€'  # EURO SIGN\n\n"]
    assert _calls("plain text, no escapes at all") == []
    assert _calls("x = ('\\u20ac', '\\u00e9')") == []          # alone between quotes
    assert _calls("a\\u0020b \\u000a c") == []                  # blanks and controls
    assert _calls("x \\ud83d\\ude00 y") == []                   # surrogate halves
    assert _calls("key \\\\u00e9t\\u00e9 z") == ["key été z\n"]  # one to three backslashes


def test_a_window_is_bounded_both_ways() -> None:
    long_line = "x" * 5000 + "caf\\u00e9" + "y" * 5000
    seen = _calls(long_line)
    assert seen == ["x" * (views._U_REACH - 3) + "café" + "y" * views._U_REACH + "\n"]
    escaped = 'a\\nb caf\\u00e9 c\\nd'                          # a JSON-escaped break
    assert _calls(escaped) == ["b café c\\nd\n"]


def test_a_table_under_an_escaped_header(redactor) -> None:
    text = "| Servicio | Contrase\\u00f1a |\n|---|---|\n| Grafana | Yew!Bow2029 |"
    for t in (text, json.dumps(text)):
        assert_absent("Yew!Bow2029", redactor.redact_text(t))


@pytest.mark.parametrize("text", [
    '{"title": "Fish \\u0026 Chips", "note": "caf\\u00e9"}',
    "Das Passwort f\\u00fcr den Server ist im Tresor.",
    "x = '\\u00e9'\n",
])
def test_ordinary_escaped_text_stays(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_an_escape_right_at_a_window_end_opens_the_next() -> None:
    # The first window ends 2048 characters past its escape; one starting right there is
    # read in a window of its own.
    head = "caf\\u00e9 "                       # its escape ends at 9: the window at 2057
    body = "y" * (views._U_REACH - 10) + " contrase\\u00f1a es Lumen#4412x"
    assert (head + body).index("\\u00f1") == 9 + views._U_REACH
    seen = _calls(head + body)
    assert len(seen) == 1 and "contraseña es Lumen#4412x" in seen[0]


def test_an_escape_that_changes_nothing_does_not_end_the_walk() -> None:
    assert _calls("a\\u0020b x caf\\u00e9") == ["a\\u0020b x café\n"]


def test_finds_in_every_window_map_back_exactly() -> None:
    first = '{"password": "Ab7x\\u0026Kq9"}'
    second = '{"password": "Zu\\u003c9mQk!2p"}'
    text = first + "\n" + "z" * 3000 + "\n" + second
    r = SecretRedactor(registry.detectors(), b"k" * 32)
    found = r.explain(text)
    assert [text[f.start:f.end] for f in found] == ["Ab7x\\u0026Kq9", "Zu\\u003c9mQk!2p"]
    assert {(f.type, f.detector) for f in found} == {("generic_secret", "generic_assignment")}


def test_a_find_ending_on_an_escape_covers_it() -> None:
    text = '{"password": "Ab7xKq9\\u0026"}'
    r = SecretRedactor(registry.detectors(), b"k" * 32)
    assert [text[f.start:f.end] for f in r.explain(text)] == ["Ab7xKq9\\u0026"]


def test_a_find_only_the_decoded_reading_makes_maps_back_exactly() -> None:
    text = f"x\nLa contrase\\u00f1a es {PW}\ny"
    r = SecretRedactor(registry.detectors(), b"k" * 32)
    assert [(text[f.start:f.end], f.detector) for f in r.explain(text)] == [(PW, "prose")]
