"""Exact values of `policy/reach.py`: which deny rule a path reaches on this machine beyond
its text, for a folder whose files a command prints without their names (`scope_rule`) and
a symbolic link made by an earlier call (`link_rule`, its resolution cache and bounds),
the example names of the deny patterns (`_examples`) and a folder's links (`_links_in`).
A glob in a path's name or folders (`glob_rule`, `expanded_rule`) is tested with the calls
that use it, in `test_policy_apply_exact.py` and `test_policy_words.py`. Run first by
`bench/mutation.py -m policy.reach` and `-m policy.reach.examples`."""

from __future__ import annotations

import os

from cctrace.policy import reach
from cctrace.policy.settings import Policy


def test_scope_rule(tmp_path):
    policy = Policy(home=str(tmp_path / "home"))
    clean = tmp_path / "clean"
    (clean / "sub").mkdir(parents=True)
    (clean / "sub" / "a.txt").write_text("x")
    assert reach.scope_rule(str(clean), None, policy) is None
    (clean / "sub" / ".env").write_text("x")
    assert reach.scope_rule(str(clean), None, policy) == ".env*"
    assert reach.scope_rule("clean", str(tmp_path), policy) == ".env*"
    assert reach.scope_rule(str(tmp_path / "gone"), None, policy) == (
        f"{tmp_path / 'gone'} (unattributable output)")
    assert reach.scope_rule("rel", None, policy) == "rel (unattributable output)"
    # A folder denied itself: its rule, even when nothing in it is denied by name.
    (tmp_path / "secrets").mkdir()
    assert reach.scope_rule(str(tmp_path / "secrets"), None, policy) == "**/secrets/**"


