"""The word rules of one simple command (`bash._simple`): which words are reads, writes,
scripts and folders, exactly (mutation survivors of stop 28, and the bypasses they showed:
`python3 -Bc`, `node -pe`, `perl -ne` programs were not read as programs)."""

from __future__ import annotations

import shlex

import pytest

from cctrace.policy import Policy
from cctrace.policy.apply import decide
from cctrace.policy.bash import bash_files

POLICY = Policy(home="/home/u")


def reads(command: str, cwd: str | None = "/p") -> list[tuple[str, str | None]]:
    return bash_files(command, cwd).reads


@pytest.mark.parametrize("command", [
    "python3 -Bc \"print(open('.env').read())\"",
    "python3 -c \"print(open('.env').read())\"",
    "node -pe \"require('fs').readFileSync('.env','utf8')\"",
    "node -e \"console.log(require('fs').readFileSync('.env','utf8'))\"",
    "perl -le 'open F, \".env\"; print <F>'",
    "perl -E 'open F, \".env\"; say <F>'",
    "php -r 'echo file_get_contents(\".env\");'",
    "ruby -e 'puts File.read(\".env\")'",
])
def test_an_interpreters_program_is_read_as_one(command):
    assert decide("Bash", {"command": command}, "/p", POLICY).rule == ".env*"


def test_a_long_option_is_no_program_flag():
    assert [r for r, _ in reads("bash --rcfile rc.sh x.sh")] == ["--rcfile", "rc.sh", "x.sh"]
    assert [r for r, _ in reads("bash -lc 'cat a'")] == ["a"]


def test_a_redirection_before_more_words():
    assert [r for r, _ in reads("cat a 2> e b")] == ["a", "b"]
    assert [w for w, _ in bash_files("cat a 2> e b", "/p").writes] == ["e"]
    assert [r for r, _ in reads("cat a -n")] == ["a"]
    assert reads("sudo -u") == [("sudo", "/p"), ("-u", "/p")]  # no command word: no crash


def test_cd_targets():
    assert reads("cd -P /x && cat a") == [("a", "/x")]
    assert reads("cd && cat a") == [("a", "~")]
    assert reads("cd ~/x && cat a") == [("a", "~/x")]
    assert reads("cd rel && cat a", None) == [("a", "rel")]
    assert reads("cd rel && cat a") == [("a", "/p/rel")]


def test_eval_depth_counts_like_any_script():
    assert reads("eval eval eval cat x") == [("x", "/p")]
    deep = reads("eval eval eval eval eval eval cat x")
    assert ("cat", "/p") in deep and ("x", "/p") in deep  # past the depth: scanned
    assert bash_files("eval grep -rh x .", "/p").opaque == [(".", "/p")]


def test_a_printers_text_is_cut_at_80():
    files = bash_files("vault read -field=password " + "x" * 100, "/p")
    assert files.prints == ("vault read -field=password " + "x" * 100)[:80]


def test_a_program_flag_takes_the_word_right_after_it():
    assert decide("Bash", {"command": "bash -c 'cat .env' arg"}, "/p", POLICY).rule == ".env*"
    assert decide("Bash", {"command": "python3 -c \"print(open('.env').read())\" arg"}, "/p",
                  POLICY).rule == ".env*"
    assert [r for r, _ in reads("bash -x -c 'cat a' b")] == ["-x", "a", "b"]
    assert [r for r, _ in reads("bash -c")] == ["-c"]  # no program after it: no crash
    assert [r for r, _ in reads("python3 -c")] == ["-c"]
    assert [r for r, _ in reads("python3 -X dev s.py")] == ["-X", "dev", "s.py"]
    assert [r for r, _ in reads("python3 - s.py")] == ["s.py"]  # `-`: the program on stdin


def test_nesting_past_the_parse_is_withheld():
    command = "grep -rh x ."
    for _ in range(3):
        command = "bash -c " + shlex.quote(command)
    assert bash_files(command, "/p").opaque == [(".", "/p")]  # three levels: parsed
    assert bash_files(command, "/p").unjudged is False
    for _ in range(3):
        command = "bash -c " + shlex.quote(command)
    files = bash_files(command, "/p")
    assert files.unjudged is True  # six: past the parse, withheld whole
    assert decide("Bash", {"command": command}, "/p", POLICY).rule == (
        "(script past the policy's bounds)")


def test_phrases_and_copies_exactly():
    assert (".env", "/p") in reads('cat "a b" .env')  # a phrase, then more words
    assert [r for r, _ in reads("grep --color=auto .env notes.txt")] == [
        "--color=auto", "auto", "notes.txt"]  # `.env` is the pattern there
    for tool in ("cp", "mv", "install", "rsync", "scp", "ln"):
        assert [w for w, _ in bash_files(f"{tool} a b dest/", "/p").writes] == ["dest/"]
    for name in ("ssh a", "ssh a ssh b", "ssh a ssh b ssh c"):
        quoted = "grep -rh x ."
        for host in reversed(name.split("ssh ")[1:]):
            quoted = f"ssh {host.strip()} " + shlex.quote(quoted)
        assert bash_files(quoted, "/p").opaque == [(".", "/p")]



def test_phrases_are_walked_four_levels_deep():
    def nest(n: int) -> str:
        command = "cat x"
        for _ in range(n):
            command = "ssh h " + shlex.quote(command)
        return command

    def after_hosts(n: int) -> list[str]:
        got = [r for r, _ in reads(nest(n))]
        assert got[:n] == ["h"] * n
        return got[n]

    # The innermost phrase is parsed as a command (`x`) four levels down; the fifth is
    # only scanned as words (`cat x` whole): each phrase walked is one level deeper.
    assert [after_hosts(n) for n in (1, 4, 5)] == ["x", "x", "cat x"]
