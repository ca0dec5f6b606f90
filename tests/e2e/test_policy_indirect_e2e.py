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

from support.absence import plant
from support.model_server import bash, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = pytest.mark.e2e

FILES = {
    "secrets/a.txt": "cwd-kept-q7w3e9r1",
    ".aws/credentials": "env-chdir-q7w3e9r1",
    ".kube/config": "ansi-c-q7w3e9r1",
    "sub/.env": "pushd-ansi-q7w3e9r1",
}


def test_indirect_reads_of_denied_files_leak_nothing(traced: TracedSession):
    t = traced
    for rel, value in FILES.items():
        plant(t.home.project, rel, f"VALUE={value}\n")
    (t.home.project / "notes.txt").write_text("ordinary-notes-k2m4\n")
    t.server.add("[indirect-1]", [
        tools(bash("cd secrets")),
        tools(bash("cat a.txt")),
        tools(bash("cd ..")),
        tools(bash("cat notes.txt")),
        tools(bash("env -C .aws cat credentials")),
        tools(bash("cat $'\\x2e'kube/config")),
        tools(bash("pushd sub >/dev/null; cat $'.e''nv'")),
        text("Done."),
    ])
    # The tools really printed the files (checked there), and an ordinary read is kept.
    wire, _ = withheld_run(t, "indirect-1", FILES, "ordinary-notes-k2m4")
    # They ran where the policy has to work out.
    cwds = {json.loads(line).get("cwd") for line in t.transcript.read_text().splitlines()}
    assert t.p("secrets") in cwds
    assert wire.count("[WITHHELD:path-policy **/secrets/**]") >= 2
    assert "[WITHHELD:path-policy **/.aws/credentials]" in wire
    assert "[WITHHELD:path-policy **/.kube/config]" in wire
    assert "[WITHHELD:path-policy .env*]" in wire
