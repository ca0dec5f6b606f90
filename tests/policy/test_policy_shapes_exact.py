"""The structural output filter at its edges: exact bounds, headers, separators, words.

Each test hands `OutputFilter.text` an output that shows a denied file's content and
asserts the content is gone (or, for a name that is not denied, that the line stays as it
was). Written against the mutants `bench/mutation.py -m policy.shapes` left alive.
"""

from __future__ import annotations

from cctrace.policy import Policy
from cctrace.policy.shapes import _SCAN_CHARS, OutputFilter, deny_literals

HOME = "/home/u"
POLICY = Policy(home=HOME)
SECRET = "value-q7w3e9r1"


def filtered(text: str, cwd: str | None = "/p", policy: Policy = POLICY, **shape: bool) -> str:
    shape = {"context": True, "listing": False, "grep": False, **shape}
    return OutputFilter(cwd, policy).text(text, **shape)


def test_a_whole_line_path_of_exactly_the_scan_length_is_still_a_path():
    path = "/p/" + "a" * (_SCAN_CHARS - 3 - 5) + "/.env"
    assert len(path) == _SCAN_CHARS
    out = filtered(f"{path}\n{SECRET}")
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"


def test_dot_slash_alone_inside_a_denied_folder_is_the_folder():
    # `./` is the session's folder; in ~/.ssh that folder is denied.
    out = filtered(f"./\n{SECRET}", cwd="/home/u/.ssh")
    assert SECRET not in out
    assert out.startswith("[WITHHELD:path-policy ~/.ssh/")


def test_a_literal_late_in_a_long_line_is_still_found():
    # The denied name ends near the end of the scanned part of the line.
    prefix = "d/" + "a" * 990 + "/.env"
    out = filtered(f"{prefix}:1:{SECRET}\nnotes.txt:2:fine", grep=True)
    assert SECRET not in out
    assert out.split("\n") == [f"{prefix}:[WITHHELD:path-policy .env*]", "notes.txt:2:fine"]


def test_head_header_with_a_space_in_a_user_denied_name():
    policy = Policy(home=HOME, deny_paths=("team notes.txt",))
    out = filtered(f"==> team notes.txt <==\n{SECRET}", policy=policy)
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy team notes.txt]"


def test_header_of_a_file_that_is_not_denied_withholds_nothing():
    text = "==> notes.txt <==\nhello"
    assert filtered(text) == text


def test_the_denied_prefix_is_found_past_earlier_separators():
    # Prefixes ending at the dashes after the literal are not denied; the one at `:` is.
    prefix = "x.pemq" + "-a" * 62 + "/k.pem"
    out = filtered(f"{prefix}:1:{SECRET}\nnotes.txt:2:fine", grep=True)
    assert SECRET not in out
    assert out.split("\n") == [f"{prefix}:[WITHHELD:path-policy *.pem]", "notes.txt:2:fine"]


def test_sixty_fourth_prefix_candidate_is_checked():
    # 63 dashes after the literal, then the `:` ending the denied path: 64 candidates.
    prefix = "x.pemq" + "-a" * 63 + "/k.pem"
    out = filtered(f"{prefix}:1:{SECRET}\nnotes.txt:2:fine", grep=True)
    assert SECRET not in out


def test_a_path_at_the_start_of_a_line_then_a_separator():
    # The first prefix that can be a path ends at the first separator after the name.
    out = filtered(f".env:{SECRET}", cwd="/home/u/.ssh")
    assert SECRET not in out


def test_a_whole_line_that_is_a_denied_path_outside_a_listing():
    out = filtered(f"config/.env\n{SECRET}")
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"


def test_a_quoted_name_among_words():
    out = filtered(f"reading '.env' now\n{SECRET}")
    assert SECRET not in out
    out = filtered(f"loaded (id_rsa), then\n{SECRET}")
    assert SECRET not in out


def test_coloured_grep_output_is_filtered_line_by_line():
    red, off = "\x1b[31m", "\x1b[0m"
    text = f"{red}.env{off}:1:{SECRET}\n{red}notes.txt{off}:2:fine"
    out = filtered(text, grep=True, context=False)
    assert out == ".env:[WITHHELD:path-policy .env*]\nnotes.txt:2:fine"


