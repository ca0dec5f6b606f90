"""Exact values of how `policy/bash.py` cuts a command line: tokens, simple commands, the
command word after assignments and wrappers, the forms of a word that can name a file, and
which scripts are walked as commands. Run first by `bench/mutation.py -m policy.bash`."""

from __future__ import annotations

import pytest

from cctrace.policy import bash as b
from cctrace.policy import scripts
from cctrace.policy import words as shell_words


def test_tokens_and_split():
    assert b._tokens("cat a.txt|grep -e 'x y'>out;echo \"q\"\n ls\t-l") == [
        "cat", "a.txt", "|", "grep", "-e", "x y", ">", "out", ";", "echo", "q", "\n", "ls",
        "-l"]
    assert b._tokens("echo a#b # not a comment") == ["echo", "a#b", "#", "not", "a",
                                                       "comment"]
    assert b._tokens("a\rb") == ["a", "b"]
    assert b._tokens("cat KEYX.pem aXb") == ["cat", "KEYX.pem", "aXb"]  # no stray splits
    assert b._split(["cat", "x", "|", "|", "grep", "y", "&&", "(", "ls", ")", ">", "o"]) == [
        ["cat", "x"], ["grep", "y"], ["ls"], [">", "o"]]
    assert b._split(["|", ";"]) == []


@pytest.mark.parametrize("word,forms", [
    ("a.txt", ["a.txt"]),
    ("--file=.env", ["--file=.env", ".env"]),
    ("host:.ssh/id_rsa", ["host:.ssh/id_rsa", ".ssh/id_rsa"]),
    ("HEAD:a:.env", ["HEAD:a:.env", ".env"]),
    ("x=a:b", ["x=a:b", "a:b", "b"]),
    ("--opt=a=b.env", ["--opt=a=b.env", "a=b.env"]),
    ("https://h/p:8", ["https://h/p:8"]),
    ("http://h:1/x", ["http://h:1/x"]),
    ("ftp://h:2", ["ftp://h:2", "2"]),
    ("k=", ["k="]),
    ("a:", ["a:"]),
    ("-", []), ("--", []), ("x=--", ["x=--"]), ("x=-", ["x=-"]),
])
def test_variants(word, forms):
    assert shell_words.names(word) == forms


@pytest.mark.parametrize("words,index", [
    (["cat", "x"], 0),
    (["A=1", "B=2", "cat", "x"], 2),
    (["sudo", "-u", "root", "cat", "x"], 2),  # `root` is taken for the command: over-report
    (["timeout", "5", "cat", "x"], 2),
    (["/usr/bin/env", "-i", "X=1", "cat"], 3),
    (["nice", "-n", "10", "sudo", "cat"], 4),
    (["env"], 1),
    ([], 0),
    (["A=1"], 1),
    (["xargs", "-0", "cat"], 2),
])
def test_command_index(words, index):
    assert b._command_index(words) == index


@pytest.mark.parametrize("segment,name", [
    ("python3 - <<EOF", "python3"),
    ("cat <<EOF | sudo /bin/sh", "cat"),
    ("echo hi | FOO=1 /usr/bin/bash", "bash"),
    ("env", ""),
    ("", ""),
    ("sh -c 'unterminated", "sh"),
    ("A=1 <<EOF", "<<"),  # no command word: the operator stands in (scanned as a script)
])
def test_command_name(segment, name):
    assert b._command_name(segment) == name


def _reads(command: str, cwd: str | None = "/p") -> list[tuple[str, str | None]]:
    return b.bash_files(command, cwd).reads


def test_expand_words():
    assert shell_words.expand_braces(["cat", "{a,b}.env", "x{y}", "p,q"]) == [
        "cat", "a.env", "b.env", "x{y}", "p,q"]
    many = shell_words.expand_braces(["{" + ",".join(str(i) for i in range(40)) + "}"])
    assert many == [str(i) for i in range(32)]
    # At most 512 words are expanded further; the rest stay as written.
    words = ["{a,b}"] * 300
    out = shell_words.expand_braces(words)
    assert len(out) == 512 + (300 - 256) and out[-1] == "{a,b}" and out[511] == "b"


