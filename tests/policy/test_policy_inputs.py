"""Exact values of `policy/inputs.py`: which strings of a tool input are judged as paths
(path-like keys at any depth, every short one-line string of an MCP tool, a `file:` URL
under any key read as a URL parser reads it) or as command lines (an MCP shell server's),
and the bounds of those walks past which an input cannot be cleared. `FILE:///`,
`file://localhost/`, `%2E` and a shell server's `command` were the second red team's
leaks. Run first by `bench/mutation.py -m policy.inputs`."""

from __future__ import annotations

import pytest

from cctrace.policy import inputs
from cctrace.policy.inputs import _input_paths


def test_input_paths_by_key_at_any_depth():
    tool_input = {"file_path": "/a/.env", "opts": {"File-Path": "b.pem", "n": 3},
                  "list": [{"dest": "c"}, "loose"], "text": "not a path key",
                  "url": "file:///etc/shadow", "paths": ["p1", {"x": "p2"}],
                  "long": {"path": "x" * 4097}, "nl": {"path": "a\nb"},
                  "edge": {"path": "y" * 4096}}
    assert sorted(_input_paths(tool_input, False)) == sorted(
        ["/a/.env", "b.pem", "c", "/etc/shadow", "p1", "p2", "y" * 4096])
    assert sorted(_input_paths({"q": "x", "n": ["y"], "m": "a\nb"}, True)) == ["x", "y"]
    # 4,096 in all; the authority read as a folder and as a host.
    assert _input_paths({"u": "file://" + "z" * 4089}, False) == ["z" * 4089, "//" + "z" * 4089]
    assert _input_paths({"u": "FILE:x"}, False) == ["x"]
    assert _input_paths({"u": "file:/%2Eenv"}, False) == ["/%2Eenv", "/.env"]
    assert _input_paths({"u": "file://" + "z" * 4090}, False) == []


def test_input_paths_depth_and_item_bounds():
    deep: dict = {"path": "bottom"}
    for _ in range(63):
        deep = {"a": deep}
    assert _input_paths(deep, False) == ["bottom"]  # 64 levels down: still read
    # 65: past the bound, so it cannot be cleared (None: the call is withheld).
    assert _input_paths({"a": deep}, False) is None
    assert _input_paths({"a": {"a": deep}}, False) is None
    assert _input_paths({"a": {"a": {"a": {}}}, "b": "x"}, False) == []  # empty: nothing
    # Lists count as levels too: a string 64 containers down is read, 65 is not.
    nested: object = "sixty-four"
    for _ in range(63):
        nested = [nested]
    assert _input_paths({"path": nested}, False) == ["sixty-four"]
    assert _input_paths({"path": [nested]}, False) is None
    # 2,000 items looked at (the list too): one more and the input cannot be cleared.
    assert len(_input_paths({"path": [f"f{i}" for i in range(1998)]}, False)) == 1998
    assert _input_paths({"path": [f"f{i}" for i in range(1999)]}, False) is None
    # The denied path first and a long list after it (LIFO: the path was never reached).
    assert _input_paths({"path": "/p/.env", "pad": ["x"] * 5000}, False) is None


@pytest.mark.parametrize("url,path", [
    ("file:///p/.env", "/p/.env"),
    ("FILE:///p/.env", "/p/.env"),
    ("File://localhost/p/.env", "/p/.env"),
    ("file://LOCALHOST/p/.env", "/p/.env"),
    ("file:///home/u/%2Eaws/config", "/home/u/.aws/config"),
    ("file://server/share/.env", "//server/share/.env"),
    ("file:.env", ".env"),
    ("file:", ""),
])
def test_file_url_path(url, path):
    assert inputs.file_url_path(url) == path


def test_a_url_the_parser_refuses_keeps_its_text_after_the_scheme():
    assert inputs.file_url_path("file://[x/.env") == "//[x/.env"


def test_commands_are_the_strings_with_blanks_within_bounds():
    assert sorted(inputs._commands({"a": "x y", "b": ["p\tq", "plain", 3], "c": {"d": "r\ns"},
                                   "e": "z" * 4095 + " "})) == sorted(
        ["x y", "p\tq", "r\ns", "z" * 4095 + " "])
    assert inputs._commands({"a": "z" * 4096 + " "}) == []
    deep: dict = {"cmd": "cat .env"}
    for _ in range(inputs._WALK_DEPTH):
        deep = {"k": deep}
    assert inputs._commands(deep) == []
    nested: dict = {"cmd": "cat .env"}
    for _ in range(inputs._WALK_DEPTH - 1):
        nested = {"k": nested}
    assert inputs._commands(nested) == ["cat .env"]
    # Walked last to first: the first item is the last looked at.
    # The input and the list count as items too.
    many = {"items": ["cat .env"] + ["a"] * (inputs._WALK_ITEMS - 2)}
    assert inputs._commands(many) == []
    assert inputs._commands({"items": ["cat .env"] + ["a"] * (inputs._WALK_ITEMS - 3)}) == [
        "cat .env"]


def test_commands_in_nested_lists_are_bounded_by_depth():
    deep: list = ["cat .env"]
    for _ in range(inputs._WALK_DEPTH - 1):
        deep = [deep]
    assert inputs._commands({"k": deep}) == []
    assert inputs._commands(deep) == ["cat .env"]
    assert inputs._commands([[["cat .env"]]]) == ["cat .env"]
