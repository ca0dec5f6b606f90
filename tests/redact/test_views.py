"""`redact/views.py`: secrets a terminal or tool wrapped at a fixed width (80 columns,
`base64`'s 76, wider terminals), found again on the joined line and redacted across the
wrap; lines that were not wrapped are left as they are. Positives: every 12-character piece
gone; negatives: byte-identical.
"""

from __future__ import annotations

import pytest

from cctrace.redact import views
from support.absence import assert_absent

GHP = "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"


def _wrap(line: str, width: int) -> str:
    return "\n".join(line[i:i + width] for i in range(0, len(line), width))


def _planted(width: int, secret: str, lead: int) -> str:
    head = " " * lead + "Environment:  GH_TOKEN="
    return "$ kubectl describe pod api\n" + _wrap(head + secret + " (from deploy)", width) + "\n"


@pytest.mark.parametrize("width", sorted(views.WIDTHS))
@pytest.mark.parametrize("lead", [40, 45, 50])
def test_a_token_wrapped_at_a_width_is_redacted_whole(redactor, width: int,
                                                      lead: int) -> None:
    text = _planted(width, GHP, lead + width - 80)
    assert "\n" in text[text.index("ghp_"):text.index(" (from")]  # it is wrapped
    assert_absent(GHP, redactor.redact_text(text))


def test_a_long_key_over_three_lines(redactor) -> None:
    key = "sk-proj-" + "Kq8Zr2Lk9Vb4Nm7XcP1w6Tz3Yd" * 6
    text = _planted(80, key, 30)
    assert text.count("\n") >= 4
    assert_absent(key, redactor.redact_text(text))


@pytest.mark.parametrize("width", [79, 81, 90])
def test_other_widths_are_not_wraps(width: int) -> None:
    text = _planted(width, GHP, 40)
    assert all(not views._wrap_after(text, i) for i, c in enumerate(text) if c == "\n")


@pytest.mark.parametrize("text, at, expected", [
    ("a" * 80 + "\nb", 80, True),
    ("a" * 76 + "\nb", 76, True),
    ("a" * 64 + "\nb", 64, True), ("a" * 63 + "\nb", 63, False), ("a" * 65 + "\nb", 65, False),
    ("x\n" + "a" * 100 + "\nb", 102, True),
    ("a" * 79 + "\nb", 79, False),                 # 79 wide
    ("a" * 79 + " \nb", 80, False),                # ends in a blank
    ("a" * 80 + "\n b", 80, False),                # goes on with a blank
    ("a" * 80 + "\n", 80, False),                  # nothing after it
    ("a" * 80 + "b", 80, False),                   # not a newline
    ("a" * 79 + "~\n%", 80, True),                 # token characters on both sides
    ("a" * 120 + "\nb", 120, True), ("a" * 132 + "\nb", 132, True),
    ("a" * 121 + "\nb", 121, False), ("a" * 133 + "\nb", 133, False),
    ("\n" + "a" * 80 + "\nb", 81, True),           # the line starts after a newline at 0
    ("\n" + "a" * 79 + "\nb", 80, False),
])
def test_wrap_after(text: str, at: int, expected: bool) -> None:
    assert views._wrap_after(text, at) is expected


def test_logical_line_spans_the_chain() -> None:
    text = "head\n" + "a" * 80 + "\n" + "b" * 80 + "\ncc tail\nnext"
    assert views._logical_line(text, 10) == (5, 5 + 80 + 1 + 80 + 1 + 7)
    assert views._logical_line(text, 5 + 81 + 5) == (5, 174)
    assert views._logical_line(text, 5 + 80) == (5, 174)  # at the wrap's newline itself
    assert views._logical_line("z" * 80 + "\nq", 3) == (0, 82)


def test_window_maps_finds_across_the_wrap_only() -> None:
    text = "a" * 78 + "XY\nZW" + "b" * 10

    def find(joined: str) -> list[views.Candidate]:
        at = joined.index("XYZW")
        return [(at, at + 4, 50, "t", "d"), (0, 5, 50, "u", "d")]  # the 2nd is on one line

    assert views._window(text, 0, len(text), find) == [(78, 83, 50, "t", "d")]
    assert text[78:83] == "XY\nZW"


