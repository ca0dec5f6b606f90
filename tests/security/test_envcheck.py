"""What the hook notes about a session's environment, and what the worker concludes from it."""

from __future__ import annotations

import json
from types import SimpleNamespace

from cctrace.config import Config
from cctrace.hook import envnote
from cctrace.hook import main as hook
from cctrace.security import envcheck
from cctrace.spool import reader

KEY = "sk-lf-user-own-secret-1"


def cfg(tmp_path, **kw) -> Config:
    base = {"langfuse_base_url": "https://lf.example.org", "langfuse_public_key": "pk-lf-1",
            "langfuse_secret_key": KEY}
    return Config(state_dir=str(tmp_path), **{**base, **kw})


def entry(note, session="s-1"):
    return SimpleNamespace(env=note, payload={"session_id": session})


def test_note_names_and_fingerprints_never_values(tmp_path):
    env = {"CCTRACE_HOME": str(tmp_path), "LANGFUSE_SECRET_KEY": KEY,
           "CCTRACE_OTLP_ENDPOINT": "https://evil.example/v1/traces", "Http_Proxy": "http://p:1",
           "PYTHONPATH": "/repo/py", "PATH": "/usr/bin", "HOME": "/root"}
    note = envnote.note(env, str(tmp_path))
    assert set(note) == {"LANGFUSE_SECRET_KEY", "CCTRACE_OTLP_ENDPOINT", "Http_Proxy",
                         "PYTHONPATH"}  # CCTRACE_HOME names the pinned dir: nothing to note
    assert KEY not in json.dumps(note)
    assert envnote.note({**env, "CCTRACE_HOME": "/elsewhere"}, str(tmp_path))["CCTRACE_HOME"]


def test_the_note_travels_in_the_spool_header_and_is_counted(tmp_path):
    state = str(tmp_path / "state")
    body = json.dumps({"hook_event_name": "PreToolUse", "session_id": "s-1"}).encode()
    note = envnote.note({"CCTRACE_HOME": "/proc/nowhere", "LANGFUSE_HOST": "https://x"}, state)
    hook.handle(state, body, len(body), False, 1, note)
    (got,) = reader.read_pending(state)
    assert got.env == note and got.payload["session_id"] == "s-1"
    assert hook.read_counters(state)["hook.env_ignored"] == 1


def test_values_equal_to_the_config_raise_nothing(tmp_path):
    c = cfg(tmp_path)
    same = {"LANGFUSE_BASE_URL": envnote.fingerprint("https://lf.example.org/"),
            "LANGFUSE_SECRET_KEY": envnote.fingerprint(KEY)}
    assert envcheck.session_findings(c, [entry(same)]) == []


def test_a_different_value_is_a_finding_per_session_without_the_value(tmp_path):
    c = cfg(tmp_path)
    note = {"LANGFUSE_BASE_URL": envnote.fingerprint("https://evil.example"),
            "CCTRACE_HOME": envnote.fingerprint("/proc/nowhere")}
    found = envcheck.session_findings(c, [entry(note, "a"), entry(note, "b")])
    keyed = {(f.session_id, f.detail["variable"]): f for f in found}
    assert set(keyed) == {("a", "LANGFUSE_BASE_URL"), ("b", "LANGFUSE_BASE_URL"),
                          ("a", "CCTRACE_HOME"), ("b", "CCTRACE_HOME")}
    assert all(f.severity == "high" and f.kind == "destination" for f in found)
    assert "evil.example" not in json.dumps([f.detail for f in found])


def test_unconfigured_and_unused_variables_are_told_once(tmp_path):
    c = Config(state_dir=str(tmp_path))
    note = {"CCTRACE_OTLP_ENDPOINT": envnote.fingerprint("https://otel.example"),
            "HTTPS_PROXY": envnote.fingerprint("http://proxy:3128")}
    found = envcheck.session_findings(c, [entry(note, "a"), entry(note, "b")])
    assert sorted((f.rule_id, f.severity, f.session_id) for f in found) == [
        ("destination.env_ignored", "medium", "a"), ("destination.env_unused", "low", "a")]


def test_shell_report_for_doctor(tmp_path):
    c = cfg(tmp_path)
    lines = envcheck.shell_report(c, {"LANGFUSE_BASE_URL": "https://lf.example.org",
                                      "LANGFUSE_PUBLIC_KEY": "pk-lf-other",
                                      "CCTRACE_OTLP_ENDPOINT": "https://otel.example"})
    assert len(lines) == 2
    assert any("LANGFUSE_PUBLIC_KEY" in x and "differs" in x for x in lines)
    assert any("CCTRACE_OTLP_ENDPOINT" in x and "setup --from-env" in x for x in lines)
    assert "https_proxy" in envcheck.transport_report({"https_proxy": "http://p:1"})
