"""Structural withholding: every output shape the tools produce, and attacks on the parser.

Each case is a tool call whose output shows a denied file's content in some shape; after
`apply_policy` none of the planted values may remain anywhere in the trace, while the lines
of files that are not denied stay where the output can be attributed line by line.
"""

from __future__ import annotations

import pytest
from tests.policy.test_policy_apply import leaks, make_trace

from cctrace.policy import Policy, apply_policy
from cctrace.policy.bash import bash_files, bash_shape
from cctrace.policy.settings import path_denied
from cctrace.policy.shapes import OutputFilter, deny_literals

HOME = "/home/u"
POLICY = Policy(home=HOME)
V1, V2, V3 = "value-q7w3e9r1", "value-k2j4h6g8", "value-z9x8c7v6"
PEM_LINES = ["MIIEowIBAAKCAQEAq7w3e9r1Abc", "k2j4h6g8DefGhIjKlMnOpQrStUv",
             "z9x8c7v6WxYz0123456789+/ab"]


def run(name: str, tool_input: dict, output: str, cwd: str = "/p") -> tuple:
    trace = make_trace([("t1", name, tool_input, output)], cwd=cwd)
    result = apply_policy([trace], POLICY)
    tool = next(o for o in trace.observations if o.type == "tool")
    return trace, tool, result


def assert_gone(trace, *values: str) -> None:
    for value in values:
        assert not leaks(trace, value), value


GREP_SHAPES = {
    # rg -n -A: match line `P:N:`, context lines `P-N-`, `--` between groups
    "numbered context": (
        {"pattern": "BEGIN", "output_mode": "content", "-A": 30, "-n": True},
        "keys/server.pem:1:-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(f"keys/server.pem-{i + 2}-{line}" for i, line in enumerate(PEM_LINES))
        + "\n--\nnotes.txt:4:BEGIN here"),
    # without -n: `P:text` and `P-text`
    "unnumbered context": (
        {"pattern": "DB_PORT", "output_mode": "content", "-C": 2},
        f".env-DB_HOST={V1}\n.env:DB_PORT=5432\n.env-DB_USER={V2}\n--\n"
        "notes.txt:DB_PORT documented"),
    "path with a space": (
        {"pattern": "SPACED", "output_mode": "content", "-n": True},
        f"my dir/.env:1:SPACED={V1}\nmy dir/.env-2-OTHER={V2}\nnotes.txt:3:SPACED ok"),
    "dashes in the path": (
        {"pattern": "x", "output_mode": "content", "-A": 1},
        f"my-proj/.env.local-2-X={V1}\nmy-proj/.env.local:1:x={V2}\nsrc/a-b.py:1:x=1"),
    "heading": (
        {"pattern": "DB", "output_mode": "content", "-n": True},
        f"notes.txt\n1:DB ok\n\n.env\n2:DB_HOST={V1}\n3-DB_USER={V2}\n"),
    "multiline": (
        {"pattern": "A.*\\n.*B", "output_mode": "content", "multiline": True},
        f".env:A={V1}\n.env:B={V2}\nnotes.txt:A then B"),
    "case": (
        {"pattern": "X", "output_mode": "content", "-n": True},
        f"config/.ENV:1:X={V1}\nKEYS/ID_RSA:2:{V2}\nnotes.txt:1:X"),
    "relative and home forms": (
        {"pattern": "X", "output_mode": "content", "-n": True, "path": "/home/u"},
        f"./.aws/credentials:1:{V1}\n../.ssh/config:2:{V2}\nnotes.txt:1:X"),
    "count": (
        {"pattern": "X", "output_mode": "count"},
        f".env:{V1}\nnotes.txt:3"),
}


@pytest.mark.parametrize("case", list(GREP_SHAPES), ids=list(GREP_SHAPES))
def test_grep_shapes(case: str) -> None:
    tool_input, output = GREP_SHAPES[case]
    trace, tool, _ = run("Grep", tool_input, output, cwd="/home/u/proj"
                         if case == "relative and home forms" else "/p")
    assert_gone(trace, V1, V2, *PEM_LINES)


def test_numbered_output_keeps_other_files_lines() -> None:
    trace, tool, result = run("Grep", *GREP_SHAPES["numbered context"])
    assert tool.output.splitlines()[-1] == "notes.txt:4:BEGIN here"
    assert tool.output.count("[WITHHELD:path-policy *.pem]") == 4
    assert result.stats["withheld_lines"] >= 8  # tool output and generation input


def test_unattributable_output_is_withheld_whole() -> None:
    trace, tool, _ = run("Grep", *GREP_SHAPES["unnumbered context"])
    assert tool.output == "[WITHHELD:path-policy .env*]"


