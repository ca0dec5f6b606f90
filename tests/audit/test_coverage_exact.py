"""`audit.coverage` value by value, without the worker: the hook settings' state and where
it is read from, which tool calls change settings or cctrace's config, how id-less (1.0.x)
tool hooks are paired with calls, and each finding `reconcile` makes (kind, rule,
severity, title, time, key, detail) at the bounds that decide it.

`tests/audit/test_coverage.py` runs the same rules over real recorded sessions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from cctrace.audit import coverage as cov
from cctrace.findings import finding_id
from cctrace.model.types import Observation, Trace
from cctrace.store.db import HookEvent
from cctrace.store.sessions import TraceView

EV = "attack.T1562.001"  # ATT&CK's Impair Defenses: Disable or Modify Tools
S = 10**9
LATER = 10**30


def _hash(sections: list[Any]) -> str:
    raw = json.dumps(sections, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# -- the hook settings' state

def _settings(folder, data: Any, name: str = "settings.json") -> None:
    (folder / ".claude").mkdir(parents=True, exist_ok=True)
    (folder / ".claude" / name).write_text(data if isinstance(data, str) else json.dumps(data))


def test_the_files_claude_code_merges():
    assert cov.settings_files(None, "/h") == ["/h/.claude/settings.json"]
    assert cov.settings_files("/p", "/h") == ["/h/.claude/settings.json",
                                              "/p/.claude/settings.json",
                                              "/p/.claude/settings.local.json"]


def test_the_home_is_the_accounts_by_default(tmp_path, monkeypatch):
    # Not $HOME: the detached worker and `cctrace flush` in a session's shell must hash the
    # same files, or one session's events read as a hook configuration changed.
    account, session = tmp_path / "account", tmp_path / "session"
    monkeypatch.setattr(cov.statedir, "account_home", lambda: str(account))
    monkeypatch.setenv("HOME", str(session))
    assert cov.settings_files(None) == [str(account / ".claude" / "settings.json")]
    _settings(account, {"hooks": {"Stop": "cctrace"}})
    _settings(session, {"hooks": {"Stop": "other"}})
    assert cov.hook_config_state(None)["installed"] is True


def test_state_of_no_settings_at_all(tmp_path):
    assert cov.hook_config_state(None, str(tmp_path)) == {
        "hash": _hash([None]), "disable_all": False, "installed": False}
    assert cov.hook_config_state(str(tmp_path / "p"), str(tmp_path)) == {
        "hash": _hash([None, None, None]), "disable_all": False, "installed": False}


def test_state_reads_each_file_and_what_it_says(tmp_path):
    home, project = tmp_path / "h", tmp_path / "p"
    _settings(home, {"hooks": {"Stop": [1]}})
    _settings(project, {"hooks": {"PreToolUse": "cctrace hook"}, "disableAllHooks": "yes"})
    _settings(project, {"disableAllHooks": True}, "settings.local.json")
    assert cov.hook_config_state(str(project), str(home)) == {
        "hash": _hash([{"Stop": [1]}, {"PreToolUse": "cctrace hook"}, None]),
        "disable_all": True, "installed": True}
    # disableAllHooks must be true itself; a string saying so is not Claude Code's switch
    _settings(project, {"other": 1}, "settings.local.json")
    assert cov.hook_config_state(str(project), str(home))["disable_all"] is False
    # cctrace named outside the hooks section is not an install
    _settings(project, {"hooks": {}, "cctrace": 1})
    assert cov.hook_config_state(str(project), str(home))["installed"] is False


def test_the_hash_does_not_depend_on_key_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _settings(a, '{"hooks": {"Stop": [1], "PreToolUse": {"x": 1, "y": 2}}}')
    _settings(b, '{"hooks": {"PreToolUse": {"y": 2, "x": 1}, "Stop": [1]}}')
    state = cov.hook_config_state(None, str(a))
    assert state == cov.hook_config_state(None, str(b))
    assert state["hash"] == _hash([{"PreToolUse": {"x": 1, "y": 2}, "Stop": [1]}])


def test_unreadable_settings_count_as_absent(tmp_path):
    home = tmp_path / "h"
    for data in ("{not json", json.dumps(["hooks"]), json.dumps("cctrace")):
        _settings(home, data)
        assert cov.hook_config_state(None, str(home)) == {
            "hash": _hash([None]), "disable_all": False, "installed": False}
    assert cov._hooks_of(str(tmp_path / "nowhere.json")) == (None, False)
    _settings(home, {"hooks": {"a": 1}, "disableAllHooks": True})
    assert cov._hooks_of(str(home / ".claude" / "settings.json")) == ({"a": 1}, True)


def test_annotate_events_per_cwd_once(tmp_path, monkeypatch):
    home, p1, p2 = tmp_path / "h", tmp_path / "p1", tmp_path / "p2"
    _settings(p2, {"hooks": {"Stop": "cctrace"}})
    asked: list[Any] = []
    real = cov.hook_config_state
    monkeypatch.setattr(cov, "hook_config_state",
                        lambda cwd, h=None: asked.append((cwd, h)) or real(cwd, h))
    events = [HookEvent(1, 1, "s", "A", payload={"cwd": str(p1)}),
              HookEvent(2, 2, "s", "B", payload={"cwd": str(p2)}),
              HookEvent(3, 3, "s", "C", payload={"cwd": str(p1)}),
              HookEvent(4, 4, "s", "D", payload={"cwd": 5}),
              HookEvent(5, 5, "s", "E", payload={"unusable": True, "cwd": str(p1)}),
              HookEvent(6, 6, "s", "F", payload=["not", "a", "dict"]),  # type: ignore[arg-type]
              HookEvent(7, 7, "s", "G", payload={"unusable": False})]
    cov.annotate_events(events, str(home))
    assert asked == [(str(p1), str(home)), (str(p2), str(home)), (None, str(home))]
    # the key stored events carry (events stored by an earlier release are read with it)
    states = [e.payload.get("cctrace_hooks") if isinstance(e.payload, dict) else "-"
              for e in events]
    assert states[0] is states[2]
    assert states[1]["installed"] is True and states[0]["installed"] is False
    assert states[3] == states[6] == {"hash": _hash([None]), "disable_all": False,
                                      "installed": False}
    assert (states[4], states[5]) == (None, "-")


# -- which tool calls change settings or cctrace's config

@pytest.mark.parametrize("tool", ["Write", "Edit", "MultiEdit", "NotebookEdit"])
def test_every_write_tool_on_settings(tool):
    assert cov._touches_settings(tool, {"file_path": "/r/.claude/settings.json"}, None) == (
        f"{tool} on /r/.claude/settings.json")


@pytest.mark.parametrize("tool_input,why", [
    ({"notebook_path": "/r/.claude/settings.local.json"}, "on /r/.claude/settings.local.json"),
    ({"path": "/etc/claude-code/managed-settings.json"},
     "on /etc/claude-code/managed-settings.json"),
    ({"path": "managed-settings.json"}, "on managed-settings.json"),
    ({"path": ".claude/settings.json"}, "on .claude/settings.json"),
    ({"path": "C:\\u\\.claude\\settings.json"}, "on C:\\u\\.claude\\settings.json"),
    ({"path": "/r/.claude/x/../settings.json"}, "on /r/.claude/x/../settings.json"),
    ({"file_path": 5, "path": "/r/.claude/settings.json"}, "on /r/.claude/settings.json"),
    ({"file_path": "/s/config.toml"}, "on cctrace's config"),
    ({"file_path": "/s/./x/../config.toml"}, "on cctrace's config"),
])
def test_a_write_on_settings_or_the_config(tool_input, why):
    assert cov._touches_settings("Write", tool_input, "/s") == f"Write {why}"


def test_the_user_home_in_a_path_is_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/u")
    assert cov._touches_settings("Edit", {"file_path": "~/s/config.toml"}, "/home/u/s") == (
        "Edit on cctrace's config")


@pytest.mark.parametrize("tool,tool_input,state_dir", [
    ("Write", {"file_path": "/r/x.claude/settings.json"}, None),
    ("Write", {"file_path": "/r/.claude/settings.json.bak"}, None),
    ("Write", {"file_path": "/r/claude/settings.json"}, None),
    ("Write", {"file_path": "/r/managed-settings.jsonl"}, None),
    ("Write", {"file_path": "/s/config.toml"}, None),
    ("Write", {"file_path": "/t/config.toml"}, "/s"),
    ("Write", ["/r/.claude/settings.json"], None),
    ("Read", {"file_path": "/r/.claude/settings.json"}, None),
    ("Bash", {"command": ["rm", ".claude/settings.json"]}, None),
    ("Bash", {"cmd": "rm .claude/settings.json"}, None),
    ("Bash", "cat ~/.claude/settings.json", None),
    ("Bash", "rm ~/.claude/settings.json.bak", None),
    ("Bash", "rm /s/config.toml", None),
    ("Grep", "cctrace uninstall", None),
])
def test_calls_that_change_no_settings(tool, tool_input, state_dir):
    assert cov._touches_settings(tool, tool_input, state_dir) is None


@pytest.mark.parametrize("command", [
    "cctrace uninstall", "cctrace  config set audit.enabled false", "cctrace config unset x",
    "jq '.disableAllHooks = true'", "claude plugin uninstall cctrace",
    "claude plugin disable cctrace@cctrace"])
@pytest.mark.parametrize("tool", ["Bash", "PowerShell"])
def test_shell_commands_that_disable_hooks_or_change_cctrace(tool, command):
    assert cov._touches_settings(tool, {"command": command}, None) == (
        "shell command disables hooks or changes cctrace")
    assert cov._touches_settings(tool, command, None) == (
        "shell command disables hooks or changes cctrace")


@pytest.mark.parametrize("command", ["cctrace config get x", "cctrace install",
                                     "claude plugin list", "xcctrace uninstall"])
def test_shell_commands_that_change_nothing(command):
    assert cov._touches_settings("Bash", command, None) is None


@pytest.mark.parametrize("command,name", [
    ("awk 1 a > .claude/settings.json;", ".claude/settings.json;"),
    ("tee .claude/settings.local.json", ".claude/settings.local.json"),
    ("sed -ni s/a/b/ .claude/settings.json", ".claude/settings.json"),
    ("sed --in-place s/a/b/ .claude/settings.json", ".claude/settings.json"),
    ("perl -pi -e s/a/b/ .claude/settings.json", ".claude/settings.json"),
    ("mv x .claude/settings.json", ".claude/settings.json"),
    ("cp x .claude/settings.json&&", ".claude/settings.json&&"),
    ("rm -f .claude/settings.json|", ".claude/settings.json|"),
    ("truncate -s0 .claude/settings.json", ".claude/settings.json"),
    ("python3.12 fix.py .claude/settings.json", ".claude/settings.json"),
    ("node fix.js managed-settings.json", "managed-settings.json"),
    ("dd of=x if=y .claude/settings.json", ".claude/settings.json"),
    ("ln -sf /dev/null .claude/settings.json", ".claude/settings.json"),
    ("chmod 000 .claude/settings.json", ".claude/settings.json"),
    ("unlink .claude/settings.json", ".claude/settings.json"),
    ("shred .claude/settings.json", ".claude/settings.json"),
    ("rm ~/.config/cctrace/config.toml", "~/.config/cctrace/config.toml"),
    ("rm /s/config.toml", "/s/config.toml"),
    ("rm 'unbalanced .claude/settings.json", ".claude/settings.json"),
])
def test_shell_commands_that_write_a_settings_file(command, name):
    assert cov._touches_settings("Bash", {"command": command}, "/s") == (
        f"shell command writes {name}")


def test_a_shell_command_naming_settings_without_writing_is_not_tamper():
    for command in ("sed -n p .claude/settings.json", "perl -p .claude/settings.json",
                    "jq . .claude/settings.json", "less .claude/settings.json"):
        assert cov._touches_settings("Bash", command, "/s") is None, command


def test_only_shell_separators_are_cut_off_a_word():
    for command in ("rm .claude/settings.jsonX", "rm x/cctrace/config.tomlX",
                    "rm .claude/settings.json.", "rm /s/config.toml2"):
        assert cov._touches_settings("Bash", command, "/s") is None, command


def test_a_config_path_is_named_only_with_a_state_dir():
    assert cov._touches_settings("Bash", "rm x/cctrace/config.toml", "/s") == (
        "shell command writes x/cctrace/config.toml")
    assert cov._touches_settings("Bash", "rm x/cctrace/config.toml", None) is None
    assert cov._touches_settings("Bash", "rm x/cctrace/config.tom", "/s") is None


# -- the release that wrote a turn

@pytest.mark.parametrize("version,release", [
    ("1.0.128", (1, 0)), ("2.1", (2, 1)), ("10.20.30.40", (10, 20)), ("", (99,)),
    (None, (99,)), ("3", (99,)), ("x.1", (99,)), ("1.x.2", (99,))])
def test_release(version, release):
    trace = Trace(id="t", session_id="s", name="n", start_ns=0, end_ns=0,
                  metadata={"version": version})
    assert cov._release(trace) == release


def test_release_without_metadata():
    assert cov._release(object()) == (99,)
    assert cov._release(Trace(id="t", session_id="s", name="n", start_ns=0, end_ns=0)) == (
        99,)


# -- reconcile: fixtures

def _tool(oid: str, name: str = "Bash", start: int = 1, level: str = "DEFAULT",
          tool_input: Any = None, **meta: Any) -> Observation:
    return Observation(id=oid, trace_id="t1", parent_id="r", type="tool", name=name,
                       start_ns=start, end_ns=start + 1, level=level, input=tool_input,
                       metadata={"tool_use_id": f"tu-{oid}", **meta})


def _trace(*obs: Observation, tid: str = "t1", start: int = 0, end: int = 10,
           version: str = "2.1.0", session: str = "s1") -> Trace:
    return Trace(id=tid, session_id=session, name="turn", start_ns=start, end_ns=end,
                 metadata={"version": version}, observations=list(obs))


def _hooks(*pairs: tuple[str, str], start: int = 1) -> list[HookEvent]:
    """Hook events for (tool_use_id, event) pairs, seq and time counting from `start`."""
    return [HookEvent(n, n, "s1", event, tool_use_id=tu) for n, (tu, event) in
            enumerate(pairs, start)]


def _full(*oids: str) -> list[HookEvent]:
    return _hooks(*[(f"tu-{o}", e) for o in oids for e in ("PreToolUse", "PostToolUse")])


def _rows(findings: list[Any]) -> list[tuple[Any, ...]]:
    return [(f.kind, f.rule_id, f.severity, f.title, f.time_ns, f.session_id, f.trace_id,
             f.observation_id, f.detail, f.scores, f.tags) for f in findings]


def test_a_fully_covered_turn_is_one_info_ratio():
    found = cov.reconcile(_full("a"), [_trace(_tool("a"))], now_ns=LATER)
    assert _rows(found) == [("coverage", "coverage.ratio", "info",
                             "hooks saw 2 of 2 events of this turn", 10, "s1", "t1", None,
                             {"seen": 2, "expected": 2}, {"cctrace.coverage": 1.0}, [])]
    assert found[0].id == finding_id("coverage", "coverage.ratio", "t1")


def test_missing_hooks_are_named_per_call():
    trace = _trace(_tool("a"), _tool("b", "Read"), _tool("c", "Edit"))
    events = _hooks(("tu-a", "PreToolUse"), ("tu-b", "PostToolUseFailure"))
    found = cov.reconcile(events, [trace], now_ns=LATER)

    def miss(oid: str, tool: str, pre: bool, post: bool, lacks: str) -> tuple[Any, ...]:
        return ("coverage", "coverage.missing_tool_hooks", "medium",
                f"tool call {tool} ran without {lacks}", 10, "s1", "t1", oid,
                {"tool_use_id": f"tu-{oid}", "tool": tool, "pre": pre, "post": post,
                 "observation_id": oid}, {}, [EV])

    assert _rows(found) == [
        ("coverage", "coverage.ratio", "high", "hooks saw 2 of 6 events of this turn", 10,
         "s1", "t1", None, {"seen": 2, "expected": 6}, {"cctrace.coverage": 0.3333}, []),
        miss("a", "Bash", True, False, "its PostToolUse"),
        miss("b", "Read", False, True, "its PreToolUse"),
        miss("c", "Edit", False, False, "any tool hook")]
    assert found[1].id == finding_id("coverage", "coverage.missing_tool_hooks", "tu-a")


@pytest.mark.parametrize("seen_events,severity,ratio", [
    ((("a", "PreToolUse"), ("a", "PostToolUse"), ("b", "PreToolUse")), "medium", 0.75),
    ((("a", "PreToolUse"), ("a", "PostToolUse")), "medium", 0.5),
    ((("a", "PreToolUse"),), "high", 0.25),
])
def test_severity_by_ratio(seen_events, severity, ratio):
    events = _hooks(*[(f"tu-{o}", e) for o, e in seen_events])
    (first, *_) = cov.reconcile(events, [_trace(_tool("a"), _tool("b"))], now_ns=LATER)
    assert (first.rule_id, first.severity, first.scores) == (
        "coverage.ratio", severity, {"cctrace.coverage": ratio})


def test_a_session_with_no_hook_event_at_all_is_high_whatever_the_ratio():
    # no hook event: the ratio is 0, and the finding says so even with installed unknown
    (ratio, *_) = cov.reconcile([], [_trace(_tool("a"))], now_ns=LATER)
    assert (ratio.severity, ratio.scores) == ("high", {"cctrace.coverage": 0.0})
    # only a mute event: the session has hook events, a ratio of 0 is still high
    muted = [HookEvent(1, 1, "s1", cov.MUTE_BEGAN)]
    (ratio, *_) = cov.reconcile(muted, [_trace(_tool("a"))], now_ns=LATER)
    assert ratio.severity == "high"


def test_calls_not_counted():
    # the calls not counted come first: each is passed over, the count goes on
    trace = _trace(_tool("b", rejected=True), _tool("c", tool_use_id=None), _tool("a"),
                   Observation(id="g", trace_id="t1", parent_id="r", type="generation",
                               name="m", start_ns=1, end_ns=2, metadata={"tool_use_id": "x"}))
    trace.observations.append(Observation(id="e", trace_id="t1", parent_id="r", type="tool",
                                          name="Bash", start_ns=1, end_ns=2, metadata=None))
    found = cov.reconcile(_full("a"), [trace], now_ns=LATER)
    assert [(f.rule_id, f.detail) for f in found] == [
        ("coverage.ratio", {"seen": 2, "expected": 2})]
    # a turn with no countable call has no ratio at all; the next turn still has one
    assert cov.reconcile(_full("a"), [_trace(_tool("b", rejected=True))], now_ns=LATER) == []
    found = cov.reconcile(_full("a"), [_trace(_tool("b", rejected=True), tid="t0"),
                                       _trace(_tool("a"), tid="t1")], now_ns=LATER)
    assert [(f.rule_id, f.trace_id) for f in found] == [("coverage.ratio", "t1")]


@pytest.mark.parametrize("meta,level,version", [
    ({"is_interrupt": True}, "DEFAULT", "2.1.0"),
    ({"guard_denied": True}, "DEFAULT", "2.1.0"),
    ({}, "ERROR", "1.0.128"),
    ({}, "ERROR", "1.9"),
])
def test_calls_that_get_no_post_hook(meta, level, version):
    trace = _trace(_tool("a", level=level, **meta), version=version)
    found = cov.reconcile(_hooks(("tu-a", "PreToolUse")), [trace], now_ns=LATER)
    assert _rows(found) == [("coverage", "coverage.ratio", "info",
                             "hooks saw 1 of 1 events of this turn", 10, "s1", "t1", None,
                             {"seen": 1, "expected": 1}, {"cctrace.coverage": 1.0}, [])]
    # its post hook, if one came anyway, is not counted
    both = cov.reconcile(_full("a"), [trace], now_ns=LATER)
    assert both[0].detail == {"seen": 1, "expected": 1}


@pytest.mark.parametrize("meta,level,version", [
    ({"guard_denied": "yes"}, "DEFAULT", "2.1.0"),
    ({}, "ERROR", "2.0"),
    ({}, "ERROR", ""),
    ({}, "WARNING", "1.0.128"),
    ({"is_interrupt": False}, "DEFAULT", "2.1.0"),
])
def test_calls_that_still_owe_a_post_hook(meta, level, version):
    trace = _trace(_tool("a", level=level, **meta), version=version)
    (ratio, miss) = cov.reconcile(_hooks(("tu-a", "PreToolUse")), [trace], now_ns=LATER)
    assert (ratio.detail, miss.title) == ({"seen": 1, "expected": 2},
                                          "tool call Bash ran without its PostToolUse")


def test_a_turn_is_judged_once_complete_and_settled():
    trace = _trace(_tool("a"), end=100)
    assert cov.reconcile([], [trace], now_ns=100 + cov.SETTLE_NS - 1) == []
    assert [f.rule_id for f in cov.reconcile([], [trace], now_ns=100 + cov.SETTLE_NS)] == [
        "coverage.ratio", "coverage.missing_tool_hooks"]
    assert cov.SETTLE_NS == 30 * S
    assert cov.reconcile([], [trace], now_ns=1000, settle_ns=900) != []
    assert cov.reconcile([], [trace], now_ns=1000, settle_ns=901) == []
    running = TraceView(trace=trace, complete=False, observations=trace.observations, roots=[])
    assert cov.reconcile([], [running], now_ns=LATER) == []
    # a turn not judged yet does not hold back the turns after it
    done = _trace(_tool("b"), tid="t2", end=50)
    assert [(f.rule_id, f.trace_id) for f in cov.reconcile(
        _full("b"), [running, trace, done], now_ns=100 + cov.SETTLE_NS - 1)] == [
        ("coverage.ratio", "t2")]


def test_a_stored_trace_view_is_read_like_a_trace():
    inner = _trace(tid="t9", session="s9")
    view = TraceView(trace=inner, complete=True, observations=[_tool("a")], roots=[])
    (ratio, _) = cov.reconcile([], [view], now_ns=LATER)
    assert (ratio.trace_id, ratio.session_id, ratio.detail) == (
        "t9", "s9", {"seen": 0, "expected": 2})
    like, complete = cov._trace_of(view)
    assert (like.id, like.session_id, like.observations, complete) == (
        "t9", "s9", view.observations, True)
    assert inner.observations == []  # the view's list is not written into the trace
    assert cov._trace_of(inner) == (inner, True)


def test_a_running_turn_given_as_a_trace_is_not_judged():
    trace = _trace(_tool("a"))
    trace.complete = False
    assert cov.reconcile([], [trace], now_ns=LATER) == []
    assert cov._trace_of(trace) == (trace, False)


def test_a_trace_is_read_as_itself_whatever_else_it_carries():
    # an item with its own session id is a trace, even with a `trace` attribute
    trace = _trace(_tool("a"))
    trace.trace = "not a view"  # type: ignore[attr-defined]
    assert cov._trace_of(trace) == (trace, True)


def test_no_hook_events_after_the_install_is_a_finding():
    traces = [_trace(tid="t1", end=50), _trace(tid="t2", start=60, end=70)]
    assert cov.reconcile([], traces, now_ns=LATER) == []
    assert cov.reconcile([], traces, now_ns=LATER, installed_since_ns=71) == []
    (found,) = cov.reconcile([], traces, now_ns=LATER, installed_since_ns=70)
    assert _rows([found]) == [
        ("coverage", "coverage.no_hook_events", "high",
         "session has transcript activity but no hook event reached cctrace", 70, "s1", None,
         None, {"traces": 2}, {"cctrace.coverage": 0.0}, [])]
    assert found.id == finding_id("coverage", "coverage.no_hook_events", "s1")
    (named,) = cov.reconcile([], traces, now_ns=LATER, installed_since_ns=0, session_id="sx")
    assert (named.session_id, named.id) == (
        "sx", finding_id("coverage", "coverage.no_hook_events", "sx"))
    (blank,) = cov.reconcile([], [_trace(session="")], now_ns=LATER, installed_since_ns=0)
    assert (blank.session_id, blank.id) == (
        "", finding_id("coverage", "coverage.no_hook_events", ""))
    # any hook event of the session: no such finding
    assert cov.reconcile([HookEvent(1, 1, "s1", "Stop")], traces, now_ns=LATER,
                         installed_since_ns=0) == []


def test_a_tool_call_changing_settings_is_tamper():
    write = _tool("w", "Write", start=7, tool_input={"file_path": "/s/config.toml"})
    mcp = _tool("m", "Bash : mcp", start=8, tool_input={"command": "cctrace uninstall"})
    found = cov.reconcile(_full("w", "m"), [_trace(write, mcp)], now_ns=LATER, state_dir="/s")
    assert _rows(found[1:]) == [
        ("tamper", "tamper.settings_edited", "high",
         "a tool call changed hook settings or cctrace's config (Write on cctrace's config)",
         7, "s1", "t1", "w", {"tool": "Write", "why": "Write on cctrace's config"},
         {"cctrace.tamper": 1.0}, [EV]),
        ("tamper", "tamper.settings_edited", "high",
         "a tool call changed hook settings or cctrace's config (shell command disables "
         "hooks or changes cctrace)", 8, "s1", "t1", "m",
         {"tool": "Bash : mcp", "why": "shell command disables hooks or changes cctrace"},
         {"cctrace.tamper": 1.0}, [EV])]
    assert found[1].id == finding_id("coverage", "tamper.settings_edited", "w")


def test_a_generation_is_never_a_settings_change():
    gen = Observation(id="g", trace_id="t1", parent_id="r", type="generation", name="Write",
                      start_ns=1, end_ns=2, input={"file_path": "/r/.claude/settings.json"})
    assert [f.rule_id for f in cov.reconcile(_full("a"), [_trace(_tool("a"), gen)],
                                             now_ns=LATER)] == ["coverage.ratio"]
    # and a generation before a tool call does not end the look at the calls after it
    write = _tool("w", "Write", tool_input={"file_path": "/r/.claude/settings.json"})
    assert [f.rule_id for f in cov.reconcile(_full("w"), [_trace(gen, write)],
                                             now_ns=LATER)] == [
        "coverage.ratio", "tamper.settings_edited"]


# -- tool hooks without ids (Claude Code 1.0.x)

def _legacy(seq: int, event: str, tool: str | None, at: int | None = None) -> HookEvent:
    return HookEvent(seq, seq if at is None else at, "s1", event,
                     payload={"tool_name": tool} if tool else {})


def test_id_less_events_pair_with_calls_by_name_and_order():
    trace = _trace(_tool("a", "Bash", start=3), _tool("b", "Read", start=2),
                   _tool("c", "Bash", start=4))
    events = [_legacy(1, "PreToolUse", "Read"), _legacy(2, "PreToolUse", "Bash"),
              _legacy(3, "PostToolUse", "Bash"), _legacy(4, "PostToolUseFailure", "Read"),
              _legacy(5, "PreToolUse", "Bash"), _legacy(6, "Stop", "Bash"),
              # an event with an id is that call's, never paired by name
              HookEvent(7, 7, "s1", "PostToolUse", tool_use_id="tu-zz",
                        payload={"tool_name": "Bash"})]
    assert cov.legacy_tool_events(events, [(trace, True)]) == {
        "tu-b": {"PreToolUse", "PostToolUseFailure"}, "tu-a": {"PreToolUse", "PostToolUse"},
        "tu-c": {"PreToolUse"}}
    (ratio, miss) = cov.reconcile(events, [trace], now_ns=LATER)
    assert (ratio.detail, miss.observation_id, miss.title) == (
        {"seen": 5, "expected": 6}, "c", "tool call Bash ran without its PostToolUse")


def test_id_less_events_are_each_used_once_across_turns():
    t1 = _trace(_tool("a", "Bash", start=1), tid="t1", start=0, end=2)
    t2 = _trace(_tool("b", "Bash", start=12 * S), tid="t2", start=10 * S, end=13 * S)
    events = [_legacy(1, "PreToolUse", "Bash", at=1), _legacy(2, "PreToolUse", "Bash", at=2),
              _legacy(3, "PreToolUse", "Bash", at=11 * S)]
    # turns in start order whatever order they come in; the second event is not the later
    # turn's (received before it began), the third is
    assert cov.legacy_tool_events(events, [(t2, True), (t1, True)]) == {
        "tu-a": {"PreToolUse"}, "tu-b": {"PreToolUse"}}


def test_an_id_less_event_from_before_a_turn_is_not_its():
    trace = _trace(_tool("a", "Bash", start=20 * S), start=20 * S, end=21 * S)
    margin = 20 * S - cov.LEGACY_MARGIN_NS
    assert cov.LEGACY_MARGIN_NS == 5 * S
    assert cov.legacy_tool_events([_legacy(1, "PreToolUse", "Bash", at=margin)],
                                  [(trace, True)]) == {"tu-a": {"PreToolUse"}}
    assert cov.legacy_tool_events([_legacy(1, "PreToolUse", "Bash", at=margin - 1)],
                                  [(trace, True)]) == {}


def test_id_less_events_match_no_other_tool_and_no_call_without_an_id():
    trace = _trace(_tool("a", "Bash"), _tool("b", "Read", tool_use_id=None),
                   Observation(id="g", trace_id="t1", parent_id="r", type="generation",
                               name="Read", start_ns=1, end_ns=2,
                               metadata={"tool_use_id": "tu-g"}),
                   Observation(id="n", trace_id="t1", parent_id="r", type="tool",
                               name="Read", start_ns=1, end_ns=2, metadata=None))
    events = [_legacy(1, "PreToolUse", "Read"), _legacy(2, "PreToolUse", None),
              HookEvent(3, 3, "s1", "PreToolUse", payload=None)]  # type: ignore[arg-type]
    assert cov.legacy_tool_events(events, [(trace, True)]) == {}
    assert cov.legacy_tool_events([], [(trace, True)]) == {}


def test_a_legacy_ordering_by_time_then_seq():
    trace = _trace(_tool("a", "Bash", start=1), _tool("b", "Bash", start=2))
    # seq 9 was received first: it is the first call's
    events = [_legacy(3, "PostToolUse", "Bash", at=6), _legacy(9, "PostToolUse", "Bash", at=5),
              _legacy(4, "PreToolUse", "Bash", at=7)]
    ev_to = cov.legacy_tool_events(events, [(trace, True)])
    assert ev_to == {"tu-a": {"PostToolUse", "PreToolUse"}, "tu-b": {"PostToolUse"}}
    same_time = [_legacy(8, "PostToolUse", "Bash", at=5),
                 _legacy(2, "PostToolUseFailure", "Bash", at=5)]
    # received at one time: the lower seq is the earlier call's
    assert cov.legacy_tool_events(same_time, [(trace, True)]) == {
        "tu-a": {"PostToolUseFailure"}, "tu-b": {"PostToolUse"}}


# -- changes of the hook configuration during a session

def _state(h: str, installed: bool = True, disable_all: bool = False) -> dict[str, Any]:
    return {"hash": h, "installed": installed, "disable_all": disable_all}


def _ev(seq: int, state: Any, event: str = "Stop") -> HookEvent:
    return HookEvent(seq, seq * 10, "s1", event, payload={"cctrace_hooks": state})


def test_the_first_change_and_the_first_uninstall_are_findings_once():
    events = [HookEvent(1, 5, "s1", "Start", payload=["x"]),  # type: ignore[arg-type]
              _ev(2, "not a state"), _ev(3, _state("a")), _ev(4, _state("b", False), "Pre"),
              _ev(5, _state("c", False)), _ev(6, _state("a"))]
    found = cov.reconcile(events, [], now_ns=LATER)
    assert _rows(found) == [
        ("tamper", "tamper.hook_config_changed", "high",
         "the hook configuration changed during the session", 40, None, None, None,
         {"seq": 4, "event": "Pre", "from": "a", "to": "b"}, {"cctrace.tamper": 1.0}, [EV]),
        ("tamper", "tamper.cctrace_uninstalled", "high",
         "cctrace's hooks were removed during the session", 40, None, None, None, {"seq": 4},
         {"cctrace.tamper": 1.0}, [EV])]
    assert [f.id for f in found] == [
        finding_id("coverage", "tamper.hook_config_changed", "", "changed"),
        finding_id("coverage", "tamper.cctrace_uninstalled", "", "uninstalled")]


def test_an_uninstall_is_from_installed_to_not_only():
    events = [_ev(1, _state("a", False)), _ev(2, _state("a", True)), _ev(3, _state("a", False))]
    assert cov.reconcile(events, [], now_ns=LATER) == []
    # the hash alone changing is a change, not an uninstall
    events = [_ev(1, _state("a")), _ev(2, _state("b"))]
    assert [f.rule_id for f in cov.reconcile(events, [], now_ns=LATER)] == [
        "tamper.hook_config_changed"]


def test_disable_all_hooks_is_named_once_at_its_first_event():
    events = [_ev(1, _state("a")), _ev(2, _state("a", disable_all=True)),
              _ev(3, _state("a", disable_all=True))]
    found = cov.reconcile(events, [], now_ns=LATER, session_id="sx")
    assert _rows(found) == [("tamper", "tamper.hooks_disabled", "high",
                             "disableAllHooks is set", 20, "sx", None, None, {"seq": 2},
                             {"cctrace.tamper": 1.0}, [EV])]
    assert found[0].id == finding_id("coverage", "tamper.hooks_disabled", "sx", "disable_all")
    (first,) = cov.reconcile([_ev(1, _state("a", disable_all=True))], [], now_ns=LATER)
    assert (first.detail, first.session_id, first.id) == (
        {"seq": 1}, None, finding_id("coverage", "tamper.hooks_disabled", "", "disable_all"))


def test_the_session_comes_from_the_traces_when_not_given():
    events = [_ev(1, _state("a")), _ev(2, _state("b"))]
    trace = _trace(tid="t1", session="s7")
    (found,) = cov.reconcile(events, [trace], now_ns=LATER)
    assert (found.session_id, found.id) == (
        "s7", finding_id("coverage", "tamper.hook_config_changed", "s7", "changed"))
    (none,) = cov.reconcile(events, [], now_ns=LATER)
    assert none.id == finding_id("coverage", "tamper.hook_config_changed", "", "changed")
    mute = HookEvent(4, 40, None, cov.MUTE_BEGAN)
    (muted,) = cov.reconcile([mute], [], now_ns=LATER)
    assert (muted.session_id, muted.id) == (
        None, finding_id("coverage", "coverage.muted", "", "muted", "4"))


# -- spool gaps

def test_spool_gaps_exactly():
    found = cov.spool_gaps([9, 1, 3, 3, 4, 5, 2], now_ns=77)
    assert _rows(found) == [
        ("tamper", "tamper.spool_gap", "high", "spool events 6..8 never reached the store", 77,
         None, None, None, {"from": 6, "to": 8, "missing": 3}, {"cctrace.tamper": 1.0}, [])]
    assert found[0].id == finding_id("coverage", "tamper.spool_gap", "6", "8")
    (one,) = cov.spool_gaps([1, 3], now_ns=0)
    assert (one.title, one.detail) == ("spool events 2..2 never reached the store",
                                       {"from": 2, "to": 2, "missing": 1})
    assert cov.spool_gaps([], now_ns=0) == cov.spool_gaps([4], now_ns=0) == []


def test_reconcile_checks_gaps_only_when_given_the_seqs():
    assert cov.reconcile([], [], now_ns=5) == []
    assert [f.detail for f in cov.reconcile([], [], now_ns=5, known_seqs=[1, 4])] == [
        {"from": 2, "to": 3, "missing": 2}]
    assert cov.reconcile([], [], now_ns=5, known_seqs=[]) == []


def test_coverage_of_takes_ratios_with_a_trace_only():
    found = cov.reconcile(_hooks(("tu-a", "PreToolUse")),
                          [_trace(_tool("a")), _trace(_tool("b"), tid="t2")], now_ns=LATER)
    assert cov.coverage_of(found) == {"t1": 0.5, "t2": 0.0}
    no_trace = cov._finding("coverage", "coverage.ratio", "info", "t", 0, ("x",),
                            scores={"cctrace.coverage": 1.0})
    assert cov.coverage_of([no_trace]) == {}


def test_a_tamper_finding_always_scores_tamper_and_keeps_its_other_scores():
    f = cov._finding("tamper", "r", "high", "t", 1, ("k",), scores={"cctrace.x": 0.5})
    assert f.scores == {"cctrace.x": 0.5, "cctrace.tamper": 1.0}
    g = cov._finding("coverage", "r", "low", "t", 1, ("k", "j"))
    assert (g.scores, g.tags, g.detail, g.id) == ({}, [], {}, finding_id("coverage", "r", "k",
                                                                          "j"))