def test_a_stray_escape_byte_does_not_hide_a_name():
    out = filtered(f"\x1b.env:1:{SECRET}")
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"


def test_text_whose_lowercase_is_longer_still_marks_the_right_line():
    # `İ`.lower() is two characters: positions found in the lowered text must still fall
    # on the line that holds the name.
    text = "\u0130" * 50 + f"\n.env:1:{SECRET}\n" + "ok\n" * 60
    out = filtered(text, grep=True)
    assert SECRET not in out


def test_without_literals_lines_are_still_attributed_one_by_one():
    # `k*` has no fixed text: the literal prefilter is off and every line is looked at.
    policy = Policy(home=HOME, deny_paths=("k*",))
    out = filtered(f".env:1:{SECRET}\nnotes.txt:2:fine", policy=policy, grep=True)
    assert out == ".env:[WITHHELD:path-policy .env*]\nnotes.txt:2:fine"


def test_a_heading_listing_reads_bare_names_as_headings():
    # `rg --heading -n`: the file name on a line of its own, then `N:` lines.
    out = filtered(f".env\n2:DB_HOST={SECRET}", listing=True, grep=True)
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"
    # Without numbered lines a bare name in a listing is a name, not content.
    assert filtered(".env\nnotes.txt", listing=True, grep=True) == ".env\nnotes.txt"


def test_a_listing_of_names_with_dashes_keeps_the_names():
    # `ls`, `grep -l`: names are not content, even of denied files.
    text = ".env-old\nmy-keys.pem\nnotes.txt"
    assert filtered(text, listing=True) == text


def test_a_one_character_denied_name_before_a_separator():
    policy = Policy(home=HOME, deny_paths=("k",))
    out = filtered(f"k:1:{SECRET}\nnotes.txt:2:fine", policy=policy, grep=True)
    assert out == "k:[WITHHELD:path-policy k]\nnotes.txt:2:fine"


def test_a_whole_line_denied_name_with_a_space():
    policy = Policy(home=HOME, deny_paths=("team notes.txt",))
    out = filtered(f"team notes.txt\n{SECRET}", policy=policy)
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy team notes.txt]"


def test_words_lose_quotes_and_brackets_only():
    text = "see X.env and Xid_rsa\nhello"
    assert filtered(text) == text


def test_unnumbered_matches_are_attributed_only_without_context():
    text = f".env:KEY={SECRET}\nnotes.txt:KEY is documented"
    assert filtered(text, grep=True, context=False) == (
        ".env:[WITHHELD:path-policy .env*]\nnotes.txt:KEY is documented")
    # With context asked for, an un-numbered line may be another file's context line.
    assert filtered(text, grep=True, context=True) == "[WITHHELD:path-policy .env*]"


def test_withheld_lines_are_counted_exactly():
    f = OutputFilter("/p", POLICY)
    f.text(f".env:1:{SECRET}\nnotes.txt:2:fine\n.env:3:{SECRET}", context=False,
           listing=False, grep=True)
    assert f.count == 2
    f.text(f"cat .env\n{SECRET}\nmore", context=True, listing=False, grep=False)
    assert f.count == 2 + 3


def test_a_line_that_is_no_grep_line_makes_the_output_unattributable():
    # A multiline match continues on a line without a prefix: nothing says whose it is.
    out = filtered(f".env:1:KEY\n{SECRET}\nnotes.txt:2:fine", grep=True)
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"


def test_a_match_line_too_long_to_read_makes_the_output_unattributable():
    # `P:1:` ends one character past where match lines are read: the line is no numbered
    # grep line, so nothing is attributed line by line.
    path = "d/" + "a" * 1047 + "/.env"
    assert len(path) + 3 == _SCAN_CHARS + 33
    out = filtered(f"{path}:1:{SECRET}\n.env:2:x", grep=True)
    assert SECRET not in out


def test_long_context_lines_are_still_attributed():
    p = "d/" + "a" * 995 + "/n.txt"
    text = f"{p}:1:x\n{p}-2-y\n.env:3:{SECRET}"
    assert filtered(text, grep=True) == f"{p}:1:x\n{p}-2-y\n.env:[WITHHELD:path-policy .env*]"


