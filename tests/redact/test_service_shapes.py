"""Per-service key shapes: the table's grammar, the shipped table, and the service-name rule
that uses it (a token beside a service's name is redacted only if it fits that service's
shapes; an unknown or compound service keeps the shape-free rule).

Values are generated here (seeded). Positives assert the secret and every 12-character piece
of it are gone (`support.absence`); negatives assert the text comes back byte-identical.
"""

from __future__ import annotations

import random
import string
from importlib import resources

import pytest

from cctrace.redact import service_shapes as ss
from cctrace.redact.services import SERVICES
from support.absence import assert_absent

RNG = random.Random(1315)
B62 = string.ascii_letters + string.digits
LALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"


def tok(n: int, alphabet: str = B62) -> str:
    """A drawn value mixing classes the way issued keys do (3+ digits, 3+ letters)."""
    assert n >= 6
    while True:
        t = "".join(RNG.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in t) >= 3 and sum(c.isalpha() for c in t) >= 3:
            return t


# --- the grammar ------------------------------------------------------------------------

@pytest.mark.parametrize(("cls", "inside", "outside"), [
    ("hex", "0a9f", "0A9F"),
    ("HEX", "0A9F", "0a9f"),
    ("xhex", "0a9F", "0a9g"),
    ("digits", "0189", "018a"),
    ("lower", "azqm", "azq1"),
    ("lalnum", "az09", "aZ09"),
    ("ualnum", "AZ09", "Az09"),
    ("alnum", "aZ09", "aZ0_"),
    ("word", "aZ0_", "aZ0-"),
    ("url", "a_Z-", "a_Z+"),
    ("b64", "a+Z/", "a+Z-"),
    ("b64", "aZ0=", "aZ0_"),
])
def test_each_class_admits_its_alphabet_only(cls: str, inside: str, outside: str) -> None:
    rx = ss.compile_shape(f"{cls} 4")
    assert rx is not None
    assert rx.fullmatch(inside) is not None
    assert rx.fullmatch(outside) is None


@pytest.mark.parametrize("cls", ["hex", "HEX", "xhex", "digits", "lower", "lalnum"])
def test_classes_without_x_refuse_it(cls: str) -> None:
    rx = ss.compile_shape(f"{cls} 1")
    assert rx is not None and rx.fullmatch("X") is None


def test_class_table_is_exactly_the_grammar() -> None:
    assert ss.CLASSES == {
        "hex": "0-9a-f", "HEX": "0-9A-F", "xhex": "0-9a-fA-F", "digits": "0-9",
        "lower": "a-z", "lalnum": "a-z0-9", "ualnum": "A-Z0-9", "alnum": "A-Za-z0-9",
        "word": "A-Za-z0-9_", "url": "A-Za-z0-9_\\-", "b64": "A-Za-z0-9+/=",
    }
    assert ss.UNSURE_FLAGS == ("compound", "verify-only")
    assert ss.MAX_LEN == 4096


