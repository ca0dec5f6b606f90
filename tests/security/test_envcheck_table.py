"""Every watched variable, one row each: which setting it names, the finding it raises (rule,
severity, title, reason, id), and what doctor says. Written against the mutants
`bench/mutation.py -m security.envcheck` left alive (docs/testing.md)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cctrace.config import Config
from cctrace.findings import finding_id
from cctrace.hook.envnote import fingerprint
from cctrace.security import envcheck

TAGS = ["owasp-llm.LLM02", "owasp-asi.T9", "attack.T1567"]
SETTINGS = {  # variable -> (config field, setting name)
    "LANGFUSE_BASE_URL": ("langfuse_base_url", "langfuse.base_url"),
    "LANGFUSE_HOST": ("langfuse_base_url", "langfuse.base_url"),
    "LANGFUSE_PUBLIC_KEY": ("langfuse_public_key", "langfuse.public_key"),
    "LANGFUSE_SECRET_KEY": ("langfuse_secret_key", "langfuse.secret_key"),
    "CCTRACE_OTLP_ENDPOINT": ("otlp_endpoint", "otlp.endpoint"),
}
TRACE_SETTINGS = {
    "CCTRACE_USER_ID": ("user_id", "trace.user_id"),
    "CCTRACE_ENVIRONMENT": ("environment", "trace.environment"),
    "CCTRACE_RELEASE": ("release", "trace.release"),
}
NOT_SET = ("{} is not set in the config; environment values are not used "
           "(cctrace setup --from-env copies your own)")
DIFFERS = "differs from {} in the config, which is what is used"
MINE = "https://mine.example.org/"
PLANTED = "https://attacker.example"


def entry(note, session="s-1"):
    return SimpleNamespace(env=note, payload={"session_id": session})


def findings(cfg, *entries):
    return envcheck.session_findings(cfg, entries, now_ns=7)


def test_the_setting_table():
    assert envcheck.SETTING == {**{k: v[1] for k, v in {**SETTINGS, **TRACE_SETTINGS}.items()},
                                "CCTRACE_HOME": None, "CCTRACE_CONFIG": None}
    assert envcheck.PRODUCER == "destination" and envcheck.TAGS == TAGS


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_a_variable_the_config_lacks_is_one_medium_finding_per_value(name, tmp_path):
    field, setting = SETTINGS[name]
    crc = fingerprint(PLANTED)
    got = findings(Config(state_dir=str(tmp_path)), entry({name: crc}, "s-1"),
                   entry({name: crc}, "s-2"))
    assert len(got) == 1
    (f,) = got
    assert f.id == finding_id("destination", "env_ignored", "-", name, str(crc))
    assert (f.kind, f.rule_id, f.severity, f.session_id, f.time_ns, f.tags) == (
        "destination", "destination.env_ignored", "medium", "s-1", 7, TAGS)
    assert f.title == f"{name} in the session's environment was ignored"
    assert f.detail == {"variable": name, "action": "ignored",
                        "reason": NOT_SET.format(setting), "setting": setting}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_a_variable_contradicting_the_config_is_high_per_session(name, tmp_path):
    field, setting = SETTINGS[name]
    cfg = Config(state_dir=str(tmp_path), **{field: MINE})
    crc = fingerprint(PLANTED)
    got = findings(cfg, entry({name: crc}, "s-1"), entry({name: crc}, "s-2"),
                   entry({name: crc}, "s-2"))
    assert [f.session_id for f in got] == ["s-1", "s-2"]
    assert got[0].id == finding_id("destination", "env_ignored", "s-1", name, str(crc))
    assert all(f.severity == "high" and f.detail["reason"] == DIFFERS.format(setting)
               and f.detail["setting"] == setting for f in got)
    # The config's own value, with or without the trailing slash, is no finding.
    for same in (MINE, MINE.rstrip("/"), MINE + "/" if not MINE.endswith("/") else MINE):
        assert findings(cfg, entry({name: fingerprint(same)})) == [], same


@pytest.mark.parametrize("name, reason", [
    ("CCTRACE_HOME", "the hook records to the state dir pinned at install, not CCTRACE_HOME"),
    ("CCTRACE_CONFIG", "cctrace reads only <state dir>/config.toml"),
])
def test_state_variables_are_high_per_session(name, reason, tmp_path):
    crc = fingerprint("/proc/nowhere")
    got = findings(Config(state_dir=str(tmp_path)), entry({name: crc}, "s-1"),
                   entry({name: crc}, "s-2"))
    assert [(f.session_id, f.severity, f.detail["reason"], f.detail["setting"]) for f in got] \
        == [("s-1", "high", reason, ""), ("s-2", "high", reason, "")]


@pytest.mark.parametrize("name", ["https_proxy", "HTTP_PROXY", "All_Proxy",
                                  "REQUESTS_CA_BUNDLE", "curl_ca_bundle", "SSL_CERT_FILE",
                                  "ssl_cert_dir", "NETRC", "PYTHONPATH", "pythonhome",
                                  "PYTHONSTARTUP", "XDG_STATE_HOME"])
def test_unused_variables_are_one_low_finding_per_value(name, tmp_path):
    crc = fingerprint("http://proxy:3128")
    got = findings(Config(state_dir=str(tmp_path)), entry({name: crc}, "s-1"),
                   entry({name: crc}, "s-2"), entry({name: crc + 1}, "s-3"))
    assert len(got) == 2
    f = got[0]
    assert f.id == finding_id("destination", "env_unused", name, str(crc))
    assert (f.kind, f.rule_id, f.severity, f.session_id, f.tags) == (
        "destination", "destination.env_unused", "low", "s-1", TAGS)
    assert f.title == f"{name} in the session's environment is not used by cctrace"
    assert f.detail == {"variable": name, "action": "ignored",
                        "reason": "cctrace's HTTP client, interpreter and state dir take "
                        "nothing from the environment (export.proxy / *.ca_bundle in the "
                        "config)"}


def test_entries_without_a_note_or_session(tmp_path):
    cfg = Config(state_dir=str(tmp_path))
    crc = fingerprint("/x")
    assert findings(cfg, SimpleNamespace(env=None, payload={}), SimpleNamespace()) == []
    for payload in (None, {}, {"session_id": ""}, {"session_id": 5}):
        (f,) = findings(cfg, SimpleNamespace(env={"CCTRACE_CONFIG": crc}, payload=payload))
        assert f.session_id is None
        assert f.id == finding_id("destination", "env_ignored", "-", "CCTRACE_CONFIG", str(crc))
    assert findings(cfg, entry({"SOME_OTHER": crc})) == []


@pytest.mark.parametrize("name", ["https_proxy", "HTTP_PROXY", "all_proxy", "Requests_CA_Bundle",
                                  "CURL_CA_BUNDLE", "ssl_cert_file", "SSL_CERT_DIR", "netrc"])
def test_transport_report_names_each_proxy_and_ca_variable(name):
    assert envcheck.transport_report({name: "x", "PATH": "/bin"}) == (
        f"{name} set but not used: cctrace takes no proxy or CA bundle from the environment "
        "(set export.proxy / langfuse.ca_bundle / otlp.ca_bundle if exports need them)")
    assert envcheck.transport_report({name: "  "}) is None
    assert envcheck.transport_report({"PYTHONPATH": "x", "NO_PROXY": "x"}) is None
    assert envcheck.transport_report({"B_X": "1", "http_proxy": "1", "HTTPS_PROXY": "1"}
                                     ).startswith("HTTPS_PROXY, http_proxy set but not used")


@pytest.mark.parametrize("name", sorted({**SETTINGS, **TRACE_SETTINGS}))
def test_shell_report_line_per_variable(name, tmp_path):
    field, setting = {**SETTINGS, **TRACE_SETTINGS}[name]
    empty = Config(state_dir=str(tmp_path), **({field: None} if field != "environment" else
                                              {field: ""}))
    assert envcheck.shell_report(empty, {name: PLANTED}) == [
        f"{name} is set but not used: {NOT_SET.format(setting)}"]
    mine = Config(state_dir=str(tmp_path), **{field: MINE})
    assert envcheck.shell_report(mine, {name: PLANTED}) == [
        f"{name} is set but not used: {DIFFERS.format(setting)}"]
    assert envcheck.shell_report(mine, {name: f"  {MINE}  "}) == []
    assert envcheck.shell_report(mine, {name: "   "}) == []


def test_shell_report_state_variables(tmp_path):
    cfg = Config(state_dir=str(tmp_path))
    assert envcheck.shell_report(cfg, {"CCTRACE_HOME": "/x"}) == []
    assert envcheck.shell_report(cfg, {"CCTRACE_CONFIG": "/x"}) == [
        "CCTRACE_CONFIG is set but not used: cctrace reads only <state dir>/config.toml"]


def test_entries_without_a_note_and_repeats_do_not_stop_the_scan(tmp_path):
    cfg = Config(state_dir=str(tmp_path))
    a, b = fingerprint("/a"), fingerprint("/b")
    got = findings(cfg, SimpleNamespace(env=None, payload={}),
                   entry({"CCTRACE_HOME": b}, "s-1"),
                   # CCTRACE_HOME comes first in the watched order: a repeat before a new one
                   entry({"CCTRACE_HOME": b, "CCTRACE_CONFIG": a}, "s-1"))
    assert sorted(f.detail["variable"] for f in got) == ["CCTRACE_CONFIG", "CCTRACE_HOME"]


def test_only_slashes_are_trimmed_when_comparing_with_the_config(tmp_path):
    cfg = Config(state_dir=str(tmp_path), langfuse_base_url="https://lf.example.org/X")
    note = {"LANGFUSE_BASE_URL": fingerprint("https://lf.example.org/")}
    assert [f.detail["variable"] for f in findings(cfg, entry(note))] == ["LANGFUSE_BASE_URL"]
    same = {"LANGFUSE_BASE_URL": fingerprint("https://lf.example.org/X/")}
    assert findings(cfg, entry(same)) == []
    bare = {"LANGFUSE_BASE_URL": fingerprint("https://lf.example.org")}
    assert [f.detail["variable"] for f in findings(cfg, entry(bare))] == ["LANGFUSE_BASE_URL"]
