"""A symbolic link to a denied file inside what a command searches or globs (red team,
stop 28): the link is printed under its own name, so by-name attribution cannot see it.

Each case runs the real command in a folder holding `.env`, a link `notes` to a key
outside it and ordinary files, and puts its real output through `apply_policy`.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from tests.policy.test_policy_apply import leaks, make_trace

from cctrace.policy import Policy, apply_policy, reach
from cctrace.policy.bash import bash_files

KEY = "value-k2j4h6g8z9x8c7v6"


@pytest.fixture
def project(tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(f"KEYLINE {KEY}\n")
    proj = tmp_path / "proj"
    (proj / "src").mkdir(parents=True)
    (proj / "src" / "a.py").write_text("KEYLINE = 1\n")
    (proj / "readme.txt").write_text("KEYLINE docs\n")
    os.symlink(home / ".ssh" / "id_rsa", proj / "notes")
    reach._REAL.clear()
    return Policy(home=str(home)), str(proj)


@pytest.mark.skipif(shutil.which("grep") is None, reason="needs grep")
@pytest.mark.parametrize("command", [
    "grep -R KEYLINE .",        # follows links while it recurses, names each line
    "grep -Rh KEYLINE .",       # ... without names
    "grep KEYLINE *",           # the shell's glob hands the link over as an argument
    "grep -n KEYLINE *",
    "cat *",
    "head -n 5 *",
    "find -L . -type f -exec cat {} +",
])
def test_a_link_to_a_denied_file_is_not_printed(project, command):
    policy, proj = project
    out = subprocess.run(["bash", "-c", command], cwd=proj, capture_output=True,
                         text=True, timeout=20).stdout
    assert KEY in out  # the command did print the key: the case is real
    trace = make_trace([("t1", "Bash", {"command": command}, out)], cwd=proj)
    apply_policy([trace], policy)
    assert not leaks(trace, KEY)


def test_without_links_the_searches_keep_their_output(project):
    policy, proj = project
    os.unlink(os.path.join(proj, "notes"))
    for command in ("grep -R KEYLINE .", "grep KEYLINE *", "cat *"):
        out = subprocess.run(["bash", "-c", command], cwd=proj, capture_output=True,
                             text=True, timeout=20).stdout
        trace = make_trace([("t1", "Bash", {"command": command}, out)], cwd=proj)
        apply_policy([trace], policy)
        tool = next(o for o in trace.observations if o.type == "tool")
        assert "KEYLINE docs" in str(tool.output), command


def test_following_searches_are_opaque_and_plain_ones_are_not():
    assert bash_files("grep -R x .", "/p").opaque == [(".", "/p")]
    assert bash_files("grep --dereference-recursive x d", "/p").opaque == [("d", "/p")]
    assert bash_files("rg -L x", "/p").opaque == [(".", "/p")]
    assert bash_files("rg --follow x src", "/p").opaque == [("src", "/p")]
    assert bash_files("grep -r x .", "/p").opaque == []
    assert bash_files("rg x src", "/p").opaque == []


def test_a_file_name_glob_looks_only_at_links_and_is_bounded(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "plain.txt").write_text("x")
    at = str(tmp_path / "d")
    assert reach.expanded_rule("*", at, policy) is None
    (tmp_path / "d" / ".netrc").write_text("x")  # hidden: `*` does not expand to it
    assert reach.expanded_rule("*", at, policy) is None
    os.symlink(tmp_path / "d" / ".netrc", tmp_path / "d" / "link")
    reach._REAL.clear()
    reach._LINKS.clear()  # listed once a run: the link made after the first look
    assert reach.expanded_rule("*", at, policy) == ".netrc"
    assert reach.expanded_rule("l*", at, policy) == ".netrc"
    assert reach.expanded_rule("p*", at, policy) is None
    os.unlink(tmp_path / "d" / "link")
    (tmp_path / "d" / "plain2.txt").write_text("x")
    monkeypatch.setattr(reach, "SCOPE_FILES", 3)  # .netrc, plain.txt, plain2.txt
    reach._LINKS.clear()
    assert reach.expanded_rule("*", at, policy) is None
    (tmp_path / "d" / "plain3.txt").write_text("x")
    reach._LINKS.clear()
    assert reach.expanded_rule("*", at, policy) == "* (unattributable output)"
    assert reach.expanded_rule("*.txt", at, policy) == "*.txt (unattributable output)"


def test_a_path_without_a_glob_is_not_expanded(tmp_path, monkeypatch):
    # No I/O for a plain path: `link_rule` already judges one that is a link.
    def refuse(pattern):
        raise AssertionError(f"expanded {pattern}")

    monkeypatch.setattr(reach.glob, "iglob", refuse)
    policy = Policy(home=str(tmp_path / "home"))
    for path in ("NOTES-X.txt", str(tmp_path / "NOTES-X.txt"), "a/b"):
        assert reach.expanded_rule(path, str(tmp_path), policy) is None


def test_a_file_name_glob_leaves_plain_files_to_their_names(tmp_path):
    # `grep x DIRX/*` with a key in DIRX: its lines carry `DIRX/id_rsa`, judged by name by
    # the output filter; the expansion looks only for links.
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / "DIRX").mkdir()
    (tmp_path / "DIRX" / "id_rsa").write_text("k")
    assert reach.expanded_rule("DIRX/*", str(tmp_path), policy) is None
    assert reach.expanded_rule("DIR?/id_rsa", str(tmp_path), policy) == (
        "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}")  # a glob in a folder: every match judged
