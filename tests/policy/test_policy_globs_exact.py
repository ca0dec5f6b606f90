"""Policy globs at their edges: which kind of match each pattern gets, `~` and `$HOME`,
home folders whose names end in letters a sloppy strip would eat, error messages.

Written against the mutants `bench/mutation.py -m policy.globs` left alive. A denied path
is asserted by its exact rule; a path that is not denied by `None`.
"""

from __future__ import annotations

import pytest

from cctrace.policy import Policy, path_denied
from cctrace.policy.globs import compile_glob, first_match, normalize

HOME = "/home/u"
POLICY = Policy(home=HOME)


def only(*patterns: str, home: str = HOME) -> Policy:
    return Policy(home=home, deny_paths=patterns, use_default_deny=False)


def test_a_basename_pattern_matches_the_whole_basename_only():
    assert path_denied("/p/x.env", None, POLICY) is None
    assert path_denied("/p/.env/notes.txt", None, POLICY) is None
    assert path_denied("/p/.env", None, POLICY) == ".env*"


def test_an_anchored_pattern_matches_from_the_root_only():
    policy = only("/srv/vault/**")
    assert path_denied("/srv/vault/db.txt", None, policy) == "/srv/vault/**"
    assert path_denied("/home/srv/vault/db.txt", None, policy) is None
    assert path_denied("/srv/vault2/db.txt", None, policy) is None


def test_an_anywhere_pattern_matches_at_a_folder_boundary():
    policy = only("config/master.key")
    assert path_denied("/p/config/master.key", None, policy) == "config/master.key"
    assert path_denied("config/master.key", None, policy) == "config/master.key"
    assert path_denied("/p/myconfig/master.key", None, policy) is None
    assert path_denied("/p/config/master.key.txt", None, policy) is None


def test_an_empty_pattern_is_refused_by_name():
    with pytest.raises(ValueError, match="^empty path pattern$"):
        compile_glob("  ", HOME)


def test_tilde_alone_is_the_home_folder():
    policy = only("~")
    assert path_denied("/home/u", None, policy) == "~"
    assert path_denied("~", None, policy) == "~"
    assert path_denied("/home/u/notes.txt", None, policy) is None


@pytest.mark.parametrize("home", ["/home/AX", "/home/AX/"])
def test_a_home_folder_ending_in_x_is_kept_whole(home):
    policy = Policy(home=home)
    assert path_denied("/home/AX/.ssh/config", None, policy) == "~/.ssh/**"
    assert path_denied("~/.ssh/config", None, policy) == "~/.ssh/**"
    assert path_denied("$HOME/.ssh/config", None, policy) == "~/.ssh/**"
    assert path_denied("${HOME}/.ssh/config", None, policy) == "~/.ssh/**"
    assert path_denied("config", "~/.ssh", policy) == "~/.ssh/**"
    assert normalize("~/.ssh", None, home) == "/home/AX/.ssh"
    assert normalize("~", None, home) == "/home/AX"


def test_backslashes_are_folder_separators_on_windows(monkeypatch):
    import os
    compile_glob.cache_clear()
    monkeypatch.setattr(os, "sep", "\\")
    try:
        glob = compile_glob("keys\\id_*", HOME)
        assert glob.kind == "anywhere"
        assert glob.matches("/p/keys/id_x", "id_x")
        assert normalize("\\p\\.env", None, HOME) == "/p/.env"
        assert first_match((glob,), "p\\keys\\id_x", None, HOME) is glob
    finally:
        monkeypatch.undo()
        compile_glob.cache_clear()
    assert compile_glob("keys\\id_*", HOME).kind == "basename"


def test_trailing_slashes_are_dropped_down_to_the_root():
    assert path_denied("/p/k", None, only("k/")) == "k/"
    assert path_denied("/srv/X", None, only("/srv/X/")) == "/srv/X/"
    assert path_denied("/srv/X", None, only("/srv/X")) == "/srv/X"
    assert path_denied("/srv", None, only("/srv/X")) is None
    assert path_denied("/", None, only("//")) == "//"
    assert compile_glob("/", HOME).kind == "anchored"


def test_kinds_and_flags_of_each_form():
    assert compile_glob(".env*", HOME).kind == "basename"
    assert compile_glob("/srv/vault/**", HOME).kind == "anchored"
    assert compile_glob("~/.ssh/**", HOME).kind == "anchored"
    assert compile_glob("config/master.key", HOME).kind == "anywhere"
    assert compile_glob("**/secrets/**", HOME).kind == "anywhere"
    for pattern, path in [("/srv/vault/**", "/SRV/Vault/a\nb"),
                          ("config/*.key", "/p/CONFIG/a\nb.KEY"), (".env*", "/p/.ENV\nx")]:
        policy = only(pattern)
        assert path_denied(path, None, policy) == pattern, (pattern, path)