def test_scripts_of_shells_are_walked_as_commands():
    found = b.BashFiles()
    b._script("bash5.1", "cd /etc && cat shadow", "/p", found, 0)
    assert ("shadow", "/etc") in found.reads
    found = b.BashFiles()
    b._script("eval", "cd /etc; cat passwd", "/p", found, 0)
    assert ("passwd", "/etc") in found.reads
    found = b.BashFiles()
    b._script("python3", "cd /etc; cat passwd", "/p", found, 0)
    assert ("passwd", "/etc") not in found.reads and ("passwd", "/p") in found.reads


def test_scan_script_literals_and_joins():
    found = b.BashFiles()
    scripts.scan_script("open(os.path.join(home, '.ssh', 'id_rsa'))", None, found)
    reads = [r for r, _ in found.reads]
    for want in (".ssh", "id_rsa", ".ssh/id_rsa", "~/.ssh/id_rsa", ".sshid_rsa"):
        assert want in reads, want
    found = b.BashFiles()
    scripts.scan_script("p = '/etc/x' + \"\"", None, found)
    assert ("~/etc/x", None) in found.reads and ("/etc/x", None) in found.reads
    assert ("", None) not in found.reads
    found = b.BashFiles()
    scripts.scan_script("a('.e' + 'nv' + '.lo' + 'cal')", None, found)
    reads = [r for r, _ in found.reads]
    assert ".env" in reads and ".env.lo" in reads and ".env.local" in reads


def test_walk_follows_cd_substitutions_ifs_and_depth():
    assert ("x.env", "/etc") in _reads("cd /etc && cat x.env")
    assert (".env", "/p") in _reads("echo $(cat .env)")
    assert (".env", "/p") in _reads("echo `cat .env`")
    assert (".env", "/p") in _reads("cat${IFS}.env")
    assert (".env", "/p") in _reads("cat 'unbalanced .env")
    deep = "sh -c \"sh -c 'sh -c \\\"sh -c cat\\\\ .env\\\"'\""
    assert any(r.endswith(".env") for r, _ in _reads(deep))
    found = b.BashFiles()
    assert b._walk("cd /a; cd b; cat k", "/p", found, 0) == "/a/b"
    assert b._walk("cat k", "/p", b.BashFiles(), b._MAX_DEPTH + 1) == "/p"
    found = b.BashFiles()
    b._walk("cat k.pem", "/p", found, b._MAX_DEPTH + 1)
    assert found.reads == [("cat", "/p"), ("k.pem", "/p")]
    found = b.BashFiles()
    b._walk("cat k.pem", "/p", found, b._MAX_DEPTH)
    assert ("k.pem", "/p") in found.reads and ("cat", "/p") not in found.reads


def test_scan_loose_strips_punctuation():
    found = b.BashFiles()
    scripts.scan_loose("see 'a.env', \"b.env\"; c.env. d.env: host:e.env", "/p", found)
    assert [r for r, _ in found.reads] == [
        "see", "a.env", "b.env", "c.env", "d.env", "host:e.env", "e.env"]


def test_scan_loose_keeps_other_end_letters():
    found = b.BashFiles()
    scripts.scan_loose("cat KEYX XX.envX", "/p", found)
    assert [r for r, _ in found.reads] == ["cat", "KEYX", "XX.envX"]


def test_scripts_are_read_for_literals_up_to_200_000_characters():
    # '.e'+'nv' joins to .env only through the literal scan (the loose scan sees .e, nv).
    found = b.BashFiles()
    scripts.scan_script(" " * 199_991 + "'.e'+'nv'", None, found)  # closes at 200,000: read
    assert (".env", None) in found.reads and not found.unjudged
    found = b.BashFiles()
    scripts.scan_script(" " * 199_992 + "'.e'+'nv'", None, found)  # closes past the bound
    assert (".env", None) not in found.reads
    assert found.unjudged  # so what it opens cannot be cleared: withheld


def test_literal_joins_exactly():
    # Windows holding an empty literal are not joined; letters at a literal's ends stay.
    found = b.BashFiles()
    scripts.scan_script("x('a', '', 'KEYX') + '.pem'", None, found)
    assert found.reads == [
        ("x", None), ("a", None), ("KEYX", None), ("+", None), (".pem", None),
        ("a", None), ("KEYX", None), ("KEYX/.pem", None), ("~/KEYX/.pem", None),
        ("KEYX.pem", None), (".pem", None)]