def test_files_with_matches_is_names_only() -> None:
    out = "Found 2 files\n.env\nnotes.txt"
    trace, tool, _ = run("Grep", {"pattern": "x"}, out)
    assert tool.output == out


def test_grep_glob_naming_denied_files_withholds_the_output() -> None:
    out = "keys/server.pem:1:-----BEGIN\n" + "\n".join(PEM_LINES)
    for glob in ("*.pem", "*.{pem,txt}", "**/.env*"):
        trace, tool, _ = run("Grep", {"pattern": "BEGIN", "glob": glob,
                                      "output_mode": "content", "-A": 30}, out)
        assert_gone(trace, *PEM_LINES)


BASH_SHAPES = {
    "grep -rn -A": ("grep -rn -A 3 BEGIN .",
                    "./k.pem:1:-----BEGIN\n" + "\n".join(f"./k.pem-{i}-{x}" for i, x in
                                                          enumerate(PEM_LINES, 2))),
    "grep -r without -n": ("grep -r DB .", f"./.env:DB={V1}\n./a.py:DB = 1"),
    "rg -C": ("rg -C 2 DB_PORT", f".env-DB_HOST={V1}\n.env:DB_PORT=1\n.env-X={V2}"),
    "git grep": ("git grep -n -B1 DB", f".env-1-A={V1}\n.env:2:DB={V2}"),
    "head of many": ("head -n 5 *", f"==> a.txt <==\nhello\n\n==> .env <==\nA={V1}\nB={V2}"),
    "tail of many": ("tail -n +1 notes.txt .env.local", f"==> .env.local <==\nA={V1}"),
    "find -exec cat": ("find . -name '*.pem' -exec cat {} \\;", "\n".join(PEM_LINES)),
    "find -exec grep": ("find . -type f -exec grep -H DB {} +", f"./.env:DB={V1}"),
    "sed": ("sed -n '1,5p' .env", f"A={V1}"),
    "awk": ("awk -F= '{print $2}' ./.env", V1),
    "loop printing names": ('for f in .e*; do echo "== $f"; cat "$f"; done',
                            f"== .env\nA={V1}\nB={V2}"),
    "python heredoc": ("python3 - <<'EOF'\nprint(open('.env').read())\nEOF", f"A={V1}"),
    "python here-string": ('python3 <<< "print(open(\'.env\').read())"', f"A={V1}"),
    "node heredoc": ("node <<EOF\nconsole.log(require('fs').readFileSync('.env', 'utf8'))\nEOF",
                     f"A={V1}"),
    "ruby heredoc": ("ruby <<-EOF\n\tputs File.read('config/.env.production')\n\tEOF", f"A={V1}"),
    "perl heredoc": ("perl <<'X'\nopen(F, '<', \"$ENV{HOME}/.ssh/id_ed25519\"); print <F>;\nX",
                     f"{V1}"),
    "bash -s heredoc": ("bash -s <<EOF\ncat ~/.aws/credentials\nEOF", f"key={V1}"),
    "sh heredoc": ("sh <<'EOF'\ncd secrets && cat plan.txt\nEOF", f"{V1}"),
    "python path join": ("python3 - <<'EOF'\nimport os\nh = os.path.expanduser('~')\n"
                         "print(open(os.path.join(h, '.aws', 'credentials')).read())\nEOF",
                         f"{V1}"),
    "pathlib": ("python3 -c \"from pathlib import Path; "
                "print((Path.home() / '.ssh' / 'id_rsa').read_text())\"", f"{V1}"),
    "piped script": ("echo \"print(open('.env').read())\" | python3", f"A={V1}"),
    "cat heredoc into python": ("cat <<EOF | python3\nprint(open('.env').read())\nEOF",
                                f"A={V1}"),
    "quoted path": ("cat './.env'", f"A={V1}"),
    "home var": ('cat "$HOME/.ssh/id_rsa"', f"{V1}"),
    "dotdot": ("cat ../proj/.env", f"A={V1}"),
    "glob only a denied file matches": ("cat .e*", f"A={V1}"),
    "glob with a class": ("head -n 3 keys/*.p?m", "\n".join(PEM_LINES)),
    "hidden glob": ("tail -n 1 .*", f"A={V1}"),
    "symlink made in the command": ("ln -sf .env e.txt && cat e.txt", f"A={V1}"),
    "IFS": ("cat${IFS}.env", f"A={V1}"),
    "brace expansion": ("{cat,.env}", f"A={V1}"),
    "brace inside a name": ("cat .e{n,}v", f"A={V1}"),
    "one-character glob": ("cat .en?", f"A={V1}"),
    # Contents printed with no file name: cleared only when no denied file is in reach.
    "grep -rh": ('grep -rh "" .', f"A={V1}"),
    "rg -I": ('rg -I -N ""', f"A={V1}"),
    "git grep -h": ('git grep -h ""', f"A={V1}"),
    "find -exec cat without a name": ("find . -type f -exec cat {} +", f"A={V1}"),
    "xargs cat": ("find . -type f | xargs cat", f"A={V1}"),
    "cat star": ("cat *", f"A={V1}"),
    "home variable in a script": ("python3 -c \"import os; print(open(os.environ['HOME'] + "
                                  "'/.docker/config.json').read())\"", V1),
    "concatenated name": ("python3 -c \"print(open('.e' + 'nv').read())\"", f"A={V1}"),
    "colours": ("rg --color=always -n DB",
                f"\x1b[35m.env\x1b[0m:\x1b[32m1\x1b[0m:DB={V1}\nnotes.txt:1:DB"),
    "NUL after the name": ("grep -rZ DB .", f"./.env\x00DB={V1}\n./a.txt\x00DB"),
    "git diff": ("git diff", f"diff --git a/.env b/.env\n--- a/.env\n+++ b/.env\n+A={V1}"),
    # Lines that merely look numbered (dates) or hold a colon are not grep lines.
    "script printing a name then dated lines": (
        "python3 report.py", f"== .env\nSTAMP=2024-01-01 {V1}\nURL=http://x:8080/{V2}"),
    "script with colons": ("node dump.js", f".env: loaded\nA=http://h:1/{V1}"),
}


