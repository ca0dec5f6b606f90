"""The randomness gate, value by value: every threshold at its exact boundary.

`redact.randomness` decides whether a value after a secret-named key was drawn (a token)
or typed (a name, a word, a version). Each case below sits on one side of one threshold
(length, entropy, word share, mean letter run, transitions, digit count), with its
neighbour on the other side, and asserts the exact answer, so moving a threshold by one
or flipping a comparison fails here. The mutation run (`bench/mutation.py -m
redact.randomness`) starts with this file.
"""

from __future__ import annotations

import hashlib
import uuid

import pytest

from cctrace.redact import randomness as R
from cctrace.redact.engine import SecretRedactor
from cctrace.redact.registry import detectors
from cctrace.redact.stage import WITHHELD, redact_value

HEX1025 = ("876ffc474c0251908fcdce4b314f68d9dcbd7a08" * 26)[:1025]


@pytest.mark.parametrize("value, size", [
    ("deadbeef", 16), ("DEADBEEF", 16), ("d9b9583", 16),      # hex, either case
    ("xyz", 26), ("XYZ", 26),                                  # one case (X is no digit)
    ("xyz1", 36), ("xyZ", 52), ("Xy", 52), ("xY1", 62),
    ("xY1-_", 64), ("ag1", 36), ("g!", 27), ("vqUXVw_", 53),
    ("-", 2), ("--", 2), ("-_.", 3), ("", 2),                 # never below 2
    ("é", 26), ("é1", 36), ("ÉA", 26), ("é-", 27), ("é-3", 37), ("é3F9k", 62),
    ("——", 2), ("nameé", 26),
])
def test_alphabet(value: str, size: int) -> None:
    assert R._alphabet(value) == size


@pytest.mark.parametrize("seg, wordlike", [
    ("name", True), ("token", True),          # in the dictionary
    ("bakoti", True),                         # 6 letters, half vowels: pronounceable
    ("bakot", False),                         # 5 letters: too short to judge by sound
    ("brakotrimp", True),                     # 3 vowels in 10: exactly the 30 % bound
    ("bratkom", False),                       # 2 in 7 (28.6 %): under it
    ("brakstrano", False),                    # 30 % vowels, but `kstr`: 4 consonants
    ("zzzzzz", False), ("d9b9583", False), ("065eee4fe09", True), ("07cd8ac", False),
])
def test_wordlike(seg: str, wordlike: bool) -> None:
    assert R._wordlike(seg) is wordlike


@pytest.mark.parametrize("value, share", [
    ("1234", 0.0), ("", 0.0), ("x", 0.0),
    ("name", 1.0),                            # a 4-letter word counts
    ("namez", 0.0),
    ("name1234", 1.0),                        # digits are no letters
    ("nameé", 0.8),                           # a non-ASCII letter is one, outside words
    ("Name_x", 0.8),
    ("getUserName", 8 / 11),                  # `get` is under 4 letters
    ("R6C1value4SF1x8name8zzVDZn", 0.45),
])
def test_word_share(value: str, share: float) -> None:
    assert R.word_share(value) == share


@pytest.mark.parametrize("value, count", [
    ("a3F9k", 4), ("é3F9k", 4), ("ab1", 1), ("aX", 1), ("aB", 1), ("éB", 1), ("Xé", 1),
    ("ée", 0), ("é-3", 0), ("a-b", 0), ("a1-b2", 2), ("", 0), ("ABC", 0), ("aBcD", 3),
    ("nameé", 0), ("EBD2B9A", 4), ("Y9XROF4V", 4), ("d9b9583", 3), ("é1é", 2),
])
def test_transitions(value: str, count: int) -> None:
    assert R.transitions(value) == count


V16 = "pLIix6MEOLeMa61E"


@pytest.mark.parametrize("value, min_len, drawn", [
    # length bounds
    (V16, 16, True), (V16, 17, False), (V16[:15] + "=", 16, True),
    (HEX1025[:1024], 16, True), (HEX1025, 16, False),
    # `=` padding is stripped before judging; other trailing letters are not
    ("Kq8Zr2Lk9Vb4Nm7X====", 16, True),
    ("cwjpuiozobw6losrfzq5syp7", 16, True), ("cwjpuiozobw6losrfzq5syp7XX", 16, False),
    ("=" * 20, 16, False),                   # padding only: no body (raised ValueError)
    # entropy
    ("aaaaaaaaaaaaaaaaaaaaaaaaa1b", 16, False),
    # digits only: long ones are drawn
    ("12345678901234567890", 16, True), ("1234567890123456789", 16, False),
    # one case: hex, base36, upper-case keys
    ("cb5c79005d8b2bba7c50eb8d5a4d2fd5", 16, True),
    ("DIAECC02L86XDC312", 16, True), ("PE0Z8G8JEERUBTL", 8, False),
    # mixed case with digits: mean letter run 5.0 is the bound
    ("Kqzvx3Bwpjr7Mtdnf9", 16, True), ("Kqzvxy3Bwpjrt7Mtdnfq9", 16, False),
    # word share 0.45 is the bound (not above it)
    ("R6C1value4SF1x8name8zzVDZn", 16, True),
    ("getUserNameFromHttpResponse", 16, False),
    # letters and symbols only: mean letter run 2.6 is the bound
    ("Abc-De-Fgh-Ij-Klm", 16, True), ("Abc-De-Fgh-Ij-Klmn", 16, False),
    ("Ab-cd.ef", 8, True),
    # non-ASCII digits count as digits (Arabic-Indic here): the digit branch
    ("Kqzv\u0663Bwpj\u0664Mtdn\u0665Xrfh", 16, True),
    # non-ASCII in one case is judged as one case (mean letter run 6 would fail mixed)
    ("kqzvxw\u00e93bwpjrt7mtdnfq9", 16, True), ("KQZVXW\u00c93BWPJRT7MTDNFQ9", 16, True),
    ("KxBBC3ooKFjOEb10Vc8Nt01SRNqISbjMEDR4iEw_", 16, True),
    ("SHA1:86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", 16, False),
    ("dVoLmkXrOmmiRHPX", 16, False), ("rqIqmuVplaNc0x8Qluhp", 16, True),
    ("6hqfLq84ycicrzafc", 16, False), ("d11688bbdc0a", 12, True), ("489ba5a3", 8, False),
    ("2LIixjJH", 8, True), ("bJfprPWxdjf", 8, False), ("MPp05E_W", 8, True),
    ("5yy8qrnieqsn", 8, True), ("rrj1fivi7sonhja", 8, True), ("34416653224940573013", 16, True),
])
def test_looks_random(value: str, min_len: int, drawn: bool) -> None:
    assert R.looks_random(value, min_len) is drawn