@pytest.mark.parametrize(("shape", "fit", "unfit"), [
    ("lalnum 3-5", ["abc", "abcd", "ab123"], ["ab", "abcdef"]),
    ("digits 4+", ["1234", "1" * 40], ["123"]),
    ("prefix:aio_ alnum 4", ["aio_aB3d"], ["aio_aB3", "AIO_aB3d", "xaio_aB3d"]),
    ("hex 2 suffix:-us", ["0f-us"], ["0f-u", "0f"]),
    ("uuid", ["0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"], ["0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5"]),
    ("uuid 36", ["0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"], ["0a1b2c3d0a1b0a1b0a1b0a1b2c3d4e5f"]),
    ("jwt", ["eyJa.eyJb.c-_1", "a.b."], ["a.b", "a..c"]),
    ("jwt 5-6", ["a.b.cd", "a.b.c"], ["a.b.cde1"]),
    ("set:A-Za-z0-9% 3", ["a%Z"], ["a-Z", "a&Z"]),
    ("set:a-z- 3", ["a-z"], ["a_z"]),
    ("set:[0-9a-z 3", ["[9a"], ["]9a"]),
    ("set:A-z 2", ["Az", "A-", "z-"], ["Bz", "_z"]),  # not a range: two cases
    ("set:a-a 1", ["a"], ["-", "b", "X"]),         # a one-letter range
    ("set:a-c0-2% 1", ["b", "1", "%"], ["X", "d", "3"]),
    ("set:z-a 1", ["z", "-", "a"], ["m"]),          # reversed: three characters
    ("set:9-0 1", ["9", "-", "0"], ["5"]),
    ("set:à-é 1", ["à", "-", "é"], ["è"]),          # ranges are ASCII only
    ("set:a-9 1", ["a", "-", "9"], ["b"]),          # a letter to a digit: no range
    ("set:0-a 1", ["0", "-", "a"], ["5", "Q"]),     # a digit to a letter: no range
    ("alnum 3-3", ["abc"], ["ab", "abcd"]),         # a range of one length
    ("alnum 4096", ["a" * 4096], ["a" * 4095]),     # the longest length allowed
    ("hex 1-4096", ["a", "f" * 4096], ["f" * 4097]),
    ("alnum 2 | prefix:k- digits 3", ["a1", "k-123"], ["k-12", "a1b"]),
])
def test_lengths_prefixes_suffixes_and_alternatives(shape: str, fit: list[str],
                                                     unfit: list[str]) -> None:
    rx = ss.compile_shape(shape)
    assert rx is not None
    for v in fit:
        assert rx.fullmatch(v) is not None, (shape, v)
    for v in unfit:
        assert rx.fullmatch(v) is None, (shape, v)


@pytest.mark.parametrize("shape", ["any", "unknown", "  any  "])
def test_any_and_unknown_are_no_constraint(shape: str) -> None:
    assert ss.compile_shape(shape) is None


@pytest.mark.parametrize(("row", "why"), [
    ("x\tfoo 32", "unknown class 'foo'"),
    ("x\talnum", "needs a length"),
    ("x\tlower", "needs a length"),
    ("x\talnum 0", "must be 1.."),
    ("x\talnum 5-3", "3 < 5"),
    ("x\talnum 4097", "must be 1.."),
    ("x\talnum 1-4097", "must be 1.."),
    ("x\talnum 12x", "bad length"),
    ("x\tprefix: alnum 4", "empty prefix"),
    ("x\talnum 4 suffix:", "empty suffix"),
    ("x\tprefix:FlyV1 fm set:A-Za-z 500-700", "want [prefix:X] CLASS"),
    ("x\talnum 4 5", "want [prefix:X] CLASS"),
    ("x\tprefix:a", "want [prefix:X] CLASS"),
    ("x\tset: 4", "empty set"),
    ("x\t", "empty shape"),
    ("x", "want 2 or 3 tab-separated columns, got 1"),
    ("x\talnum 4\t\textra", "want 2 or 3 tab-separated columns, got 4"),
    ("X\talnum 4", "bad service name 'X'"),
    ("a-b\talnum 4", "bad service name"),
    ("x\talnum 4\tcompound,maybe", "unknown flag 'maybe'"),
])
def test_bad_rows_are_rejected_with_the_reason(row: str, why: str) -> None:
    with pytest.raises(ss.ShapeError) as err:
        ss.parse_row(row)
    assert why in str(err.value)


@pytest.mark.parametrize(("row", "message"), [
    ("x\t", "empty shape"),
    ("x", "want 2 or 3 tab-separated columns, got 1"),
    ("X\talnum 4", "bad service name 'X'"),
    ("x\talnum 4\tmaybe", "x: unknown flag 'maybe'"),
])
def test_row_error_messages_in_full(row: str, message: str) -> None:
    with pytest.raises(ss.ShapeError) as err:
        ss.parse_row(row)
    assert str(err.value) == message