@pytest.mark.parametrize("case", list(BASH_SHAPES), ids=list(BASH_SHAPES))
def test_bash_shapes(case: str) -> None:
    command, output = BASH_SHAPES[case]
    trace, tool, _ = run("Bash", {"command": command}, output, cwd="/home/u/proj")
    assert_gone(trace, V1, V2, *PEM_LINES)


def test_background_shell_output_is_filtered_too() -> None:
    trace, _, _ = run("BashOutput", {"bash_id": "b1"}, f"==> .env <==\nA={V1}")
    assert_gone(trace, V1)


def test_harmless_outputs_stay() -> None:
    listing = "total 8\n-rw-r--r-- 1 u u 10 Jan 1 12:00 .env\n-rw-r--r-- 1 u u 5 Jan 1 12:00 a"
    for name, tool_input, out in [
        ("Bash", {"command": "ls -la"}, listing),
        ("Bash", {"command": "ls -a"}, ".\n..\n.env\nnotes.txt"),
        ("Bash", {"command": "find . -name '*.py'"}, "./a.py\n./b.py"),
        ("Bash", {"command": "grep -rl DB ."}, "./.env\n./notes.txt"),
        ("Bash", {"command": "rg -n TODO src"}, "src/a.py:1:# TODO x\nsrc/b.py:2:# TODO y"),
        ("Bash", {"command": "pytest -q"}, "...\n3 passed in 0.1s"),
        ("Grep", {"pattern": "x", "output_mode": "content"}, "src/a.py:1:x\nsrc/b.py:2:x"),
    ]:
        trace, tool, _ = run(name, tool_input, out)
        assert tool.output == out, (tool_input, tool.output)


MCP_CASES = [
    ("mcp__fs__read_text_file", {"path": "/p/.env"}),
    ("mcp__fs__read_file", {"filePath": "~/.ssh/id_rsa"}),
    ("mcp__files__open", {"FILE-PATH": "/p/server.pem"}),
    ("mcp__x__read", {"request": {"files": [{"location": "/p/.env.production"}]}}),
    ("mcp__x__read", {"uri": "file:///home/u/.aws/credentials"}),
    ("mcp__x__run", {"query": "/p/.env", "limit": 5}),
    ("NotebookEdit", {"notebook_path": "/p/secrets/n.ipynb", "new_source": V1}),
    ("Read", {"file_path": "/p/.env", "offset": 10, "limit": 5}),
    ("WebFetch", {"url": "file:///home/u/.ssh/id_rsa", "prompt": "show"}),
]


@pytest.mark.parametrize("name,tool_input", MCP_CASES, ids=[f"{n}-{i}" for i, (n, _) in
                                                          enumerate(MCP_CASES)])
def test_file_tools_by_any_argument_name(name: str, tool_input: dict) -> None:
    trace, tool, _ = run(name, tool_input, f"A={V1}\nB={V2}")
    assert_gone(trace, V1, V2)


def test_deny_literals_cover_every_default_pattern() -> None:
    lits = deny_literals(POLICY)
    assert lits is not None and ".env" in lits and ".pem" in lits and "id_rsa" in lits
    assert deny_literals(Policy(home=HOME, deny_paths=("*",))) is None


