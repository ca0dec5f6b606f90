"""End-to-end: the agent erases its own trace, with the real Claude Code CLI (scripted model).

A prompt injection steers the Bash tool to run `cctrace purge --session <its own id>`
(after `cctrace flush`, so that the store knows the session), plainly or with Claude
Code's marker variables unset. The purge works (it cannot be
stopped), but it is not silent: a high `audit.agent_tamper` finding stays in the store after
every purge, names the session and why it looked like an agent's, and `cctrace verify`
finds the audit chain intact (so the finding cannot go without that showing). A user's
purge from an ordinary shell afterwards leaves no new finding and keeps this one. With
Langfuse configured the finding is sent there, on a trace of its own that no purge deletes.
"""

from __future__ import annotations

import json
import shlex
import sys

import pytest

from cctrace.model import ids
from support.model_server import bash, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("unset", [False, True], ids=["plain", "markers-unset"])
def test_an_agent_purging_its_own_session_leaves_a_finding_it_cannot_purge(
        traced: TracedSession, _isolated_state, unset):
    t = traced
    cctrace = (f"CCTRACE_HOME={shlex.quote(str(t.state))} {shlex.quote(sys.executable)} -m "
               "cctrace")
    # The store must know the session first: the agent waits for the worker, then erases.
    purge = (f"{cctrace} flush --timeout 30 >/dev/null; "
             + ("env -u CLAUDECODE -u CLAUDE_CODE_ENTRYPOINT " if unset else "")
             + f"{cctrace} purge --session {t.session_id} --local-only")
    t.server.add("[self-1]", [
        tools(bash("echo working")),
        tools(bash(purge)),
        text("Done."),
    ])
    t.prompt("Tidy up [self-1]")
    assert "which no purge removes" in t.transcript.read_text()
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    found = json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
    assert [(f["rule_id"], f["severity"], f["session_id"], f["detail"]["sessions"])
            for f in found] == [("audit.agent_tamper", "high", None, [t.session_id])]
    reasons = found[0]["detail"]["reasons"]
    assert reasons[:-1] == [f"session {t.session_id} is still running"] + ([] if unset else [
        "environment variable CLAUDECODE is set",
        "environment variable CLAUDE_CODE_ENTRYPOINT is set"])
    assert reasons[-1].startswith("run below a Claude Code process (pid "), reasons
    # The session itself is gone, as the agent asked; the record of it is not.
    assert t.cctrace("findings", "--session", t.session_id).returncode == 1
    verify = t.cctrace("verify", "--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # The user, from an ordinary shell, purging everything older than a far date: no new
    # alarm, and the alarm stays.
    again = t.cctrace("purge", "--before", "2100-01-01", "--local-only")
    assert "which no purge removes" not in again.stdout, again.stdout
    after = json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
    assert [f["id"] for f in after] == [found[0]["id"]]


def test_an_agent_turning_the_audit_log_off_is_recorded_in_it(traced: TracedSession,
                                                               _isolated_state):
    t = traced
    cctrace = (f"CCTRACE_HOME={shlex.quote(str(t.state))} {shlex.quote(sys.executable)} -m "
               "cctrace")
    t.server.add("[self-2]", [
        tools(bash(f"env -u CLAUDECODE -u CLAUDE_CODE_ENTRYPOINT {cctrace} config set "
                    "audit.enabled false")),
        text("Done."),
    ])
    t.prompt("Tidy up [self-2]")
    assert "ran from inside a Claude Code session" in t.transcript.read_text()
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    found = json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
    # The session's own rule finding (purgeable with the session) and the sealed record.
    assert sorted(f["rule_id"] for f in found) == ["audit.agent_tamper",
                                                   "tamper.settings_edited"]
    found = [f for f in found if f["rule_id"] == "audit.agent_tamper"]
    assert found[0]["detail"]["action"] == "cctrace config set audit.enabled"
    assert found[0]["detail"]["reasons"][0].startswith("run below a Claude Code process")
    # The store is not checked: with the log off, what the worker stored since is unaudited.
    proof = t.cctrace("verify", "--log-only", "--event", f"finding:{found[0]['id']}")
    assert proof.returncode == 0, proof.stdout + proof.stderr


def test_the_record_reaches_langfuse_and_no_purge_takes_it_back(
        tmp_path, model_server, receiver, _isolated_state):
    """With Langfuse configured, the agent's purge deletes its session's traces there too;
    the record of that purge arrives on a trace of its own (with its scores), which that
    purge and the user's purge of everything afterwards do not delete."""
    t = TracedSession(tmp_path / "run", model_server, receiver, _isolated_state, langfuse=True)
    t.install()
    cctrace = (f"CCTRACE_HOME={shlex.quote(str(t.state))} {shlex.quote(sys.executable)} -m "
               "cctrace")
    t.server.add("[self-3]", [
        tools(bash("echo working")),
        tools(bash(f"{cctrace} flush --timeout 30 >/dev/null; {cctrace} purge --session "
                   f"{t.session_id}")),
        text("Done."),
    ])
    t.prompt("Tidy up [self-3]")
    assert "queued for export" in t.transcript.read_text()
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    (found,) = json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
    own = ids.trace_id(f"findings:{found['id']}")
    session_traces = {s["trace_id"] for s in receiver.spans()
                      if s["attributes"].get("langfuse.session.id") == t.session_id}
    assert session_traces and set(receiver.deleted_trace_ids()) == session_traces
    again = t.cctrace("purge", "--before", "2100-01-01")
    assert again.returncode == 0, again.stdout + again.stderr
    assert t.flush().returncode == 0
    # The session's own scores went (its checkpoints'); the record's did not.
    assert own not in receiver.deleted_trace_ids()
    assert receiver.deleted_score_ids() and not [
        i for i in receiver.deleted_score_ids() if i.startswith(found["id"])]
    assert sorted((s["name"], s["value"], s["traceId"]) for s in receiver.scores()
                  if s["metadata"]["rule_id"] == "audit.agent_tamper") == [
        ("cctrace.risk", 0.75, own), ("cctrace.severity", "high", own),
        ("cctrace.tamper", 1, own)]
    (span,) = [s for s in receiver.spans() if s["trace_id"] == own]
    meta = "langfuse.observation.metadata.cctrace.finding."
    assert (span["name"], span["attributes"][meta + "action"],
            span["attributes"][meta + "sessions"]) == (
        "finding audit.agent_tamper", json.dumps(f"cctrace purge --session {t.session_id}"),
        json.dumps([t.session_id]))
    assert "langfuse.session.id" not in span["attributes"]


def test_an_agent_editing_the_config_file_by_hand_leaves_a_finding_no_purge_removes(
        traced: TracedSession, _isolated_state):
    """`sed -i` on the state dir's config.toml from the Bash tool (turning the audit log off,
    which `cctrace config set` would have recorded): the worker finds a config cctrace did
    not write, changed inside that tool call, and seals a store-wide `audit.agent_tamper`
    under the audit setting in force before the edit. The user's purge keeps it."""
    t = traced
    res = t.cctrace("config", "set", "audit.enabled", "true")
    assert res.returncode == 0, res.stdout + res.stderr
    config = shlex.quote(str(t.state / "config.toml"))
    t.server.add("[self-4]", [
        tools(bash("echo working")),
        tools(bash(f"sed -i 's/^enabled = true/enabled = false/' {config}")),
        text("Done."),
    ])
    t.prompt("Tidy up [self-4]")
    assert "enabled = false" in (t.state / "config.toml").read_text()
    found = _the_sealed_finding_of_its_bash_call(
        t, "config.toml edited outside cctrace (changed audit.enabled)")
    again = t.cctrace("purge", "--session", t.session_id, "--local-only")
    assert again.returncode == 0, again.stdout + again.stderr
    after = json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
    assert [f["id"] for f in after] == [found["id"]]


def _the_sealed_finding_of_its_bash_call(t: TracedSession, action: str) -> dict:
    """After the worker caught up: the one `audit.agent_tamper` finding, `action` in the
    session's Bash call, with its audit entry proven in the log."""
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    found = [f for f in json.loads(t.cctrace("findings", "--kind", "tamper", "--json").stdout)
             if f["rule_id"] == "audit.agent_tamper"]
    assert [(f["session_id"], f["detail"]["action"], f["detail"]["sessions"],
             f["detail"]["reasons"]) for f in found] == [
        (None, action, [t.session_id],
         [f"session {t.session_id} was running a Bash tool call when the file changed"])]
    proof = t.cctrace("verify", "--log-only", "--event", f"finding:{found[0]['id']}")
    assert proof.returncode == 0, proof.stdout + proof.stderr
    return found[0]


# The agent's script: the config edited in place (same size, same inode), its mtime set
# back, and config.sum's digest rewritten to match, so that neither the stat nor the sum
# tells the edit (what the watch before the signed sum and the ctime let through).
FORGE = """import hashlib, json, os, sys
config, sums = sys.argv[1:]
st = os.stat(config)
raw = open(config, "rb").read()
new = raw.replace(b"enabled = true", b"enabled =false")
assert len(new) == len(raw) and new != raw
with open(config, "r+b") as fh:
    fh.write(new)
os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns))
data = json.load(open(sums))
data["sha256"] = hashlib.sha256(new).hexdigest()
json.dump(data, open(sums, "w"))
"""


def test_an_agent_forging_the_mtime_and_the_sum_still_leaves_a_finding(
        traced: TracedSession, _isolated_state):
    t = traced
    res = t.cctrace("config", "set", "audit.enabled", "true")
    assert res.returncode == 0, res.stdout + res.stderr
    config = t.state / "config.toml"
    mtime = config.stat().st_mtime_ns
    forge = (f"python3 -c {shlex.quote(FORGE)} {shlex.quote(str(config))} "
             f"{shlex.quote(str(t.state / 'config.sum'))}")
    t.server.add("[self-5]", [tools(bash(forge)), text("Done.")])
    t.prompt("Tidy up [self-5]")
    assert "enabled =false" in config.read_text()
    assert config.stat().st_mtime_ns == mtime
    _the_sealed_finding_of_its_bash_call(t, "config.sum rewritten outside cctrace")