def test_normalize_exact():
    assert normalize("/srv/x", "/p", HOME) == "/srv/x"
    assert normalize("a", "/srv/X", HOME) == "/srv/X/a"
    assert normalize("a", "/srv/X/", HOME) == "/srv/X/a"
    assert normalize("a", None, HOME) == "a"
    assert normalize("a", "rel", HOME) == "a"
    assert normalize("../.env", "/p/sub", HOME) == "/p/.env"
    # On POSIX a backslash is part of a name.
    assert normalize("/p/a\\.env", None, HOME) == "/p/a\\.env"
    assert normalize("$HOME/.ssh/id", None, "/home/AX") == "/home/AX/.ssh/id"
    assert normalize("${HOME}/.ssh/id", None, "/home/AX/") == "/home/AX/.ssh/id"
    assert normalize("$HOMEX/id", None, HOME) == "$HOMEX/id"


def test_a_blank_path_matches_nothing_even_in_a_denied_folder():
    globs = Policy(home=HOME)._deny  # type: ignore[attr-defined]
    assert first_match(globs, "  ", "/home/u/.ssh", HOME) is None
    assert first_match(globs, "", "/home/u/.ssh", HOME) is None
    assert first_match(globs, ".", "/home/u/.ssh", HOME).text == "~/.ssh/**"


def test_a_path_written_with_backslashes_is_also_read_with_slashes():
    # `keys\.env` as written in a Windows-style command names `.env` in `keys`.
    assert path_denied("keys\\.env", None, POLICY) == ".env*"
    assert path_denied("keys\\id_rsa", "/p", POLICY) == "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"


def test_a_basename_ending_in_x():
    assert path_denied("/p/X", None, only("X")) == "X"
    assert path_denied("/p/AX", None, only("AX")) == "AX"


GLOB_TABLE = [
    # `**/` at the start: zero or more whole folders
    ("**/a.txt", "/p/a.txt", True), ("**/a.txt", "/p/q/r/a.txt", True),
    ("**/a.txt", "/p/xa.txt", False),
    # `**/` in the middle
    ("/r/**/a.txt", "/r/a.txt", True), ("/r/**/a.txt", "/r/x/y/a.txt", True),
    ("/r/**/a.txt", "/r/xa.txt", False), ("/r/**/a.txt", "/rx/a.txt", False),
    # trailing `/**`: the folder itself and everything below
    ("/r/s/**", "/r/s", True), ("/r/s/**", "/r/s/t/u", True), ("/r/s/**", "/r/st", False),
    ("/r/s/**", "/r", False),
    # `**` that is not a whole part spans folders too
    ("/r/a**", "/r/ab/c", True), ("/r/**b", "/r/x/yb", True), ("/r/a**", "/q/ab", False),
    ("/r/**", "/r/x", True), ("/r/a**b", "/r/ac", False), ("/r/a**b", "/r/a/cb", True),
    # a `]` before a class is a character, and so is one at the very end
    ("/r/]x[!a]", "/r/]xb", True), ("/r/]x[!a]", "/r/]xa", False),
    ("/r/][ab]", "/r/]a", True), ("/r/][ab]", "/r/]c", False),
    # `*` and `?` stay inside one folder
    ("/r/*.txt", "/r/a.txt", True), ("/r/*.txt", "/r/a/b.txt", False),
    ("/r/?.txt", "/r/a.txt", True), ("/r/?.txt", "/r/ab.txt", False),
    ("/r/?.txt", "/r//.txt", False),
    # classes
    ("/r/[ab].txt", "/r/a.txt", True), ("/r/[ab].txt", "/r/c.txt", False),
    ("/r/[!ab].txt", "/r/c.txt", True), ("/r/[!ab].txt", "/r/a.txt", False),
    ("/r/[^ab].txt", "/r/c.txt", True), ("/r/[^ab].txt", "/r/b.txt", False),
    ("/r/[\\]x", "/r/\\x", True),
    # an unclosed `[` is a character
    ("/r/[ab", "/r/[ab", True), ("/r/[ab", "/r/a", False),
    # everything else is literal
    ("/r/a.b", "/r/axb", False), ("/r/a+b(c)", "/r/a+b(c)", True),
    ("/r/a+b(c)", "/r/aab(c)", False), ("/r/a|b", "/r/a", False),
]


@pytest.mark.parametrize("pattern,path,denied", GLOB_TABLE)
def test_glob_syntax(pattern, path, denied):
    policy = only(pattern)
    assert path_denied(path, None, policy) == (pattern if denied else None)


def test_translated_bodies():
    from cctrace.policy.globs import _translate
    assert _translate("**/a") == "(?:.*/)?a"
    assert _translate("a/**") == "a(?:/.*)?"
    assert _translate("a**") == "a.*"
    assert _translate("**") == ".*"
    assert _translate("*?") == "[^/]*[^/]"
    assert _translate("[!a]") == "[^a]"
    assert _translate("[^a]") == "[^a]"
    assert _translate("[\\]") == "[\\\\]"
    assert _translate("[a") == "\\[a"
    assert _translate("a.b") == "a\\.b"