def test_inside_a_denied_folder_every_relative_name_counts() -> None:
    f = OutputFilter("/home/u/.aws", POLICY)
    assert f.literals is None
    assert f.text(f"credentials:1:{V1}", context=False) != f"credentials:1:{V1}"


def test_heredoc_data_is_not_a_command_but_its_paths_count() -> None:
    found = bash_files("cat > notes.md <<'EOF'\nnever cat .env here\nEOF", "/p")
    assert any(path_denied(p, c, POLICY) for p, c in found.reads)
    assert not bash_files("python3 - <<'EOF'\nprint(1)\nEOF", "/p").all() or all(
        not path_denied(p, c, POLICY) for p, c in bash_files(
            "python3 - <<'EOF'\nprint(1)\nEOF", "/p").all())


def test_bash_shape_flags() -> None:
    assert bash_shape("grep -rnA3 x .")["context"]
    assert bash_shape("rg -C2 x")["context"] and bash_shape("grep -5 x f")["context"]
    assert not bash_shape("grep -rn x .")["context"]
    assert bash_shape("ls -la && find . -name x")["listing"]
    assert not bash_shape("find . -exec cat {} +")["listing"]
    assert not bash_shape("ls; cat a")["listing"]


def test_a_symbolic_link_to_a_denied_file_is_followed(tmp_path) -> None:
    (tmp_path / ".env").write_text(f"A={V1}\n")
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env")
    for name, tool_input in [("Bash", {"command": "cat notes.txt"}),
                             ("Read", {"file_path": str(tmp_path / "notes.txt")})]:
        trace, tool, _ = run(name, tool_input, f"A={V1}", cwd=str(tmp_path))
        assert_gone(trace, V1)


def test_nameless_output_is_kept_where_no_denied_file_is_in_reach(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    for command in ('grep -rh "" .', "find . -type f -exec cat {} +", "cat *"):
        trace, tool, _ = run("Bash", {"command": command}, "hello", cwd=str(tmp_path))
        assert tool.output == "hello", command
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "server.pem").write_text(PEM_LINES[0])
    trace, tool, _ = run("Bash", {"command": 'grep -rh "" .'}, PEM_LINES[0],
                         cwd=str(tmp_path))
    assert_gone(trace, PEM_LINES[0])


def test_background_command_output_read_later_is_withheld() -> None:
    trace = make_trace([("b1", "Bash", {"command": "cat .env; sleep 60",
                                        "run_in_background": True}, "started: shell 7"),
                        ("b2", "BashOutput", {"bash_id": "7"}, f"A={V1}"),
                        ("b3", "TaskOutput", {"task_id": "7"}, f"A={V2}")])
    apply_policy([trace], POLICY)
    assert_gone(trace, V1, V2)


def test_a_denied_path_padded_past_the_read_window_is_not_kept():
    """A grep line whose path is longer than what the filter reads of a line (1 KiB) still
    names a denied file: the deny literal past the window withholds it."""
    from cctrace.config import Config
    from cctrace.policy import Policy
    from cctrace.policy.shapes import OutputFilter

    deep = "/".join(["d" * 60] * 20)  # ~1,220 characters of folders
    secret = "DB_PASSWORD=pw-9f8e7d6c5b4a3f2e"
    out = f"{deep}/.env:3:{secret}\nsrc/app.py:10:import os"
    lines = OutputFilter("/work", Policy.from_config(Config(state_dir="/tmp/x")))
    got = lines.text(out, grep=True, context=False)
    assert "pw-9f8e7d6c5b4a3f2e" not in got and "WITHHELD" in got


@pytest.mark.parametrize("case,want", [
    # The two leaks the issue found: a match line whose path holds a space, and context
    # lines (`P-N-text`). Both are withheld line by line; the other file's line stays.
    ("path with a space", "my dir/.env:[WITHHELD:path-policy .env*]\n"
                          "my dir/.env:[WITHHELD:path-policy .env*]\nnotes.txt:3:SPACED ok"),
    ("dashes in the path", "my-proj/.env.local:[WITHHELD:path-policy .env*]\n"
                           "my-proj/.env.local:[WITHHELD:path-policy .env*]\nsrc/a-b.py:1:x=1"),
    ("numbered context", "keys/server.pem:[WITHHELD:path-policy *.pem]\n"
                         + "keys/server.pem:[WITHHELD:path-policy *.pem]\n" * 3
                         + "--\nnotes.txt:4:BEGIN here"),
])
def test_grep_shapes_exact_output(case: str, want: str) -> None:
    trace, tool, _ = run("Grep", *GREP_SHAPES[case])
    assert tool.output == want