def test_a_row_keeps_a_trailing_x_of_its_suffix() -> None:
    row = ss.parse_row("x\talnum 4 suffix:XX\n")
    assert row.shape == "alnum 4 suffix:XX"
    assert row.regex is not None and row.regex.fullmatch("ab12XX") is not None


def test_rows_are_frozen() -> None:
    import dataclasses

    row = ss.parse_row("x\talnum 4")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.name = "y"  # type: ignore[misc]


def test_row_flags_decide_sure_or_unsure() -> None:
    sure = ss.parse_row("x\talnum 4\tchecksum")
    assert (sure.name, sure.shape, sure.unsure, sure.sure) == ("x", "alnum 4", "", True)
    assert ss.parse_row("x\talnum 4").sure is True
    compound = ss.parse_row("x\talnum 4\tcompound")
    assert (compound.unsure, compound.sure) == ("compound", False)
    both = ss.parse_row("x\talnum 4\tcompound,verify-only")
    assert (both.unsure, both.sure) == ("compound,verify-only", False)
    loose = ss.parse_row("x\tany")
    assert (loose.regex, loose.unsure, loose.sure) == (None, "any", False)


@pytest.mark.parametrize(("shape", "message"), [
    ("alnum 12x", "'alnum 12x': bad length '12x' (want N, N-M or N+)"),
    ("alnum 5-3", "'alnum 5-3': bad length '5-3': 3 < 5"),
    ("alnum 0", "'alnum 0': bad length '0': must be 1..4096"),
    ("alnum", "'alnum': class alnum needs a length"),
    ("set: 4", "'set: 4': empty set"),
    ("nope 4", "'nope 4': unknown class 'nope'"),
    ("prefix: alnum 4", "'prefix: alnum 4': empty prefix"),
    ("alnum 4 suffix:", "'alnum 4 suffix:': empty suffix"),
    ("alnum 4 4", "'alnum 4 4': want [prefix:X] CLASS [LENGTH] [suffix:X]"),
    ("alnum 4097", "'alnum 4097': bad length '4097': must be 1..4096"),
])
def test_error_messages_in_full(shape: str, message: str) -> None:
    with pytest.raises(ss.ShapeError) as err:
        ss.compile_shape(shape)
    assert str(err.value) == message


def test_table_parse_names_the_bad_line_and_duplicates() -> None:
    good = "# comment\n\na\talnum 4\nb\tany\tcompound\n"
    assert sorted(ss.parse_table(good)) == ["a", "b"]
    with pytest.raises(ss.ShapeError, match=r"^line 3: 'foo 4': unknown class 'foo'$"):
        ss.parse_table("a\talnum 4\n\nb\tfoo 4\n")
    with pytest.raises(ss.ShapeError, match=r"^line 2: a listed twice$"):
        ss.parse_table("a\talnum 4\na\thex 4\n")


# --- the shipped table ------------------------------------------------------------------

