"""The CLI runner: pure helpers always; with the real CLI (e2e), one scripted session leaves a
transcript where `ClaudeHome` says it is, and the recorder hook captures payloads."""

from __future__ import annotations

import json

import pytest

from support.claude import (
    HOOK_EVENTS_2_1,
    ClaudeHome,
    claude_bin,
    new_session_id,
    project_slug,
)
from support.model_server import ModelServer, ToolUse, text, tools


def test_project_slug_replaces_every_non_alphanumeric():
    assert project_slug("/tmp/a_b.c/proj-1") == "-tmp-a-b-c-proj-1"


def test_write_hooks_merges_per_event(tmp_path):
    if claude_bin() is None:
        pytest.skip("Claude Code CLI not found")
    home = ClaudeHome(tmp_path, "http://127.0.0.1:9")
    home.write_hooks({"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "a"}]}]})
    home.write_hooks({"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "b"}]}],
                      "SessionEnd": [{"hooks": [{"type": "command", "command": "c"}]}]})
    hooks = json.loads(home.settings_path.read_text())["hooks"]
    assert [g["hooks"][0]["command"] for g in hooks["Stop"]] == ["a", "b"]
    assert list(hooks) == ["Stop", "SessionEnd"]
    env = home.env()
    assert env["HOME"] == str(home.home) and env["ANTHROPIC_API_KEY"] == "sk-ant-test"
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:9"


@pytest.mark.e2e
def test_real_cli_session_writes_transcript_and_hook_payloads(tmp_path):
    if claude_bin() is None:
        pytest.skip("Claude Code CLI not found")
    with ModelServer() as srv:
        home = ClaudeHome(tmp_path, srv.base_url)
        (home.project / "a.txt").write_text("hello\n")
        srv.add("[h]", [tools(ToolUse("Read", {"file_path": str(home.project / "a.txt")})),
                        text("It says hello.")])
        home.install_recorder(tmp_path / "hooks.jsonl")
        sid = new_session_id()
        home.run("Read it [h]", session_id=sid).check()
        steps = [r.step for r in srv.messages_requests("scripted")]
    records = [json.loads(x) for x in home.transcript_path(sid).read_text().splitlines()]
    tool_results = [b for r in records if r.get("type") == "user"
                    and isinstance(r["message"]["content"], list)
                    for b in r["message"]["content"] if b.get("type") == "tool_result"]
    assert steps == [0, 1]
    assert len(tool_results) == 1 and "hello" in str(tool_results[0]["content"])
    events = [json.loads(x)["event"] for x in (tmp_path / "hooks.jsonl").read_text().splitlines()]
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop"} <= set(events)
    assert set(events) <= set(HOOK_EVENTS_2_1)