@pytest.mark.parametrize("fillers,joined", [(1999, True), (2000, False)])
def test_at_most_2000_literals_start_a_join(fillers, joined):
    found = b.BashFiles()
    scripts.scan_script("'a'," * fillers + "'.e'+'nv'", None, found)
    assert ((".env", None) in found.reads) is joined
    assert found.unjudged  # 2,001 or more literals: past the bound, withheld


@pytest.mark.parametrize("fillers,unjudged", [(1998, False), (1999, True)])
def test_more_than_2000_literals_cannot_be_cleared(fillers, unjudged):
    found = b.BashFiles()
    scripts.scan_script("'a'," * fillers + "'.e'+'nv'", None, found)
    assert found.unjudged is unjudged


def test_a_script_past_the_bounds_is_withheld():
    from cctrace.policy import Policy
    from cctrace.policy.apply import UNJUDGED_SCRIPT, decide

    policy = Policy(home="/home/u")
    padded = "python3 -c \"x=[" + ",".join(["'a'"] * 2100) + "];print(open('.e'+'nv').read())\""
    assert decide("Bash", {"command": padded}, "/p", policy).rule == UNJUDGED_SCRIPT
    long = "python3 - <<EOF\n#" + "a" * 200_001 + "\nprint(open('.e'+'nv').read())\nEOF"
    assert decide("Bash", {"command": long}, "/p", policy).rule == UNJUDGED_SCRIPT
    assert UNJUDGED_SCRIPT == "(script past the policy's bounds)"
    short = "python3 - <<EOF\n#" + "a" * 1000 + "\nprint(1)\nEOF"
    assert decide("Bash", {"command": short}, "/p", policy).rule is None


def test_substitutions_are_walked_with_their_own_cd():
    assert ("shadow", "/etc") in _reads('echo "$(cd /etc && cat shadow)"')
    assert ("shadow", "/etc") in _reads('echo "`cd /etc && cat shadow`"')


@pytest.mark.parametrize("levels,followed", [(4, True), (5, False)])
def test_nested_shells_are_walked_four_deep(levels, followed):
    # Past _MAX_DEPTH a script is scanned loosely: its paths still count, against the
    # outer folder (its `cd` is no longer followed).
    import shlex

    command = "cd /etc && cat shadow"
    for _ in range(levels):
        command = "sh -c " + shlex.quote(command)
    reads = _reads(command)
    assert (("shadow", "/etc") in reads) is followed
    assert (("shadow", "/p") in reads) is not followed


# -- the red-team pass: ANSI-C quoting, folder words (exact, against their mutants)

@pytest.mark.parametrize("escaped,plain", [
    ("\\x2e", "."), ("\\x2E", "."), ("\\x41B", "AB"), ("\\056", "."), ("\\0562", ".2"),
    ("\\7", "\x07"), ("\\u002e", "."), ("\\U0000002e", "."), ("\\U00110000", ""),
    ("\\U0010ffff", "\U0010ffff"), ("\\ca", "\x01"), ("\\c?", "\x1f"), ("\\cA", "\x01"),
    ("\\n", "\n"), ("\\t", "\t"), ("\\e", "\x1b"), ("\\E", "\x1b"), ("\\a", "\x07"),
    ("\\b", "\b"), ("\\f", "\f"), ("\\r", "\r"), ("\\v", "\v"), ("\\\\", "\\"),
    ("\\'", "'"), ('\\"', '"'), ("\\?", "?"), ("\\q", "\\q"), ("\\x", "\\x"),
])
def test_ansi_c_escapes_decode_as_bash_does(escaped, plain):
    import re as _re

    text = _re.sub(b._C_ESCAPE, b._c_escape, escaped)
    assert text == plain


@pytest.mark.parametrize("command,unquoted", [
    ("cat $'\\x2eenv'", "cat .env"),
    ("cat $'.e''nv'", "cat .e'nv'"),
    ("cat $'a\\0b'", "cat a"),            # the string ends at the NUL
    ("cat $'a\\0b\\0c'", "cat a"),
    ("cat $'a b'", "cat 'a b'"),          # decoded, then quoted as one word again
    ("cat $'it\\'s'", "cat 'it'\"'\"'s'"),
    ('cat $".env"', 'cat ".env"'),
    ('cat x$".env"', 'cat x$".env"'),     # not at a word's start: left alone
    ('echo "a" $"b"', 'echo "a" "b"'),
    ("echo \"$'\" $'x", "echo \"$'\" $'x"),  # would not split after decoding: unchanged
    ("cat plain", "cat plain"),
])
def test_unquote_exactly(command, unquoted):
    assert b._unquote(command) == unquoted