def test_a_context_line_not_read_to_its_number_makes_the_output_unattributable():
    # `P:1:` is read to its end, `P-10-` ends one character past what is read of a line.
    p = "d/" + "a" * 1045 + "/n.txt"
    assert len(p) + len("-10-") == _SCAN_CHARS + 33
    text = f"{p}:1:x\n{p}-10-y\n.env:3:{SECRET}"
    assert filtered(text, grep=True) == "[WITHHELD:path-policy .env*]"


def test_dot_slash_alone_names_the_session_folder():
    assert filtered("./", cwd="/home/u/.ssh") == "[WITHHELD:path-policy ~/.ssh/**]"
    assert filtered("./", cwd="/p") == "./"


def test_a_stray_line_after_a_separator_makes_the_output_unattributable():
    out = filtered(f".env:1:KEY\n--\n{SECRET}\nnotes.txt:2:fine", grep=True)
    assert SECRET not in out
    assert out == "[WITHHELD:path-policy .env*]"


def test_inside_a_folder_a_pattern_names_a_bare_file_name_is_enough():
    # In ~/.kube, `config` is ~/.kube/config: the literal `.kube/config` is not in the line.
    out = filtered(f"config:1:{SECRET}\nnotes.txt:2:fine", cwd="/home/u/.kube", grep=True)
    assert SECRET not in out
    assert out == "config:[WITHHELD:path-policy ~/.kube/config]\nnotes.txt:2:fine"
    policy = Policy(home=HOME, deny_paths=("config/master.txt",), use_default_deny=False)
    out = filtered(f"master.txt:1:{SECRET}\nnotes.txt:2:fine", cwd="/p/config",
                   policy=policy, grep=True)
    assert out == "master.txt:[WITHHELD:path-policy config/master.txt]\nnotes.txt:2:fine"


def test_a_pattern_with_globstar_in_the_middle_still_finds_its_files():
    # `config/**/secrets.yml` matches `config/prod/secrets.yml`, which does not contain
    # `config/secrets.yml`: the literal prefilter must not ask for that.
    policy = Policy(home=HOME, deny_paths=("config/**/secrets.yml",), use_default_deny=False)
    assert deny_literals(policy) == ("secrets.yml",)
    out = filtered(f"config/prod/secrets.yml:1:{SECRET}\nnotes.txt:2:x", policy=policy,
                   grep=True)
    assert SECRET not in out
    assert out == ("config/prod/secrets.yml:[WITHHELD:path-policy config/**/secrets.yml]"
                   "\nnotes.txt:2:x")
    # Leading and trailing `**` keep their literals.
    assert deny_literals(Policy(home=HOME, deny_paths=("**/a/b.txt", "~/.x/y/**"),
                                use_default_deny=False)) == (".x/y", "a/b.txt")


def test_a_two_part_literal_is_found_in_order():
    out = filtered(f"/home/u/.kube/config:1:{SECRET}\nnotes.txt:2:x", grep=True)
    assert out == "/home/u/.kube/config:[WITHHELD:path-policy ~/.kube/config]\nnotes.txt:2:x"


def test_a_wildcard_part_ends_the_literal():
    # `/r/*/secret.txt` matches `/r/x/secret.txt`, which does not hold `r/secret.txt`.
    policy = Policy(home=HOME, deny_paths=("/r/*/secret.txt",), use_default_deny=False)
    assert deny_literals(policy) == ("secret.txt",)
    out = filtered(f"/r/x/secret.txt:1:{SECRET}\nnotes.txt:2:x", policy=policy, grep=True)
    assert out == "/r/x/secret.txt:[WITHHELD:path-policy /r/*/secret.txt]\nnotes.txt:2:x"


def test_inside_a_denied_folder_whose_name_ends_in_x_bare_names_are_checked():
    policy = Policy(home=HOME, deny_paths=("/srv/X/**",), use_default_deny=False)
    out = filtered(f"notes.txt:1:{SECRET}", cwd="/srv/X", policy=policy, grep=True)
    assert SECRET not in out


