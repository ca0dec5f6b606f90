"""End-to-end: guard mode with the real Claude Code CLI denies a blocking rule's tool call.

A user rule file marks "reading an SSH private key" as `blocking: true`. With guard mode on,
the scripted model's Bash call `cat ~/.ssh/id_rsa > leaked.txt` must not run (no
`leaked.txt`), the transcript's tool_result must carry the rule's title as the reason (and
never the key), and the worker must still record the finding. After `cctrace rules guard
disable` the same call runs.
"""

from __future__ import annotations

import json

import pytest

from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e

RULES = """\
rules:
  - id: team.ssh_key_read
    title: Reading an SSH private key
    severity: critical
    blocking: true
    when: {path: $ssh_private}
"""
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-7f3a\n"
CALL = {"command": "cat ~/.ssh/id_rsa > leaked.txt", "description": "Copy the key"}


def tool_results(transcript) -> dict[str, dict]:
    """tool_use_id -> tool_result block, over the whole transcript."""
    out = {}
    for line in transcript.read_text().splitlines():
        rec = json.loads(line)
        content = (rec.get("message") or {}).get("content")
        if rec.get("type") == "user" and isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    out[block.get("tool_use_id")] = block
    return out


def result_text(block: dict) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return "\n".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content)


def test_guard_denies_blocking_rule_then_disable_lets_it_run(tmp_path, model_server, receiver,
                                                             _isolated_state):
    t = TracedSession(tmp_path / "guard", model_server, receiver, _isolated_state)
    t.install()
    ssh = t.home.home / ".ssh"
    ssh.mkdir(mode=0o700)
    (ssh / "id_rsa").write_text(KEY)
    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "team.yaml").write_text(RULES)
    (_isolated_state / "config.toml").write_text('[rules]\npaths = ["team.yaml"]\n')
    on = t.cctrace("rules", "guard", "enable")
    assert on.returncode == 0, on.stdout + on.stderr
    assert "team.ssh_key_read" in on.stdout

    t.server.add("[guard-1]", [tools(ToolUse("Bash", CALL, id="toolu_guard_on")),
                               text("Could not do it.")])
    t.prompt("Copy my key into the project [guard-1]")
    leaked = t.home.project / "leaked.txt"
    assert not leaked.exists(), "the denied tool call ran"
    denied = tool_results(t.transcript)["toolu_guard_on"]
    reason = result_text(denied)
    assert "Reading an SSH private key" in reason and "team.ssh_key_read" in reason, denied
    assert "not-a-real-key" not in reason and "id_rsa" not in reason

    status = json.loads(t.cctrace("rules", "guard", "status", "--json").stdout)
    assert status["enabled"] and status["denied"] == 1 and status["errors"] == 0

    assert t.flush().returncode == 0
    out = t.cctrace("findings", "--json", "--severity", "info")
    assert out.returncode == 0, out.stderr
    found = {f["rule_id"] for f in json.loads(out.stdout) if f["kind"] == "rule"}
    assert "team.ssh_key_read" in found, found
    # The denied call never ran, so no PostToolUse came: that is not a coverage gap.
    coverage = [(f["rule_id"], f["severity"], f["scores"]) for f in json.loads(out.stdout)
                if f["kind"] in ("coverage", "tamper")]
    assert coverage == [("coverage.ratio", "info", {"cctrace.coverage": 1.0})], coverage

    off = t.cctrace("rules", "guard", "disable")
    assert off.returncode == 0 and "off" in off.stdout
    t.server.add("[guard-2]", [tools(ToolUse("Bash", CALL, id="toolu_guard_off")),
                               text("Done.")])
    t.prompt("Copy my key into the project [guard-2]")
    assert leaked.read_text() == KEY, "with guard mode off the tool call must run"
    ran = tool_results(t.transcript)["toolu_guard_off"]
    assert "cctrace guard" not in result_text(ran)
