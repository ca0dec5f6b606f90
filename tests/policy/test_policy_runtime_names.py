"""Names a command computes while it runs, found by the parse (`Variables.computed`), and
commands hidden behind reserved words or `eval`'s joined arguments (red team, stop 28)."""

from __future__ import annotations

import pytest

from cctrace.policy import Policy
from cctrace.policy.apply import decide
from cctrace.policy.bash import bash_files
from cctrace.policy.words import Variables

POLICY = Policy(home="/home/u")
RUNTIME = "a variable set at run time"
PARAM = "a parameter expanded at run time"
ENV = "a variable of the environment"


def _rule(command: str) -> str | None:
    return decide("Bash", {"command": command}, "/p", POLICY).rule


@pytest.mark.parametrize("command, reason", [
    ('ls -A | while read f; do cat "$f"; done', RUNTIME),
    ('find . -type f | while IFS= read -r f; do echo "== $f"; cat "$f"; done', RUNTIME),
    ("IFS=, read a b <<< 'notes.txt,.env'; cat $b", RUNTIME),
    ("read -r f <<< .env; head -n 5 \"$f\"", RUNTIME),
    ('mapfile -t files < x; cat "${files[0]}"', PARAM),
    ('readarray -t f < x; tac $f', RUNTIME),
    ("printf -v f '.%s' env; cat \"$f\"", RUNTIME),
    ("while getopts f: o; do cat $OPTARG; done", ENV),
    ('a=(.env); cat "${a[@]}"', PARAM),
    ('f=x.env; cat "${f#x}"', PARAM),
    ('f=ENV; cat ".${f,,}"', PARAM),
    ('f=.env; g=f; cat "${!g}"', PARAM),
    ('f=.envx; cat "${f:0:4}"', PARAM),
    ('f=.exv; cat "${f/x/n}"', PARAM),
    ('f=.e; g=nv; cat "${f?}${g:-x}"', PARAM),  # a set value behind a default form
    ('set -- .env; cat "$1"', PARAM),
    ('set -- .env; cat "$@"', PARAM),
    ('c() { cat "$1"; }; c .env', PARAM),
    ('read f; F=$f; sort "$F"', RUNTIME),  # through a copy: expanded first
    ("cat $CREDS_FILE", ENV),
    ("cat ${NOTES:-notes.txt}", ENV),  # the default is judged; the variable may be set
    ("cat < $CREDS_FILE", ENV),
    ("base64 ${KEY_PATH}", ENV),
    ('diff "$A" /dev/null', ENV),
    ('read f; wc -c < "$f"', RUNTIME),  # a redirect's source, whatever the command
])
def test_run_time_names_are_withheld(command, reason):
    assert bash_files(command, "/p").computed == reason
    # A path rule of a literal word (`.env` after `set --`) comes first.
    assert _rule(command) in (f"(read target computed at run time: {reason})", ".env*")


@pytest.mark.parametrize("command", [
    # The loop's words are judged as paths, so its variable is known.
    'for f in src/*.py; do python -m py_compile "$f"; done',
    'for f in *.md; do wc -l "$f"; head -5 "$f"; done',
    "select f in a.txt b.txt; do cat $f; break; done",
    # Builtins and listers that print no file's content.
    'git log --oneline | while read sha msg; do echo $sha; done',
    'find . -name "*.py" | while read f; do wc -l "$f"; done',
    'while IFS= read -r line; do echo "$line"; done < input.txt',
    'read -p "go? " ans; [ "$ans" = y ] && make',
    # Environment variables outside a content printer's file names, folder variables,
    # a path behind an unknown folder (its file name is judged), lengths, patterns, URLs.
    'curl -s -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
    'curl -u "$USER:$TOKEN" https://example.com/api',
    "PORT=3000; curl localhost:$PORT/health",
    "kill $PID",
    "python script.py --input \"$INPUT_FILE\"",
    'cat "$TMPDIR/out.log"',
    "tail -n 50 $LOG_DIR/app.log",
    "cat $HOME/.bashrc",
    "echo ${#PATH}",
    'grep -n "$PATTERN" src/*.py',
    'rg "$QUERY" src/',
    'sed -n "${START},${END}p" file.txt',
    "curl -s https://x/$ID",
    "F=notes.txt; cat $F",
])
def test_known_and_harmless_names_keep_their_output(command):
    assert bash_files(command, "/p").computed == ""
    assert _rule(command) is None


def test_a_pattern_given_by_an_option_leaves_the_file_argument_judged():
    assert bash_files('read f; grep -e x "$f"', "/p").computed == RUNTIME
    assert bash_files('read f; grep x "$f"', "/p").computed == RUNTIME
    assert bash_files('read p; grep "$p" notes.txt', "/p").computed == ""  # a pattern
    assert bash_files('grep -e "$P" notes.txt', "/p").computed == ""
    assert bash_files('read f; grep --regexp=x "$f"', "/p").computed == RUNTIME
    # The options looked at are the command's own, not a wrapper's (`xargs -e`: EOF).
    assert bash_files('read f; xargs -e grep "$f" notes.txt', "/p").computed == ""


def test_the_setting_turns_it_off():
    off = Policy(home="/home/u", computed_paths=False)
    command = 'ls -A | while read f; do cat "$f"; done'
    assert decide("Bash", {"command": command}, "/p", off).rule is None


