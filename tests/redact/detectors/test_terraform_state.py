"""`detectors/terraform_state.py`: the string values a Terraform state (or a plan shown as
JSON) marks sensitive are found over exactly the value, also in a JSON string; attributes
it does not mark, and other instances' values, stay byte-identical."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

PW = 'Tf$tat3 "Pw"!2024'
RESULT = "q8Lm2Xv4Kp7Wn3Rt6Yb1"


def _state() -> dict[str, Any]:
    return {"version": 4, "resources": [
        {"mode": "managed", "type": "aws_db_instance", "name": "main", "instances": [{
            "attributes": {"arn": "arn:aws:rds:us-east-1:123456789012:db:main",
                           "password": PW, "username": "admin", "tags": {"team": "db"}},
            "sensitive_attributes": [
                [{"type": "get_attr", "value": "password"}],
                [{"type": "get_attr", "value": "tags"},
                 {"type": "index", "value": {"value": "team", "type": "string"}}]]}]},
        {"mode": "managed", "type": "random_password", "name": "db", "instances": [{
            "attributes": {"length": 20, "result": RESULT, "special": False},
            "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]}]},
        {"mode": "managed", "type": "random_pet", "name": "p", "instances": [{
            "attributes": {"result": "lucky-otter", "id": "not-marked-here"},
            "sensitive_attributes": []}]}]}


def _plan() -> dict[str, Any]:
    return {"values": {"root_module": {"resources": [{
        "address": "aws_db_instance.main",
        "values": {"password": PW, "username": "admin", "tags": {"a": "b"}},
        "sensitive_values": {"password": True, "tags": {}, "username": False}}]}}}


def _esc(value: str) -> str:
    return json.dumps(value)[1:-1]


def _forms(doc: dict[str, Any]) -> list[tuple[str, int]]:
    """The document as a file (an indented state), as a tool result's string holding it,
    and compact inside a string: each with how many times its values are escaped."""
    once = json.dumps(doc, indent=2)
    return [(once, 1), (json.dumps(once), 2), (json.dumps(json.dumps(doc)), 2)]


def _escaped(value: str, times: int) -> str:
    for _ in range(times):
        value = _esc(value)
    return value


@pytest.mark.parametrize("doc,values,kept", [
    (_state(), [PW, RESULT], ["lucky-otter", "not-marked-here", "admin", "team", "db"]),
    (_plan(), [PW], ["admin"]),
])
def test_marked_values_are_found_exactly(doc: dict[str, Any], values: list[str],
                                         kept: list[str]) -> None:
    alone = SecretRedactor([registry.load("terraform_state")], b"k" * 32)
    for text, times in _forms(doc):
        written = [_escaped(v, times) for v in values]
        spans = sorted((f.start, f.end) for f in alone.explain(text))
        assert spans == sorted((text.index(w), text.index(w) + len(w)) for w in written)
        red = SecretRedactor(registry.detectors(), b"k" * 32)
        out = red.sweep(red.redact_text(text))
        assert_absent(written, out)
        for k in kept:
            assert k in out


@pytest.mark.parametrize("text", [
    json.dumps({"sensitive_attributes": []}),  # nothing named
    json.dumps({"sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}),
    json.dumps({"attributes": {"password": "${var.db_password}"},  # a reference
                "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}),
    json.dumps({"attributes": {"password": ""},
                "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}),
    "the docs say sensitive_attributes: [ lists paths ]",
])
def test_nothing_to_take_is_kept(text: str) -> None:
    assert SecretRedactor([registry.load("terraform_state")], b"k" * 32).redact_text(text) == text


@pytest.mark.parametrize("gap,found", [(65536, True), (65537, False)])
def test_the_attributes_are_looked_for_64_kib_back(gap: int, found: bool) -> None:
    """The instance's `"attributes"` key may start up to 65,536 characters before its
    `"sensitive_attributes"`; further back it is another instance's."""
    head = '{"attributes": {"password": "' + _esc(PW) + '", "pad": "'
    tail = '"}, "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}'
    marker = tail.index('"sensitive_attributes"')
    text = head + "a" * (gap - (len(head) - 1) - marker) + tail
    assert text.index('"sensitive_attributes"') - text.index('"attributes"') == gap
    spans = [(f.start, f.end) for f in
             SecretRedactor([registry.load("terraform_state")], b"k" * 32).explain(text)]
    at = text.index(_esc(PW))
    assert spans == ([(at, at + len(_esc(PW)))] if found else [])


def test_a_state_at_the_text_start_and_a_value_ending_in_a_backslash() -> None:
    """`"attributes"` at offset 0 is found; in a file a value's escaped backslash before
    its closing quote ends the value (`"Xk9#mQ2\\\\"`), the next key is not taken in."""
    pw = "Xk9#mQ2$vL\\"
    text = ('"attributes": {"password": "' + _esc(pw) + '", "username": "admin"}, '
            '"sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]')
    at = text.index(_esc(pw))
    assert [(f.start, f.end) for f in SecretRedactor(
        [registry.load("terraform_state")], b"k" * 32).explain(text)] == [
            (at, at + len(_esc(pw)))]