def test_every_shipped_row_parses_and_names_a_known_service() -> None:
    text = resources.files("cctrace").joinpath("data/service_shapes.txt").read_text("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    table = ss.parse_table(text)  # raises on any bad row
    assert len(table) == len(rows) >= 400
    assert set(table) <= SERVICES
    assert sum(r.sure for r in table.values()) >= 300
    assert ss.table() == table
    assert ss.table() is ss.table()  # parsed once


@pytest.mark.parametrize(("service", "shape", "unsure"), [
    ("infura", "lalnum 32", ""),
    ("betterstack", "alnum 24", ""),
    ("besttime", "word 36", ""),
    ("agora", "lalnum 32", "compound"),
    ("stripe", "any", "any"),
])
def test_shipped_rows_used_below(service: str, shape: str, unsure: str) -> None:
    row = ss.table()[service]
    assert (row.shape, row.unsure) == (shape, unsure)


def test_fits_answers_only_for_sure_services() -> None:
    assert ss.fits("infura", tok(32, LALNUM)) is True
    assert ss.fits("infura", tok(31, LALNUM)) is False
    assert ss.fits("infura", tok(32, B62).upper()[:31] + "Q") is False
    assert ss.fits("agora", tok(8)) is None        # compound
    assert ss.fits("stripe", tok(8)) is None       # any
    assert ss.fits("no-such-service", tok(32, LALNUM)) is None
    padded = tok(31, LALNUM) + "x="
    assert ss.fits("infura", padded) is True       # trailing padding tried both ways
    assert ss.fits("infura", tok(31, LALNUM) + "=") is False
    assert ss.fits("betterstack", tok(23) + "X=") is True  # only the padding goes


@pytest.mark.parametrize(("word", "service"), [
    ("infura", "infura"),
    ("INFURA", "infura"),
    ("infuraKey", "infura"),
    ("INFURAKEY", "infura"),
    ("infuratoken", "infura"),
    ("infuraapikey", "infura"),
    ("infuraapitoken", "infura"),
    ("infuraapi", "infura"),
    ("infurasecret", "infura"),
    ("infurapat", "infura"),
    ("infura2", None),
    ("infuraKEYS", "infura"),   # camelCase: the name's last letter is lower case
    ("INFURaZeta", "infura"),
    ("BetterStackToken", "betterstack"),
    ("infurasms", None),        # another name glued on: not Infura's key
    ("INFURASMS", None),
    ("in", None),
    ("nosuchname", None),
])
def test_named_service(word: str, service: str | None) -> None:
    assert ss.named_service(word) == service


# --- the service-name rule with shapes --------------------------------------------------

@pytest.mark.parametrize("template", [
    "infura = '{s}'",
    "INFURA_KEY: {s}",
    "const infuraToken = \"{s}\"",
    "using infura with {s} today",
])
def test_a_value_in_the_services_shape_is_redacted(redactor, template: str) -> None:
    secret = tok(32, LALNUM)
    out = redactor.redact_text(template.format(s=secret))
    assert_absent(secret, out)
    assert "[REDACTED:" in out


@pytest.mark.parametrize("value", [
    tok(31, LALNUM),               # one short
    tok(33, LALNUM),               # one long
    tok(32, B62).replace("0", "Q"),  # upper case: not Infura's alphabet
    tok(16, LALNUM) + "-" + tok(15, LALNUM),
])
def test_a_value_of_the_wrong_shape_is_kept(redactor, value: str) -> None:
    text = f"infura = '{value}'\n"
    assert redactor.redact_text(text) == text


def test_unknown_and_compound_services_keep_the_shape_free_rule(redactor) -> None:
    secret = tok(27)  # no Agora key has 27 characters; agora's row is compound
    out = redactor.redact_text(f"agora = '{secret}'")
    assert_absent(secret, out)
    secret = tok(29)  # stripe's row is `any`
    out = redactor.redact_text(f"stripe token {secret}")
    assert_absent(secret, out)


def test_glued_other_name_keeps_the_shape_free_rule(redactor) -> None:
    secret = tok(29)  # not infura's shape, but `infurasms` is not infura
    out = redactor.redact_text(f"infurasms = '{secret}'")
    assert_absent(secret, out)


def test_a_path_segment_in_the_services_shape_is_redacted(redactor) -> None:
    secret = "pri_" + tok(32, HEX)
    out = redactor.redact_text(f'url := "https://api.example.com/v1/besttime/keys/{secret}"')
    assert_absent(secret, out)
    kept = f'url := "https://api.example.com/v1/besttime/keys/{tok(30)}/x"'
    assert redactor.redact_text(kept) == kept


def test_the_whole_value_may_fit_when_the_service_keys_hold_other_characters() -> None:
    # A service whose keys hold `]` (a scanner's class admits it): the token pattern takes
    # the longest bracket-free piece, the whole quoted value is what must fit.
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    row = ss.table()["salescookie"]
    assert row.shape == "set:A-Za-z0-9[\\]^_` 32"
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    secret = tok(8) + "]" + tok(16) + "]" + tok(6)
    out = red.redact_text(f"salescookie token = '{secret}'")
    assert secret not in out
    wrong = tok(8) + "]" + tok(16) + "]" + tok(9)  # 35 characters: not a key of it
    text = f"salescookie token = '{wrong}'"
    assert red.redact_text(text) == text


def test_the_token_starts_within_80_characters_after_the_name(redactor) -> None:
    secret = tok(32)
    near = "stripe" + " " * 80 + secret
    assert_absent(secret, redactor.redact_text(near))
    far = "stripe" + " " * 81 + secret
    assert redactor.redact_text(far) == far


def test_the_name_must_not_end_a_longer_word(redactor) -> None:
    secret = tok(32)
    text = "xstripe " + secret
    assert redactor.redact_text(text) == text
    assert_absent(secret, redactor.redact_text("stripe " + secret))


def test_camel_case_boundary_starts_a_name(redactor) -> None:
    secret = tok(24)  # Better Stack's keys: 24 alphanumerics
    out = redactor.redact_text(f' xBetterStack := "{secret}"')
    assert_absent(secret, out)


@pytest.mark.parametrize("value", [
    tok(16, LALNUM) + "?" + tok(16, LALNUM),
    tok(20) + "!",
])
def test_shapeless_service_token_broken_by_a_foreign_character_is_kept(redactor,
                                                                         value: str) -> None:
    text = f"stripe = '{value}'"  # stripe's row is `any`: the shape-free rule decides
    assert redactor.redact_text(text) == text


def test_shapeless_service_typed_words_are_kept_and_short_tokens_count_padding(
        redactor) -> None:
    text = "stripe VeryLongCamelCaseIdentifierName here"
    assert redactor.redact_text(text) == text
    secret = tok(15) + "X"  # 16 characters: long enough only with its last one
    assert_absent(secret, redactor.redact_text(f"stripe {secret}"))


def test_whole_value_extends_over_every_token_character() -> None:
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    red = SecretRedactor(registry.detectors(), b"k" * 32)
    secret = "aX3b5c7d]" + tok(16) + "]" + tok(6)
    out = red.redact_text(f"salescookie token = '{secret}'")
    assert secret not in out


def test_whole_value_reaches_both_ends_of_the_text() -> None:
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    red = SecretRedactor(registry.detectors(), b"k" * 32)
    piece = tok(16)
    # the whole value runs from the text's first character to its last (32 characters,
    # all in Salescookie's alphabet): it fits, so the token inside it goes
    text = "salescookie]" + piece + "]abc"
    assert len(text) == 32
    assert piece not in red.redact_text(text)
    secret = tok(8) + "]" + tok(16) + "]" + tok(6)
    out = red.redact_text("salescookie token " + secret)  # the value ends the text
    assert secret not in out


@pytest.mark.parametrize(("text", "kept"), [
    ("stripe ?{t}", True),             # a foreign character before the token
    ("stripe v1/{t}?page=2", False),   # a path may end at its query string
    ("stripe /{t}?page=2", False),
    ("stripe {t}?page=2", True),       # not a path: the `?` cuts a longer string
    ("xSTRIPE {t}", False),            # camelCase: lower, then the upper-case name
    ("XStripe {t}", True),             # inside an upper-case word
])
def test_token_edges_for_a_shapeless_service(redactor, text: str, kept: bool) -> None:
    secret = tok(20)
    full = text.format(t=secret)
    out = redactor.redact_text(full)
    if kept:
        assert out == full
    else:
        assert_absent(secret, out)


def test_the_detector_names_itself() -> None:
    from cctrace.redact.detectors.service_context import DETECTOR

    assert DETECTOR.name == "service_context"
    assert DETECTOR.description == (
        "Random-looking tokens on the line after a key-issuing service's name.")
    assert [p.type for p in DETECTOR.patterns] == ["service_token"]