def test_scope_rule_gives_up_on_a_big_folder(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    big = tmp_path / "big"
    big.mkdir()
    for i in range(4):
        (big / f"f{i}.txt").write_text("x")
    monkeypatch.setattr(reach, "SCOPE_FILES", 4)
    assert reach.scope_rule(str(big), None, policy) is None  # 4 seen: not over the bound
    (big / "f4.txt").write_text("x")
    assert reach.scope_rule(str(big), None, policy) == f"{big} (unattributable output)"


def test_link_rule(tmp_path):
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / ".env").write_text("K=v")
    (tmp_path / "plain.txt").write_text("x")
    os.symlink(tmp_path / ".env", tmp_path / "notes.txt")
    os.symlink(tmp_path / "plain.txt", tmp_path / "alias.txt")
    reach._REAL.clear()
    assert reach.link_rule(str(tmp_path / "notes.txt"), None, policy) == ".env*"
    assert reach.link_rule("notes.txt", str(tmp_path), policy) == ".env*"
    assert reach.link_rule(str(tmp_path / "alias.txt"), None, policy) is None
    assert reach.link_rule(str(tmp_path / "plain.txt"), None, policy) is None
    # The length bound is 4,096 characters as written (`/./` runs normalise away).
    def padded(n: int) -> str:
        link = str(tmp_path / "notes.txt")
        pad = n - len(link)
        text = "/." * (pad // 2) + (link if pad % 2 == 0 else link.replace("/notes", "//notes"))
        assert len(text) == n
        return text

    assert reach.link_rule(padded(4096), None, policy) == ".env*"
    assert reach.link_rule(padded(4097), None, policy) is None
    for bad in ("", "  ", "a\0b", "x" * 4097, 3, "relative-no-cwd"):
        assert reach.link_rule(bad, None, policy) is None, bad
    # Resolved once per run: a link changed later in the same run is not looked at again.
    assert reach._REAL[str(tmp_path / "notes.txt")] == str(tmp_path / ".env")


def test_the_resolution_cache_is_bounded(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    reach._REAL.clear()
    reach._REAL.update({f"/k{i}": f"/k{i}" for i in range(8193)})
    reach.link_rule(str(tmp_path / "x"), None, policy)
    assert len(reach._REAL) == 1
    reach._REAL.clear()
    reach._REAL.update({f"/k{i}": f"/k{i}" for i in range(8192)})
    reach.link_rule(str(tmp_path / "x"), None, policy)
    assert len(reach._REAL) == 8193


def test_examples_name_a_file_each_deny_pattern_matches():
    policy = Policy(home="/h", use_default_deny=False, deny_paths=(
        ".env*", "**/*.pem", "{a,b}.key", "**/secrets/**", "id_[rd]sa*", "  cred?.json ",
        "**", "~/.ssh/*"))
    reach._EXAMPLES.clear()
    assert reach._examples(policy) == [
        (".envx", ".env*"), (".env", ".env*"),
        ("x.pem", "**/*.pem"), (".pem", "**/*.pem"),
        ("a.key", "{a,b}.key"), ("a.key", "{a,b}.key"),
        ("b.key", "{a,b}.key"), ("b.key", "{a,b}.key"),
        ("secrets", "**/secrets/**"), ("secrets", "**/secrets/**"),
        ("id_rsax", "id_[rd]sa*"), ("id_rsa", "id_[rd]sa*"),
        ("credx.json", "  cred?.json "), ("credx.json", "  cred?.json "),
        ("x", "~/.ssh/*"), ("", "~/.ssh/*"),
    ]
    # Made once per list of patterns: the same list is the same answer, another is new.
    assert list(reach._EXAMPLES) == [(".env*", "**/*.pem", "{a,b}.key", "**/secrets/**",
                                      "id_[rd]sa*", "  cred?.json ", "**", "~/.ssh/*")]
    assert reach._examples(policy) is reach._examples(policy)
    other = Policy(home="/h", use_default_deny=False, deny_paths=("*.p12",))
    assert reach._examples(other) == [("x.p12", "*.p12"), (".p12", "*.p12")]
    assert len(reach._EXAMPLES) == 2


def test_links_in_lists_a_folders_links_once_a_run(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    os.symlink(tmp_path / "a.txt", tmp_path / "l1")
    os.symlink(tmp_path / "gone", tmp_path / "l2")  # a dangling link is a link too
    (tmp_path / "sub").mkdir()
    reach._LINKS.clear()
    links, too_many = reach._links_in(str(tmp_path))
    assert (sorted(links), too_many) == (["l1", "l2"], False)
    os.symlink(tmp_path / "a.txt", tmp_path / "l3")
    assert sorted(reach._links_in(str(tmp_path))[0]) == ["l1", "l2"]  # listed once a run
    assert reach._links_in(str(tmp_path / "none")) == ([], False)
    assert reach._LINKS[str(tmp_path / "none")] == ([], False)


def test_links_in_stops_past_the_scope_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(reach, "SCOPE_FILES", 3)
    for name in ("l1", "l2", "l3"):
        os.symlink(tmp_path / "x", tmp_path / name)
    reach._LINKS.clear()
    links, too_many = reach._links_in(str(tmp_path))
    assert (sorted(links), too_many) == (["l1", "l2", "l3"], False)  # 3: not over
    os.symlink(tmp_path / "x", tmp_path / "l4")
    reach._LINKS.clear()
    links, too_many = reach._links_in(str(tmp_path))
    assert (len(links), too_many) == (3, True)  # the fourth entry ends the listing


def test_links_in_cache_is_bounded(tmp_path):
    reach._LINKS.clear()
    reach._LINKS.update({f"/k{i}": ([], False) for i in range(1025)})
    reach._links_in(str(tmp_path))
    assert list(reach._LINKS) == [str(tmp_path)]
    reach._LINKS.clear()
    reach._LINKS.update({f"/k{i}": ([], False) for i in range(1024)})
    reach._links_in(str(tmp_path))
    assert len(reach._LINKS) == 1025


def test_expanded_rule_lists_no_folder_for_a_plain_path(tmp_path, monkeypatch):
    def refuse(folder):
        raise AssertionError(f"listed {folder}")

    monkeypatch.setattr(reach, "_links_in", refuse)
    policy = Policy(home=str(tmp_path / "home"))
    for path in ("NOTES-X.txt", str(tmp_path / "NOTES-X.txt"), "a/b"):
        assert reach.expanded_rule(path, str(tmp_path), policy) is None


def test_expanded_rule_needs_a_folder_to_expand_in(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "a.txt").write_text("x")
    monkeypatch.chdir(tmp_path)  # never the process's own folder
    assert reach.expanded_rule("sec*s/a.txt", None, policy) is None
    assert reach.expanded_rule("sec*s/a.txt", str(tmp_path), policy) == "**/secrets/**"


def test_expanded_rule_of_a_name_glob_at_the_root_lists_the_root(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(reach, "_links_in", lambda folder: asked.append(folder) or ([], False))
    policy = Policy(home=str(tmp_path / "home"))
    assert reach.expanded_rule("/zz*", None, policy) is None
    assert reach.expanded_rule(str(tmp_path / "zz*"), None, policy) is None
    assert asked == ["/", str(tmp_path)]


def test_expanded_rule_a_dot_glob_expands_to_hidden_links(tmp_path):
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".netrc").write_text("x")
    os.symlink(tmp_path / "d" / ".netrc", tmp_path / "d" / ".hidden")
    reach._REAL.clear()
    reach._LINKS.clear()
    at = str(tmp_path / "d")
    assert reach.expanded_rule(".h*", at, policy) == ".netrc"
    assert reach.expanded_rule("*", at, policy) is None  # `*` does not expand to it
    assert reach.expanded_rule("?hidden", at, policy) is None