def test_a_tilde_that_is_no_home_folder_is_part_of_the_literal():
    # `~x/y` is a folder named `~x` (compile_glob expands only `~` and `~/`): inside it a
    # bare `y` is the denied file.
    policy = Policy(home=HOME, deny_paths=("~x/y",), use_default_deny=False)
    assert deny_literals(policy) == ("~x/y",)
    out = filtered(f"y:1:{SECRET}\nnotes.txt:2:x", cwd="/p/~x", policy=policy, grep=True)
    assert out == "y:[WITHHELD:path-policy ~x/y]\nnotes.txt:2:x"


def test_a_pattern_for_the_home_folder_itself():
    policy = Policy(home=HOME, deny_paths=("~",), use_default_deny=False)
    assert deny_literals(policy) is None
    out = filtered(f"/home/u\n{SECRET}", policy=policy)
    assert out == "[WITHHELD:path-policy ~]"


def test_inside_a_denied_folder_named_with_a_trailing_capital_x():
    # The folder is `/AX` (its one-part literal names no parent folder): the session is
    # inside the denied folder, so every bare name is a denied path.
    policy = Policy(home=HOME, deny_paths=("/AX/**",), use_default_deny=False)
    out = filtered(f"notes.txt:1:{SECRET}", cwd="/AX", policy=policy, grep=True)
    assert SECRET not in out


def test_a_repeated_output_gives_the_same_text_and_counts_again():
    # The same tool result appears in the tool observation and in the next generation.
    f = OutputFilter("/p", POLICY)
    one = f".env:1:{SECRET}\nnotes.txt:2:fine"
    two = f"id_rsa:3:{SECRET}\nnotes.txt:4:fine"
    kw = {"context": False, "listing": False, "grep": True}
    assert f.text(one, **kw) == ".env:[WITHHELD:path-policy .env*]\nnotes.txt:2:fine"
    assert f.count == 1
    first = f.text(two, **kw)
    assert f.count == 2
    assert f.text(two, **kw) == first
    assert SECRET not in first
    assert f.count == 3


def test_a_non_ascii_name_in_a_text_whose_lowercase_is_longer():
    # The scan lowercases ASCII only when `lower()` would change the text's length (`İ`).
    policy = Policy(home=HOME, deny_paths=("Äbc.txt",), use_default_deny=False)
    out = filtered(f"\u0130\nÄbc.txt:1:{SECRET}", policy=policy, grep=True)
    assert SECRET not in out


# What the filter reads of a line is its first _SCAN_CHARS characters; a deny literal that
# reaches past them cannot be attributed to a path, so the line is not kept.
UNREAD = "[WITHHELD:path-policy line-too-long-to-attribute]"
GREP_TAIL = "src/app.py:10:import os"


def test_a_denied_name_ending_just_past_the_read_part_is_withheld():
    # `.env` ends at character 1,041: inside the old 1,088-character literal window, past
    # the 1,024 the path checks read, so nothing was attributed and the line was kept.
    deep = "/".join(["d" * 60] * 17)
    line = f"{deep}/.env:3:DB_PASSWORD={SECRET}"
    assert line.index(".env:") + 4 == 1041
    out = filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False)
    assert SECRET not in out
    assert out == f":{UNREAD}\n{GREP_TAIL}"


def test_a_literal_naming_nothing_earlier_on_the_line_does_not_hide_one_past_the_read_part():
    # `id_rsa.md` holds a literal and is no denied file; the padded `.env` path after it
    # was kept (the first literal found made the line look read).
    deep = "/".join(["d" * 60] * 20)
    line = f"docs/id_rsa.md-notes/{deep}/.env:3:DB_PASSWORD={SECRET}"
    out = filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False)
    assert SECRET not in out
    assert out == UNREAD  # a match line this long is not numbered: the whole output goes


def test_the_longest_literal_crossing_the_read_end_by_one_character():
    literal = max(deny_literals(POLICY), key=len)
    assert literal == ".claude/.credentials.json"
    pad = "/p/" + "a" * (_SCAN_CHARS - len(literal) - 3 + 1 - 1)
    path = f"{pad}/{literal}"
    assert path.lower().index(literal) == _SCAN_CHARS - len(literal) + 1
    out = filtered(f"{path}:3:{SECRET}\n{GREP_TAIL}", grep=True, context=False)
    assert SECRET not in out
    assert out == f":{UNREAD}\n{GREP_TAIL}"