def test_inside_joins_each_relative_read_with_every_other_word_exactly():
    found = b.BashFiles(reads=[("a", "/p"), ("/abs", "/p"), ("~/h", "/p"), ("$V/x", "/p"),
                               ("-x", "/p"), ("b", None)])
    b._inside(["tar", "-C", "d", "--dir=e", "a"], found, 0)
    assert found.inside == [("tar/a", "/p"), ("d/a", "/p"), ("e/a", "/p"),
                            ("tar/b", None), ("d/b", None), ("e/b", None), ("a/b", None)]
    assert found.reads[0] == ("a", "/p")  # reads themselves are left as they were


def test_inside_looks_at_reads_from_first_on():
    found = b.BashFiles(reads=[("x", "/p"), ("y", "/p")])
    b._inside(["cd", "w"], found, 1)
    assert found.inside == [("cd/y", "/p"), ("w/y", "/p")]


def test_inside_bounds():
    words = [f"w{i}" for i in range(20)]
    found = b.BashFiles(reads=[(f"r{i}", "/p") for i in range(40)])
    b._inside(words, found, 0)
    assert len(found.inside) == 16 * 32  # 16 folders, 32 reads
    assert found.inside[0] == ("w0/r0", "/p") and found.inside[-1] == ("w15/r31", "/p")
    found = b.BashFiles(reads=[("r", "/p")])
    b._inside(["w", "w", "r"], found, 0)
    assert found.inside == [("w/r", "/p")]  # a word twice is one folder


_NO = {"context": False, "listing": False, "grep": False}
_LISTING = {"context": False, "listing": True, "grep": False}


@pytest.mark.parametrize("command, shape", [
    ("grep x f", {**_NO, "grep": True}),
    ("/bin/grep -n x f", {**_NO, "grep": True}),
    ("FOO=1 grep x f", {**_NO, "grep": True}),
    ("sudo grep x f", {**_NO, "grep": True}),
    ("git grep x", {**_NO, "grep": True}),
    ("git log", _NO),
    ("git diff", _NO),
    ("cat a", _NO),
    ("", _NO),
    ("ls; cat a", _NO),
    # Listers print names only; find too, unless it runs a command on what it finds.
    ("ls", _LISTING),
    ("/usr/bin/ls -la", _LISTING),
    ("tree", _LISTING),
    ("find . -name x", _LISTING),
    ("find . -exec cat {} +", _NO),
    ("find . -execdir ls {} +", _NO),
    ("find . -exec ls {} +", _NO),
    # A grep that prints names or counts only (-l, -c, --files).
    ("grep -l x *", {**_LISTING, "grep": True}),
    ("grep -c x *", {**_LISTING, "grep": True}),
    ("rg --files", {**_LISTING, "grep": True}),
    ("grep -n x *", {**_NO, "grep": True}),
    ("git status", _LISTING),
    ("git ls-files", _LISTING),
    ("git ls-tree HEAD", _LISTING),
    ("git show HEAD", _NO),
    # Moving about or doing nothing prints nothing.
    ("cd d && ls", _LISTING),
    ("cd d", _LISTING),
    ("true", _LISTING),
    ("x=1", _LISTING),
    ("ls <<EOF\ncat a\nEOF", _LISTING),  # a heredoc's body is data here, not a command
    # One command that prints contents makes the whole line no listing, wherever it is.
    ("find . -name x; cat a", _NO),
    ("grep -l x *; cat a", {**_NO, "grep": True}),
    ("git status; cat a", _NO),
    ("cd d && cat a", _NO),
    ("true; cat a", _NO),
    ("x=1; cat a", _NO),
    ("cat a; ls", _NO),
    # What cannot be parsed may print anything.
    ('echo "unterminated', {"context": True, "listing": False, "grep": False}),
    ("grep -A3 x f", {"context": True, "listing": False, "grep": True}),
])
def test_bash_shape_exact(command, shape):
    assert b.bash_shape(command) == shape
