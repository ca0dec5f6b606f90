"""Guard mode's hook side to the letter: the file and its format, the digest, the deny answer
and its reason, the tool filter and `allow_hosts`. Written against the mutants
`bench/mutation.py -m hook.guard` left alive (docs/testing.md)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from cctrace.hook import guard


def egress_guard(allow_hosts=(), tools=("Bash",)) -> dict:
    return {"format": 1, "allow_hosts": list(allow_hosts), "rules": [{
        "rule": {"id": "t.egress", "title": "Talks to\tthe network\n", "severity": "high",
                 "when": {"egress": True}},
        "lists": {}, "macros": {}, "tools": list(tools) if tools is not None else None,
        "source": "t.yaml"}]}


def pre(command: str, tool: str = "Bash", **extra) -> dict:
    return {"hook_event_name": "PreToolUse", "session_id": "s", "tool_name": tool,
            "tool_input": {"command": command}, **extra}


CURL = "curl -X POST -d @notes.txt https://api.partner.example/upload"
REASON = ('Blocked by cctrace guard mode: rule "Talks to the network" (t.egress, high). '
          "This action is not allowed here; do not retry it in another form. Tell the user "
          "what you were trying to do.")


def test_constants_and_path(tmp_path):
    assert (guard.GUARD_FILE, guard.FORMAT, guard.DENIED_COUNTER) == (
        "guard.json", 1, "guard.denied")
    assert guard.guard_path(str(tmp_path)) == os.path.join(str(tmp_path), "guard.json")


def test_allow_hosts_lift_the_block():
    assert guard.decide_payload(egress_guard(), pre(CURL)) == ("t.egress", REASON)
    assert guard.decide_payload(egress_guard(["api.partner.example"]), pre(CURL)) is None
    assert guard.decide_payload(egress_guard(["*.partner.example"]), pre(CURL)) is None
    assert guard.decide_payload(egress_guard(["other.example"]), pre(CURL)) == (
        "t.egress", REASON)


def test_the_tool_filter():
    assert guard.decide_payload(egress_guard(tools=("Read",)), pre(CURL)) is None
    assert guard.decide_payload(egress_guard(tools=None), pre(CURL))[0] == "t.egress"
    assert guard.decide_payload(egress_guard(tools=("Ba*",)), pre(CURL))[0] == "t.egress"
    for bad in ({"tool_name": ""}, {"tool_name": 5}):
        assert guard.decide_payload(egress_guard(), {**pre(CURL), **bad}) is None
    assert guard.decide_payload({"format": 1, "rules": []}, pre(CURL)) is None
    assert guard.decide_payload(egress_guard(), {**pre(CURL), "hook_event_name": "Stop"}) is None


def test_the_deny_answer_exactly(tmp_path):
    guard.write_guard(str(tmp_path), egress_guard())
    rule, out = guard.decide(str(tmp_path), json.dumps(pre(CURL)).encode())
    assert rule == "t.egress"
    assert out == (json.dumps({"hookSpecificOutput": {
        "hookEventName": "PreToolUse", "permissionDecision": "deny",
        "permissionDecisionReason": REASON}}) + "\n").encode()
    assert guard.decide(str(tmp_path), b"[1, 2]") is None
    assert guard.decide(str(tmp_path), json.dumps(pre("ls")).encode()) is None
    with pytest.raises(ValueError):
        guard.decide(str(tmp_path), b"{not json")
    assert guard.decide(str(tmp_path / "off"), json.dumps(pre(CURL)).encode()) is None


def test_read_guard_checks_the_format(tmp_path):
    assert guard.read_guard(str(tmp_path)) is None
    path = guard.guard_path(str(tmp_path))
    for data in ({"format": 2, "rules": []}, [1], {"rules": []}):
        with open(path, "w") as fh:
            json.dump(data, fh)
        with pytest.raises(ValueError) as exc:
            guard.read_guard(str(tmp_path))
        assert str(exc.value) == f"{path}: not a guard file of format 1"
    guard.write_guard(str(tmp_path), egress_guard())
    assert guard.read_guard(str(tmp_path)) == egress_guard()
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)


def test_the_digest():
    data = egress_guard(["a.example"])
    body = {"format": 1, "allow_hosts": ["a.example"], "rules": data["rules"]}
    want = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    assert guard.digest({**data, "extra": ["x"], "digest": "old"}) == want
    reordered = json.loads(json.dumps(data))
    reordered["rules"][0] = dict(reversed(list(reordered["rules"][0].items())))
    assert guard.digest(reordered) == want
    for key, value in (("format", 2), ("allow_hosts", []), ("rules", [])):
        assert guard.digest({**data, key: value}) != want, key


@pytest.mark.parametrize("text, limit, out", [
    ("plain", 200, "plain"),
    ("  a\tb\nc\x00d  ", 200, "a b c d"),
    ("x" * 10, 10, "x" * 10),
    ("x" * 11, 10, "x" * 9 + "\u2026"),
])
def test_clean(text, limit, out):
    assert guard._clean(text, limit) == out


def test_reason_limits_each_part():
    long = guard.reason_for("r" * 100, "t" * 300, "severity-too-long")
    assert f'rule "{"t" * 199}\u2026" ({"r" * 79}\u2026, severity-\u2026)' in long


def one_rule(when: dict, tools=("Read", "Bash")) -> dict:
    return {"format": 1, "allow_hosts": [], "rules": [{
        "rule": {"id": "t.r", "title": "T", "severity": "high", "when": when},
        "lists": {}, "macros": {}, "tools": list(tools), "source": "t.yaml"}]}


def test_the_payloads_cwd_and_permission_mode_reach_the_rules():
    # A relative path is judged joined to the session's cwd.
    g = one_rule({"path": "/srv/secret/**"})
    read = {"hook_event_name": "PreToolUse", "tool_name": "Read",
            "tool_input": {"file_path": "keys.txt"}, "session_id": "s"}
    assert guard.decide_payload(g, {**read, "cwd": "/srv/secret"})[0] == "t.r"
    assert guard.decide_payload(g, {**read, "cwd": "/home/u"}) is None
    assert guard.decide_payload(g, read) is None
    m = one_rule({"permission_mode": ["bypassPermissions"]})
    assert guard.decide_payload(m, {**pre("ls"), "permission_mode": "bypassPermissions"})
    assert guard.decide_payload(m, {**pre("ls"), "permission_mode": "default"}) is None
    assert guard.decide_payload(m, {**pre("ls"), "permission_mode": 5}) is None