def test_nothing_found_nothing_joined(redactor) -> None:
    text = "\n".join(["w" * 80, "continued" + "x" * 71, "plain"])
    assert redactor.redact_text(text) == text
    calls: list[str] = []
    assert views.wrapped_candidates(text, [], lambda t: calls.append(t) or []) == []
    assert calls == []


@pytest.mark.parametrize("text", [
    # code lines of exactly 80 characters followed by code: a find inside stays where it is
    "x = compute_the_value(argument_one, argument_two, argument_three, argument_4)\n"
    "y = 1\n",
    "a" * 76 + "\n" + "PORT=3000\n",
    "$ git log --oneline\n" + "3b18e51a9c2f0d " + "x" * 66 + "\n4f2c1d0 fix\n",
])
def test_full_width_lines_without_secrets_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


# First fragments no detector accepts alone (a value its gate refuses as too short): the
# refused match at the line's end opens the window all the same. (A provider prefix whose
# body is cut, `GH_PAT=github_pat_11AG`, is no match at all: nothing opens it.)
@pytest.mark.parametrize("head,secret", [
    ("Environment:  DD_API_KEY=", "51a47352a18f789fa3aa2539d23d8f2b"),
    ("Environment:  TWILIO_API_SECRET=", "oeobRQTTAVUlnDzqBUvRl5Hr3Vja6803"),
])
def test_a_refused_first_fragment_opens_the_wrap(redactor, head: str, secret: str) -> None:
    for cut in (10, 16):
        line = " " * (80 - len(head) - cut) + head + secret + " (from deploy pipeline)"
        text = "$ kubectl describe pod api\n" + _wrap(line, 80) + "\n"
        assert text.split("\n")[1].endswith(secret[:cut])  # the cut is where planned
        assert_absent(secret, redactor.redact_text(text))


def test_a_near_miss_is_never_a_find(redactor) -> None:
    # refused at a line's end, no wrap: nothing found, nothing changed
    for text in ("API_KEY=changeme\nnext\n", "x" * 70 + " API_KEY=shor\nt1\n",
                 " " * 60 + "DB_PASSWORD=${DB_PASS\nWORD}\n"):
        assert redactor.explain(text) == []
        assert redactor.redact_text(text) == text


def test_a_near_miss_before_a_setting_opens_nothing(redactor) -> None:
    ref = "projects/acme-prod/secrets/api-key/versions/latest"
    line = "//npm.example.com/:_authToken=" + ref  # 80 wide by chance
    for nxt in ("always-auth=true", "region: eu-west-1"):
        text = f"$ cat .npmrc\n{line}\n{nxt}\n"
        assert len(line) == 80 and redactor.redact_text(text) == text
    # a wrapped secret after it is still read (the near miss skips only its own window)
    head = "Environment:  DD_API_KEY="
    wrapped = " " * (80 - len(head) - 10) + head + "51a47352a18f789fa3aa2539d23d8f2b (x)"
    text = f"{line}\nalways-auth=true\n" + _wrap(wrapped, 80) + "\n"
    out = redactor.redact_text(text)
    assert out.startswith(f"{line}\nalways-auth=true\n")
    assert_absent("51a47352a18f789fa3aa2539d23d8f2b", out)


def test_a_setting_is_read_from_the_next_line_s_first_character() -> None:
    text = "a" * 76 + "KEY=\nabc=1"
    opened: list[str] = []
    views.wrapped_candidates(text, [(76, 80, views.NEAR, "t", "d")],
                             lambda t: opened.append(t) or [])
    assert opened == []  # `abc=` starts a setting (from `b`, `bc=` is too short for one)


def test_near_misses_open_windows_like_finds() -> None:
    text = "a" * 76 + "KEY=\nZW" + "b" * 10
    joined: list[str] = []

    def find(t: str) -> list[views.Candidate]:
        joined.append(t)
        return []

    views.wrapped_candidates(text, [(76, 80, views.NEAR, "t", "d")], find)
    assert joined == ["a" * 76 + "KEY=ZW" + "b" * 10]