def test_a_line_of_exactly_the_read_length_is_read_whole_and_kept():
    # `x.pemfoo` holds the `.pem` literal but names no denied file: read whole, it is kept;
    # one character longer, the literal is in the last characters read of an unread line.
    word = "x" * (_SCAN_CHARS - len("notes.txt:1:") - 8) + "x.pemfoo"
    line = f"notes.txt:1:{word}"
    assert len(line) == _SCAN_CHARS
    assert filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False) == f"{line}\n{GREP_TAIL}"
    out = filtered(f"{line}o\n{GREP_TAIL}", grep=True, context=False)
    assert out == f":{UNREAD}\n{GREP_TAIL}"


def test_a_long_line_whose_literals_all_lie_early_is_kept():
    line = "notes.txt:1:see x.pemfoo for the layout " + "z" * 1200
    assert filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False) == f"{line}\n{GREP_TAIL}"


def test_a_head_header_of_a_long_path_past_the_read_part_is_withheld():
    deep = "/".join(["d" * 60] * 17)
    out = filtered(f"==> {deep}/.env <==\n{SECRET}")
    assert SECRET not in out
    assert out == UNREAD


def test_a_literal_ending_exactly_where_the_search_for_unread_ones_starts_is_read():
    # `.docker/config.json`, the longest literal of these rules and holding none of the
    # others, wholly inside what is read (it ends at 1,024) names no denied file here
    # (`~/` anchors it): the line, one character longer than what is read, is kept.
    policy = Policy(home=HOME, use_default_deny=False,
                    deny_paths=("~/.docker/config.json", ".env*", "*.pem"))
    literal = max(deny_literals(policy), key=len)
    assert literal == ".docker/config.json"
    head = "notes.txt:1:"
    line = head + "x" * (_SCAN_CHARS - len(head) - len(literal) - 1) + " " + literal + "Z"
    assert line.lower().index(literal) == _SCAN_CHARS - len(literal)
    assert len(line) == _SCAN_CHARS + 1
    assert filtered(f"{line}\n{GREP_TAIL}", policy=policy, grep=True, context=False) == (
        f"{line}\n{GREP_TAIL}")
    # One character later, it starts inside the search for unread ones: not kept.
    late = head + "x" * (_SCAN_CHARS - len(head) - len(literal)) + " " + literal + "Z"
    assert filtered(f"{late}\n{GREP_TAIL}", policy=policy, grep=True, context=False) == (
        f":{UNREAD}\n{GREP_TAIL}")


# Where a path may end on a line (its separators after the first literal): at most 64 are
# tried; a line with a further one is not attributable.
def _padded(places: int) -> str:
    # `x.pemfoo` holds a literal and names nothing; `places - 1` dashes after it, then
    # the `:` that ends the denied `.env` path: its place is the `places`-th.
    return "w/x.pemfoo" + "-a" * (places - 1) + f"/.env:3:{SECRET}"


def test_a_denied_path_at_the_64th_place_is_attributed():
    line = _padded(64)
    out = filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False)
    assert out == f"{line[:line.index(':')]}:[WITHHELD:path-policy .env*]\n{GREP_TAIL}"


def test_a_denied_path_at_the_65th_place_is_not_printed_back_with_its_content():
    # It was: no prefix was tried past the 64th, the whole line was then taken for the
    # path (`.env:3:value...` is a `.env*` name) and printed before the marker.
    line = _padded(65)
    out = filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False)
    assert SECRET not in out
    assert out == f":{UNREAD}\n{GREP_TAIL}"


def test_a_run_of_separators_is_one_place():
    # 200 dashes after the literal (a rule drawn under a heading), then the denied path:
    # one place, not 200 (nor 100, every other one).
    line = "w/x.pemfoo" + "-" * 200 + f"/.env:3:{SECRET}"
    out = filtered(f"{line}\n{GREP_TAIL}", grep=True, context=False)
    assert out == f"{line[:line.index(':')]}:[WITHHELD:path-policy .env*]\n{GREP_TAIL}"