@pytest.mark.parametrize("command", [
    "for i in 1; do grep -rh x .; done",
    "if true; then cat *; fi",
    "while true; do find . -exec cat {} +; done",
    "until false; do grep -rh x .; break; done",
    "if false; then :; else grep -rh x .; fi",
])
def test_a_reserved_word_does_not_hide_the_command(command):
    assert bash_files(command, "/p").opaque == [(".", "/p")]


@pytest.mark.parametrize("command", [
    "eval cat .env",
    "eval 'cat' '.env'",
    'eval cat "$(echo x)" .env',
    "sudo eval cat .env",
])
def test_eval_runs_its_arguments_joined(command):
    assert (".env", "/p") in bash_files(command, "/p").reads
    assert _rule(command) is not None


def test_variables_computed_directly():
    v = Variables()
    v.note(["read", "-r", "a", "b"])
    assert v.runtime == {"a", "b"}
    assert v.computed(["cat", "$a"], 0, "", False) == RUNTIME
    assert v.computed(["wc", "-l", "$a"], 0, "lists", False) == ""
    assert v.computed(["wc", "-l", "<", "$a"], 0, "lists", False) == RUNTIME
    assert v.computed(["echo", "$a"], 0, "prints", False) == ""
    assert v.computed(["cat", "$Z"], 0, "", False) == ""
    assert v.computed(["cat", "$Z"], 0, "prints", False) == ENV
    assert v.computed(["cat", "$Z/x"], 0, "prints", False) == ""
    assert v.computed(["cat", "x/$Z"], 0, "prints", False) == ENV
    assert v.computed(["cat", "$a x"], 0, "prints", False) == ""  # a phrase
    assert v.computed(["cat"], 5, "prints", False) == ""
    v.note(["for", "f", "in", "a", "b"])
    assert v.bound == {"f"} and v.computed(["cat", "$f"], 0, "prints", False) == ""
    v.note(["printf", "%s", "x"])
    assert "x" not in v.runtime  # printf sets nothing without -v


@pytest.mark.parametrize("builtin", [
    "echo", "printf", "test", "[", "[[", "true", "false", ":", "exit", "return", "shift",
    "sleep", "kill", "wait", "unset", "export", "local", "declare", "typeset", "readonly",
    "let", "set", "read", "mapfile", "readarray", "getopts", "popd", "case"])
def test_builtins_that_open_no_file_keep_their_output(builtin):
    assert bash_files(f"read f; {builtin} $f", "/p").computed == ""
    # ... but a `<` redirect's source is read whatever the command.
    assert bash_files(f"read f; {builtin} x < $f", "/p").computed == RUNTIME


@pytest.mark.parametrize("name", [
    "HOME", "PWD", "OLDPWD", "TMPDIR", "TMP", "TEMP", "USER", "LOGNAME", "CLAUDE_PROJECT_DIR",
    "VIRTUAL_ENV", "CONDA_PREFIX", "GOPATH", "XDG_RUNTIME_DIR", "RUNNER_TEMP",
    "GITHUB_WORKSPACE"])
def test_folder_and_account_variables_are_no_file_names(name):
    assert bash_files(f"cat ${name}", "/p").computed == ""
    assert bash_files(f"cat ${name}X", "/p").computed == ENV


@pytest.mark.parametrize("command, reason", [
    ("mapfile f; cat $f", RUNTIME),
    ("getopts ab o; cat $o", RUNTIME),
    ("printf -v f; cat $f", RUNTIME),
    ("printf %s -v x; cat $x", ENV),  # `-v` after the format is printed, sets nothing
    ("cat $X", ENV),  # a one-letter name is no positional parameter
    ("cat ${#X}", ""),  # a length
    ("cat http://x/$F", ""),  # a URL
    ("read f; cat <> $f", RUNTIME),
    ("read f; wc -l <> $f", RUNTIME),  # a lister: only a redirect's source counts
    ("read f; wc -l $f < $f", RUNTIME),  # a lister's argument skipped, its redirect not
    ("read f; done < $f", RUNTIME),
    ("read d; find $d -exec cat {} +", RUNTIME),  # find is no mere lister: -exec
    ("read d; ls $d", ""),
    ("read d; cd $d && cat config", RUNTIME),  # the folder later reads resolve in
    ("read d; pushd $d; cat config", RUNTIME),
    ("cd $PROJECT_DIR && cat config", ""),  # the user's environment: a folder of theirs
    ('grep --regexp "$P" notes.txt', ""),
    ('sed --expression "$P" notes.txt', ""),
    ("for f; do cat $f; done", ENV),  # the positional parameters: no judged words
    ("for f in; do cat $f; done", ""),  # no words: the body never runs
])
def test_each_reason_exactly(command, reason):
    assert bash_files(command, "/p").computed == reason


@pytest.mark.parametrize("command", [
    "grep --regexp=x .env", "grep --file=pats .env", "sed --expression=p .env",
    "grep -e x .env", "rg --regexp x .env"])
def test_a_pattern_given_by_an_option_leaves_the_first_word_a_file(command):
    assert (".env", "/p") in bash_files(command, "/p").reads