def test_decode_text() -> None:
    assert views.decode_text("aGVsbG8gd29ybGQ=") == "hello world"
    assert views.decode_text("aGVsbG8gd29ybGQ") == "hello world"       # padding optional
    assert views.decode_text("PDw_Pz4-") == "<<??>>"                  # URL-safe alphabet
    assert views.decode_text("aGk=\n") is None                        # not base64
    assert views.decode_text("aGVsbG8") == "hell" + "o"
    assert views.decode_text("AAECAwQF") is None                      # binary
    assert views.decode_text("/w==") is None                          # not UTF-8
    assert views.decode_text("YQ") == "a"
    assert views.decode_text("YWJjZA1hYmNkCmFiY2QJ") == "abcd\rabcd\nabcd\t"
    assert views.decode_text("Y") is None                              # 1 char over 4n


def _recorder(found: list[str], hit: str):
    def find(joined: str) -> list[views.Candidate]:
        found.append(joined)
        at = joined.find(hit)
        return [(at, at + len(hit), 50, "t", "d")] if at >= 0 else []
    return find


def test_a_find_starting_a_continuation_line_joins_it_with_the_line_before() -> None:
    text = "head\n" + "a" * 76 + "TOKE" + "\nN123 tail\nnext\n"
    cont = text.index("N123")
    seen: list[str] = []
    out = views.wrapped_candidates(text, [(cont, cont + 4, 50, "t", "d")],
                                   _recorder(seen, "TOKEN123"))
    assert seen == ["a" * 76 + "TOKEN123 tail"]
    assert out == [(text.index("TOKE"), cont + 4, 50, "t", "d")]


@pytest.mark.parametrize("before", ["head\n" + "a" * 79 + "\n", "a" * 80 + " \n", ""])
def test_a_find_starting_a_line_after_no_wrap_joins_nothing(before: str) -> None:
    text = before + "N123 tail\n"
    at = text.index("N123")
    seen: list[str] = []
    assert views.wrapped_candidates(text, [(at, at + 4, 50, "t", "d")],
                                    _recorder(seen, "N123")) == []
    assert seen == []


def test_every_wrapped_line_with_a_find_is_read() -> None:
    one = "a" * 76 + "TOKE" + "\nN123 one\n"
    two = "b" * 76 + "SECR" + "\nET45 two\n"
    text = one + two
    cands = [(76, 80, 50, "t", "d"), (len(one) + 76, len(one) + 80, 50, "t", "d")]
    found = views.wrapped_candidates(text, cands, lambda j: [
        (j.index(k), j.index(k) + 8, 50, "t", "d") for k in ("TOKEN123", "SECRET45") if k in j])
    assert found == [(76, 85, 50, "t", "d"), (len(one) + 76, len(one) + 85, 50, "t", "d")]


def test_a_find_ending_one_character_into_the_next_line_covers_it() -> None:
    text = "a" * 78 + "XY\nZ" + "b" * 10
    found = views._window(text, 0, len(text), lambda j: [(78, 81, 50, "t", "d")])
    assert found == [(78, 82, 50, "t", "d")] and text[78:82] == "XY\nZ"


def test_window_maps_across_several_wraps() -> None:
    text = "x" * 78 + "AB\nCD" + "y" * 76 + "EF\nGH tail"
    # joined: x*78 AB CD y*76 EF GH tail; the find covers AB..GH (two cuts)
    joined_at = 78
    found = views._window(text, 0, len(text), lambda j: [(joined_at, joined_at + 84, 50, "t",
                                                          "d")])
    assert found == [(78, 78 + 86, 50, "t", "d")]
    assert text[78:78 + 86].replace("\n", "") == "ABCD" + "y" * 76 + "EFGH"


@pytest.mark.parametrize("span", [(80, 84), (76, 80), (10, 20)])
def test_window_drops_finds_on_one_physical_line(span: tuple[int, int]) -> None:
    text = "a" * 78 + "XY\nZW" + "b" * 10
    assert views._window(text, 0, len(text), lambda j: [(*span, 50, "t", "d")]) == []


def test_logical_line_edges() -> None:
    assert views._logical_line("\n" + "a" * 80 + "\nb", 5) == (1, 83)
    assert views._logical_line("\n" + "a" * 80 + "\n" + "b" * 80 + "\ncc", 90) == (1, 165)
    assert views._logical_line("q\n" + "a" * 80 + "\nb\nz", 81) == (2, 84)
    assert views._logical_line("a" * 80 + "\nb", 80) == (0, 82)   # at the wrap's newline


