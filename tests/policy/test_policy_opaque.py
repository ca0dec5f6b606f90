"""Which folders a command may print files of without naming them (`bash._opaque`): each
is looked through for denied files (`reach.scope_rule`), since no line can be attributed."""

from __future__ import annotations

import pytest

from cctrace.policy.bash import bash_files


@pytest.mark.parametrize("command, folders", [
    # The grep family: recursive only when asked; nameless with -h / --no-filename.
    ("grep -rh x .", ["."]),
    ("grep -rh x", ["."]),
    ("grep -rh x d1 d2", ["d1", "d2"]),
    ("grep -h x d", []),
    ("grep -r x d", []),  # names every line: attributable
    ("grep -r --with-filename x d", []),
    ("grep --recursive -h x d", ["d"]),
    ("grep -r --no-filename x d", ["d"]),
    ("grep --dereference-recursive x d", ["d"]),  # follows links: judged like nameless
    ("grep -R x d", ["d"]),
    ("egrep -rh x d", ["d"]), ("fgrep -rh x d", ["d"]), ("zgrep -rh x d", ["d"]),
    ("egrep -h x d", []), ("fgrep -h x d", []), ("zgrep -h x d", []),
    # rg, ag, ack: recursive by themselves; nameless with -I / --no-filename.
    ("rg -I x d", ["d"]), ("rg -h x d", []), ("rg x d", []), ("ag --no-filename x", ["."]),
    ("rg -L x d", ["d"]), ("rg --follow x", ["."]),
    # git grep: recursive, -h nameless; `grep` must be git's first word.
    ("git grep -h x", ["."]), ("git grep -h x d", ["d"]), ("git grep x -h d", ["d"]),
    ("git grep x", []), ("git log -h x", []), ("git -C d grep -h x", []),
    # find -exec with a command that prints contents; listers print names.
    ("find . -name '*.txt' -exec cat {} +", ["."]),
    ("find a b -type f -exec cat {} \\;", ["a", "b"]),
    ("find -type f -execdir head {} +", ["."]),
    ("find . \\( -name x \\) -exec cat {} +", ["."]),
    ("find . ! -name x -exec cat {} +", ["."]),  # `!` inside a command is a word
    ("find a ! -name x -exec cat {} + ; ! grep -rh x b", ["a", "b"]),  # and a negation
    ("find . -exec ls -l {} +", []), ("find . -exec", ["."]), ("find . -name x", []),
    # Content printers given a bare glob, or fed names by xargs.
    ("cat *", ["."]), ("head -n 3 d/*", ["d"]), ("cat d/**", ["d"]), ("cat *.*", ["."]),
    ("cat .*", ["."]), ("cat *rc", ["."]), ("cat *.txt", []), ("cat a.txt", []),
    ("ls | xargs cat", ["."]), ("ls | xargs cat a.txt", []), ("xargs cat < list", ["."]),
])
def test_opaque_folders(command, folders):
    assert [f for f, _ in bash_files(command, "/p").opaque] == folders


@pytest.mark.parametrize("command", [
    "(true); grep -rh x .", "x=1;(grep -rh x .)", "true)&&grep -rh x .",
    "(cd /tmp; true) && grep -rh x .", "(cd /tmp)|grep -rh x .",
])
def test_glued_operators_and_subshells_do_not_hide_a_command(command):
    # shlex joins a run of operator characters into one token (`);`, `;(`): cut apart,
    # and a subshell's `cd` stays inside it.
    assert bash_files(command, "/p").opaque == [(".", "/p")]


def test_a_subshells_cd_stays_inside_it():
    reads = bash_files("(cd x; (cd y; cat a); cat b); cat c", "/p").reads
    assert reads == [("a", "/p/x/y"), ("b", "/p/x"), ("c", "/p")]
    assert bash_files(")) cat a", "/p").reads == [("a", "/p")]  # a stray `)`: no crash


@pytest.mark.parametrize("command, folders", [
    ("find . -exec ls", []),  # the tool is the word right after -exec, even the last one
    ("cat .*X", []),  # a dot glob with more after it is judged by name (`.*` is not)
    ("cat d/.*", ["d"]),
])
def test_opaque_edges(command, folders):
    assert [f for f, _ in bash_files(command, "/p").opaque] == folders


@pytest.mark.parametrize("command", ["cat <<EOF\nx\nEOF", "cat <<secrets\nx\nsecrets"])
def test_a_heredocs_delimiter_is_no_read(command):
    assert bash_files(command, "/p").reads == [("x", "/p")]  # the body is scanned, not it


@pytest.mark.parametrize("command", ["cat <", "cat <<<", "cat <<", "cat >", "cat 2>"])
def test_a_redirect_ending_the_command_reads_nothing(command):
    files = bash_files(command, "/p")
    assert files.reads == [] and files.writes == []


@pytest.mark.parametrize("command, reads, writes", [
    ("cat < a b", ["a", "b"], []),
    ("echo x > out y", ["x", "y"], ["out"]),
    ("cmd 2> err.log", [], ["err.log"]),
    ("cat a 2> e", ["a"], ["e"]),
    ("cat 0< a", ["a"], []),
    ("cat a >&2", ["a"], []),
    ("cat a >> log 2>&1", ["a"], ["log"]),
    ("cat a &> all", ["a"], ["all"]),
    ("cat <> f", ["f"], []),
])
def test_redirections_exactly(command, reads, writes):
    files = bash_files(command, "/p")
    assert [r for r, _ in files.reads] == reads
    assert [w for w, _ in files.writes] == writes
