"""End-to-end: a prompt-injected agent reaching a denied file without naming it.

Known leaks this guards (red-team pass): the Bash tool keeps a `cd` for the next calls,
so `cd secrets` then `cat a.txt` read `secrets/a.txt` while the policy judged `a.txt`
where the turn began; `env -C .aws cat credentials` (a word of the command is the folder
the others resolve in); `cat $'\\x2e'kube/config` (bash's ANSI-C quoting); `pushd sub;
cat $'.e''nv'`. Every call runs in the real Claude Code CLI against a scripted model; the
tools really print the files, and after `cctrace flush` no planted value may be on the
wire or in the store.
"""

from __future__ import annotations

import json

import pytest

from support.absence import leaks, settled, state_store_text
from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e

FILES = {
    "secrets/a.txt": "cwd-kept-q7w3e9r1",
    ".aws/credentials": "env-chdir-q7w3e9r1",
    ".kube/config": "ansi-c-q7w3e9r1",
    "sub/.env": "pushd-ansi-q7w3e9r1",
}


def _bash(command: str):
    return tools(ToolUse("Bash", {"command": command, "description": "look"}))


def test_indirect_reads_of_denied_files_leak_nothing(traced: TracedSession, _isolated_state):
    t = traced
    for rel, value in FILES.items():
        path = t.home.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"VALUE={value}\n")
    (t.home.project / "notes.txt").write_text("ordinary-notes-k2m4\n")
    t.server.add("[indirect-1]", [
        _bash("cd secrets"),
        _bash("cat a.txt"),
        _bash("cd .."),
        _bash("cat notes.txt"),
        _bash("env -C .aws cat credentials"),
        _bash("cat $'\\x2e'kube/config"),
        _bash("pushd sub >/dev/null; cat $'.e''nv'"),
        text("Done."),
    ])
    t.prompt("Look around [indirect-1]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    transcript = t.transcript.read_text()
    # The tools really ran, where the policy has to work out, and printed the files.
    assert [v for v in FILES.values() if v not in transcript] == []
    cwds = {json.loads(line).get("cwd") for line in transcript.splitlines()}
    assert t.p("secrets") in cwds

    wire = json.dumps(t.receiver.spans())
    assert "ordinary-notes-k2m4" in wire  # an ordinary read is kept
    assert [v for v in FILES.values() if leaks(v, wire)] == []
    assert wire.count("[WITHHELD:path-policy **/secrets/**]") >= 2
    assert "[WITHHELD:path-policy **/.aws/credentials]" in wire
    assert "[WITHHELD:path-policy **/.kube/config]" in wire
    assert "[WITHHELD:path-policy .env*]" in wire
    settled(str(_isolated_state))
    stored = state_store_text(str(_isolated_state))
    assert "ordinary-notes-k2m4" in stored
    assert [v for v in FILES.values() if leaks(v, stored)] == []