def test_decode_text_bounds() -> None:
    assert views.decode_text("YWJX") == "abW"          # ends in X; 4 characters
    assert views.decode_text("YWJjZA") == "abcd"       # 6 characters
    assert views.decode_text("aG!k") is None           # a character outside the alphabet
    assert views.decode_text("YWJjZ") is None          # 5: 1 over a multiple of 4


def test_decode_text_is_strict_about_the_alphabet() -> None:
    # a lenient decoder drops the `!`s and reads `aGk=`: "hi"
    assert views.decode_text("aGk!!!!") is None


# --- characters nobody sees: NULs of a UTF-16 file, zero-width characters ---------------

PASSWORD = "Tr0ub4dor&3xQv"


def _utf16_cat(text: str, big_endian: bool = False) -> str:
    """What `cat` of a UTF-16 file puts in a transcript: a NUL beside every character."""
    raw = text.encode("utf-16-be" if big_endian else "utf-16-le")
    return "$ cat .env\n" + raw.decode("latin-1")


@pytest.mark.parametrize("big_endian", [False, True])
@pytest.mark.parametrize("line, secret", [
    (f"GITHUB_TOKEN={GHP}\n", GHP),
    (f"DB_PASSWORD={PASSWORD}\n", PASSWORD),
    (f'export API_SECRET="{PASSWORD}"\n', PASSWORD),
])
def test_a_utf16_file_shown_by_cat_is_redacted(redactor, big_endian: bool, line: str,
                                               secret: str) -> None:
    text = _utf16_cat("# prod\n" + line, big_endian)
    assert secret not in text and "\x00" in text
    out = redactor.redact_text(text)
    assert_absent(secret, out.replace("\x00", ""))
    assert out.startswith("$ cat .env\n")


@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x00"])
def test_a_token_split_by_an_invisible_character_is_redacted(redactor, mark: str) -> None:
    # no key name around it: only the token's own shape can find it
    text = f"deploy with {GHP[:9]}{mark}{GHP[9:20]}{mark}{GHP[20:]} please"
    out = redactor.redact_text(text)
    assert_absent(GHP, out.replace(mark, ""))
    assert out.startswith("deploy with [REDACTED:") and out.endswith("] please")


@pytest.mark.parametrize("text", [
    _utf16_cat("# settings\nDEBUG=true\nNAME=web-app\n"),
    "caf\u00e9\u200b au lait, a zero\u200dwidth joiner, and a word\u2060joiner",
    "\ufeffimport os\nprint(os.getcwd())\n",
    "binary\x00\x01\x02 output\x00 of a tool",
])
def test_text_with_invisible_characters_and_no_secret_is_unchanged(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_invisible_candidates_maps_finds_back_and_keeps_only_split_ones() -> None:
    seen: list[str] = []

    def find(plain: str) -> list[views.Candidate]:
        seen.append(plain)
        # one find inside "abcdef" (split by a NUL), one in "xyz" (not split)
        return [(plain.index("abcdef"), plain.index("abcdef") + 6, 50, "t", "d"),
                (plain.index("xyz"), plain.index("xyz") + 3, 40, "u", "e")]

    text = "ab\x00c\u200bdef xyz"
    assert views.invisible_candidates(text, find) == [(0, 8, 50, "t", "d")]
    assert seen == ["abcdef xyz"]
    assert text[0:8] == "ab\x00c\u200bdef"


@pytest.mark.parametrize("text", ["plain ascii", "caf\u00e9 \u00fcber", "", "\u200a thin space"])
def test_invisible_candidates_reads_nothing_without_invisible_characters(text: str) -> None:
    def find(plain: str) -> list[views.Candidate]:
        raise AssertionError("no second reading")

    assert views.invisible_candidates(text, find) == []


def test_invisible_candidates_of_a_zero_width_text_without_nul() -> None:
    def find(plain: str) -> list[views.Candidate]:
        return [(0, len(plain), 1, "t", "d")]

    assert views.invisible_candidates("\u00e9a\u200bb", find) == [(0, 4, 1, "t", "d")]
    assert views.invisible_candidates("a\ufeffb", find) == [(0, 3, 1, "t", "d")]