@pytest.mark.parametrize("value, name", [
    ("get_user_name", True), ("MAX_RETRIES", True), ("sha256Digest", True),
    ("__", True), ("$_", True),               # no letter or digit run at all
    ("Ab-cd.ef", False),                      # drawn at 8 characters
    ("sb1oytykubrokyoyrvtgtb11", True),       # 24 chars: 3 transitions allowed (24 // 8)
    ("nr1djhad1", False),                     # 9 chars, 3 transitions: at most 2 allowed
    ("q9vtnev", True), ("zvbpnby", True), ("o2qbxumnexxijeev", True),
    ("DIAECC02L86XDC312", True), ("07cd8ac", False), ("414646a", False),
    ("9abc", False), ("a b", False),
])
def test_looks_like_identifier(value: str, name: bool) -> None:
    assert R.looks_like_identifier(value) is name


@pytest.mark.parametrize("value, digest", [
    (hashlib.sha1(b"a").hexdigest(), True), (hashlib.sha256(b"a").hexdigest(), True),
    (hashlib.sha512(b"a").hexdigest(), True), (hashlib.md5(b"a").hexdigest(), False),
    (hashlib.sha1(b"a").hexdigest().upper(), False), (str(uuid.UUID(int=5)), True),
    (str(uuid.UUID(int=5)).upper(), True),
    ("sha1:abc", True), ("SHA256:abc", True), ("sha384:abc", True), ("sha512:abc", True),
    ("md5:abc", True), ("blake2b:abc", True), ("sha384:zz", False), ("sha3:abc", False),
    ("foo:abcdef", False), ("d9b9583", False),
])
def test_is_digest(value: str, digest: bool) -> None:
    assert R.is_digest(value) is digest


@pytest.mark.parametrize("value, shaped", [
    ("5f08f46584139e12", True), ("5f08f46584139e1", True), ("5f08f46584139e12a", False),
    ("5f08f46584139e12a==", False), ("6550f1eddae102259c1XX", True), ("d9b9583", True),
])
def test_token_shaped(value: str, shaped: bool) -> None:
    assert R.token_shaped(value) is shaped


@pytest.mark.parametrize("value, ok", [
    ("d9b9583", True), ("jAR%FE@", False), ("wTIe7&72T^vc", True), ("a?b", False),
    ("ab[0]", False), ("a b", False), (" ab ", True), ("a\tb", False), ("a%2Fb", True),
])
def test_token_value(value: str, ok: bool) -> None:
    assert R.token_value(value) is ok


@pytest.mark.parametrize("value, n, seq", [
    ("AIzaSyabcdefghijklmnopqrstu", 8, True), ("x12345678", 8, True), ("1234567", 8, False),
    ("67b18286", 8, False), ("abcdefgh", 8, True), ("abcdefgh", 9, False),
    ("ABCDEFGH", 8, True), ("78901234", 8, False), ("34567890", 8, True),
])
def test_has_sequence(value: str, n: int, seq: bool) -> None:
    assert R.has_sequence(value, n) is seq


def test_defaults() -> None:
    """The default minimum length is 16 and the default sequence length 8."""
    assert R.looks_random(V16) is True
    assert R.looks_random(V16[:15]) is False
    assert R.has_sequence("xabcdefghx") is True
    assert R.has_sequence("xabcdefgx") is False


def test_padding_only_values_are_kept_not_withheld() -> None:
    """A value of `=` only after a key name made the gate raise (log2 of 0), and the stage
    withheld the whole string it was in: fails on the old code."""
    red = SecretRedactor(detectors(), b"k" * 32, [])
    for text in ('key = "===================="', '<key>================</key>',
                 '("key", "================")'):
        assert red.redact_text(text) == text
        assert redact_value({"out": f"line one\n{text}\n"}, red) == {
            "out": f"line one\n{text}\n"}
    assert redact_value('key = "===================="', red) != WITHHELD


@pytest.mark.parametrize(("word", "known"), [
    ("work", True), ("WORK", True), ("Data", True), ("roam", False), ("works", False),
    ("", False),
])
def test_dictionary_word(word: str, known: bool) -> None:
    assert R.dictionary_word(word) is known
