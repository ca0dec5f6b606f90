"""`cctrace doctor` and `cctrace status`: is tracing healthy, and if not, what to do.

Each check returns a `Check` (ok / warn / fail / skip, what was found, and the fix).
`doctor` prints them all and exits 1 when one failed (`--strict`: or warned); `--offline`
skips the checks that talk to the destination; `--fix` first repairs what it can (the
state dir 0700 and its files 0600, see `repair_permissions`) and lists each change.
`status` runs the local checks only and prints a compact summary, or with `--json` every
check and figure for scripts.

The hook check reads the user, project and local settings files the way Claude Code
combines them for the current folder (hooks of every scope run; a file that names an
event the installed release does not know loses all its hooks; `disableAllHooks` in any
of them switches every hook off) plus an enabled cctrace plugin. Nothing here reads a
spool payload (they are raw, unredacted): the backlog is counted from file names and ages.
Credentials never appear in output; URLs are shown without user info or query.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import stat
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from cctrace import statedir

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MARK = {OK: "OK  ", WARN: "WARN", FAIL: "FAIL", SKIP: "skip"}
NET_TIMEOUT = 8.0
SPOOL_BACKLOG_WARN = 1000
SPOOL_AGE_WARN_S = 600
PROJECTS_PATH = "/api/public/projects"
MANAGED_SETTINGS = "/etc/claude-code/managed-settings.json"


@dataclass
class Check:
    """One verdict: `fix` says what to run or change when status is warn or fail."""

    name: str
    status: str
    detail: str
    fix: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- network


@dataclass
class Probe:
    """The answer of a destination: ok, a message for the user, and what was learned."""

    ok: bool
    message: str
    status_code: int | None = None
    project: str | None = None


def check_langfuse_credentials(base_url: str, public_key: str, secret_key: str,
                               timeout: float = NET_TIMEOUT, proxy: str | None = None) -> Probe:
    """One authenticated GET of `/api/public/projects` (cheap, read-only, project-scoped).

    200 means the keys are valid for a project (its name is returned); 401/403 means the
    server refused them. The secret key never appears in the message, and is sent only to
    a URL that passed `validate_url`, with the client that reads no environment.
    """
    import requests

    from cctrace.export.destinations import safe_url
    from cctrace.export.outbox import http_session
    from cctrace.security.transport import URLError, validate_url

    try:
        url = str(validate_url(base_url)).rstrip("/") + PROJECTS_PATH
    except URLError as exc:
        return Probe(False, f"not a usable Langfuse URL: {exc}")
    token = base64.b64encode(f"{public_key}:{secret_key}".encode()).decode()
    try:
        with http_session(proxy) as http:
            resp = http.get(url, headers={"Authorization": f"Basic {token}",
                                          "Accept": "application/json"},
                            timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        return Probe(False, f"{safe_url(url)} unreachable ({type(exc).__name__})")
    where = safe_url(base_url)
    if resp.status_code in (401, 403):
        return Probe(False, f"{where} refused the keys (HTTP {resp.status_code})",
                     resp.status_code)
    if resp.status_code != 200:
        return Probe(False, f"{where} answered HTTP {resp.status_code} (is this a Langfuse "
                     f"server?)", resp.status_code)
    try:
        body = resp.json()
        projects = body.get("data") if isinstance(body, dict) else None
        name = projects[0].get("name") if projects else None
    except (ValueError, AttributeError, IndexError, TypeError):
        return Probe(False, f"{where} answered 200 but not with Langfuse's project list",
                     200)
    name = str(name) if name is not None else None
    return Probe(True, f"keys valid for project {name!r} on {where}" if name
                 else f"keys accepted by {where}", 200, name)


def check_otlp_endpoint(endpoint: str, headers: Mapping[str, str],
                        timeout: float = NET_TIMEOUT, proxy: str | None = None) -> Probe:
    """POST an empty OTLP export request (valid protobuf, no spans): 2xx means reachable
    and accepted with these headers."""
    import requests

    from cctrace.export.destinations import safe_url
    from cctrace.export.outbox import http_session
    from cctrace.security.transport import URLError, validate_url

    try:
        endpoint = str(validate_url(endpoint))
    except URLError as exc:
        return Probe(False, f"not a usable OTLP endpoint: {exc}")
    try:
        with http_session(proxy) as http:
            resp = http.post(endpoint, data=b"", timeout=timeout, allow_redirects=False,
                             headers={**headers, "Content-Type": "application/x-protobuf"})
    except requests.RequestException as exc:
        return Probe(False, f"{safe_url(endpoint)} unreachable ({type(exc).__name__})")
    if 200 <= resp.status_code < 300:
        return Probe(True, f"{safe_url(endpoint)} accepts OTLP", resp.status_code)
    return Probe(False, f"{safe_url(endpoint)} answered HTTP {resp.status_code}",
                 resp.status_code)


# --------------------------------------------------------------------------- hooks


def _read_settings(path: str) -> tuple[dict[str, Any] | None, str | None]:
    from cctrace.install import settings as st

    try:
        return st.read(path), None
    except st.SettingsError as exc:
        return None, str(exc)


def effective_hooks(cwd: str, env: Mapping[str, str], version: Any,
                    managed_path: str = MANAGED_SETTINGS) -> dict[str, Any]:
    """Where our hook is registered for `cwd`, and whether Claude Code will run it.

    Returns {"files": [{scope, path, events, unknown, error, disable_all}], "events":
    events that will fire, "plugin": enabled cctrace plugins, "disabled_by": path or None,
    "managed_only": bool}.
    """
    from cctrace.install import events as ev
    from cctrace.install import settings as st

    try:
        known = set(ev.supported_events(version))
    except ev.UnsupportedRelease:
        known = set()
    files, fired, plugins = [], set(), []
    disabled_by = None
    seen: set[str] = set()
    for scope in st.SCOPES:
        path = st.settings_path(scope, cwd, env)
        if path in seen:  # cwd is HOME: the project file is the user file
            continue
        seen.add(path)
        doc, error = _read_settings(path)
        entry: dict[str, Any] = {"scope": scope, "path": path, "events": [], "unknown": [],
                                 "error": error, "disable_all": False, "exists": doc is not None}
        if doc is not None:
            try:
                ours = sorted(st.our_events(doc), key=lambda e: (
                    ev.EVENTS.index(e) if e in ev.EVENTS else 99, e))
            except st.SettingsError as exc:
                ours, entry["error"] = [], str(exc)
            entry["events"] = ours
            hooks = doc.get("hooks") if isinstance(doc.get("hooks"), dict) else {}
            # An event name the release does not know silences the whole file. We can only
            # judge the names we know the history of (ours).
            # Unknown release (no claude found): nothing to judge against.
            entry["unknown"] = [e for e in hooks if e in ev.EVENTS and e not in known
                                and version is not None]
            entry["disable_all"] = doc.get("disableAllHooks") is True
            if entry["disable_all"]:
                disabled_by = path
            if not entry["unknown"]:
                fired.update(ours)
            plugins += st.enabled_cctrace_plugins(doc)
        files.append(entry)
    managed, _ = _read_settings(managed_path) if os.path.exists(managed_path) else (None, None)
    managed_only = bool(managed and managed.get("allowManagedHooksOnly") is True)
    if managed and managed.get("disableAllHooks") is True:
        disabled_by = managed_path
    if plugins:
        fired.update(ev.CORE_EVENTS)
    return {"files": files, "events": sorted(fired), "plugin": sorted(set(plugins)),
            "disabled_by": disabled_by, "managed_only": managed_only, "known": sorted(known)}


def check_hooks(cwd: str, env: Mapping[str, str], version: Any,
                managed_path: str = MANAGED_SETTINGS) -> Check:
    from cctrace.install import events as ev

    info = effective_hooks(cwd, env, version, managed_path)
    files = info["files"]
    installed = [f for f in files if f["events"]]
    broken = [f for f in files if f["error"]]
    data = {"events": info["events"], "scopes": [f["scope"] for f in installed],
            "plugin": info["plugin"]}
    if info["disabled_by"]:
        return Check("hooks", FAIL, f"disableAllHooks is true in {info['disabled_by']}: no "
                     "hook runs", "remove disableAllHooks from that file", data)
    if info["managed_only"] and not info["plugin"]:
        return Check("hooks", FAIL, f"{MANAGED_SETTINGS} allows managed hooks only",
                     "ask your administrator to add the cctrace hook to managed settings",
                     data)
    for f in files:
        if f["unknown"] and f["events"]:
            return Check("hooks", FAIL, f"{f['path']} names events this Claude Code does not "
                         f"know ({', '.join(f['unknown'])}): every hook in it is ignored",
                         f"cctrace install --scope {f['scope']}", data)
    if not installed and not info["plugin"]:
        extra = f"; unreadable: {broken[0]['error']}" if broken else ""
        return Check("hooks", FAIL, f"no cctrace hook in user, project or local settings"
                     f"{extra}", "cctrace install (or cctrace setup)", data)
    try:
        wanted = set(ev.supported_events(version))
    except ev.UnsupportedRelease as exc:
        return Check("hooks", FAIL, str(exc), "upgrade Claude Code", data)
    missing = [e for e in ev.EVENTS if e in wanted and e not in info["events"]]
    where = ", ".join(f"{f['scope']} ({f['path']})" for f in installed)
    if info["plugin"]:
        where = ", ".join(filter(None, [where, "plugin " + ", ".join(info["plugin"])]))
    missing_entry = _missing_entry(installed)
    if missing_entry:
        return Check("hooks", FAIL, f"the hook runs {missing_entry}, which does not exist",
                     f"cctrace install --scope {installed[0]['scope']}", data)
    if len(installed) > 1:
        return Check("hooks", WARN, f"installed more than once: {where}; events may be "
                     "recorded twice", "keep one: cctrace uninstall --scope SCOPE", data)
    if missing and not info["plugin"]:
        return Check("hooks", WARN, f"installed in {where}, but not for {', '.join(missing)}",
                     f"cctrace install --scope {installed[0]['scope']}", data)
    both = " (the settings hook stands down for the plugin's events: none twice)" \
        if installed and info["plugin"] else ""
    return Check("hooks", OK, f"{len(info['events'])} events via {where}{both}", "", data)


def check_plugin_runtime(env: Mapping[str, str], state_dir: str) -> Check:
    """The plugin's private runtime (`cctrace.install.runtime`): installed, installing, or
    failed with the exact reason and fix. Needed only when no `worker.json` names a python."""
    from cctrace.install import runtime
    from cctrace.install import settings as st
    from cctrace.worker import lifecycle

    data = os.path.dirname(st.plugin_pin_path(env))
    user_doc, _ = _read_settings(st.settings_path("user", "/", env))
    if not st.enabled_cctrace_plugins(user_doc or {}) and not os.path.isdir(data):
        return Check("runtime", SKIP, "no cctrace plugin", "")
    info = lifecycle.read_worker_info(state_dir)
    if info and os.path.isfile(info["python"]):
        return Check("runtime", OK, f"not needed: the worker runs on {info['python']} "
                     "(worker.json of your own install)", "")
    status = runtime.read_status(data) or {}
    log = runtime.log_path(data)
    data_out = {k: v for k, v in status.items() if k in ("state", "step", "reason", "python")}
    state = status.get("state")
    if state == "ready":
        return Check("runtime", OK, f"ready: {status.get('python')}", "", data_out)
    if state == "installing":
        return Check("runtime", WARN, f"installing (log: {log}); events wait in the "
                     "spool and are processed once it is ready", "wait, then run doctor again",
                     data_out)
    if state == "failed":
        return Check("runtime", FAIL, f"install failed at {status.get('step')}: "
                     f"{status.get('reason')} (log: {log})", str(status.get("fix", "")),
                     data_out)
    return Check("runtime", WARN, "not installed yet: the first Claude Code session "
                 "with the plugin starts its install", "start a session, or run "
                 "`cctrace-plugin bootstrap` (the plugin's bin/) to install it now", data_out)


def check_pin(cwd: str, env: Mapping[str, str], root: str) -> Check:
    """Whether the hook records where this cctrace looks: the state dir pinned into each of
    our hook commands (an unpinned one records to `statedir.capture_default()`)."""
    from cctrace.install import settings as st

    pins: dict[str, str] = {}
    for scope in st.SCOPES:
        path = st.settings_path(scope, cwd, env)
        doc, _ = _read_settings(path)
        for hooks in (st.our_events(doc) if doc else {}).values():
            for hook in hooks:
                command = str(hook.get("command", ""))
                if st.is_portable(command):
                    # A project-scope hook runs this account's locator: its pin counts
                    # (none when the locator defers to the user-scope hook).
                    pin = st.locator_state_dir(env)
                    if pin is None and os.path.exists(st.locator_path(env)):
                        continue
                else:
                    pin = st.pinned_state_dir(command)
                pins[path] = pin or ""
        if doc and st.enabled_cctrace_plugins(doc):
            pin_file = st.plugin_pin_path(env)
            try:
                with open(pin_file, encoding="utf-8") as fh:
                    pins[pin_file] = fh.readline().strip()
            except OSError:
                pins[pin_file] = ""
    here = os.path.realpath(root)
    data = {"pins": pins, "state_dir": here, "default": statedir.capture_default()}
    if not pins:
        return Check("state dir pin", SKIP, "no cctrace hook in settings files", "", data)
    elsewhere = {p: (d or statedir.capture_default()) for p, d in pins.items()
                 if os.path.realpath(d or statedir.capture_default()) != here}
    if elsewhere:
        path, other = sorted(elsewhere.items())[0]
        return Check("state dir pin", FAIL, f"the hook in {path} records to {other}, but this "
                     f"cctrace looks at {here}", "run `cctrace install` from the shell whose "
                     "CCTRACE_HOME you want, or unset CCTRACE_HOME here", data)
    unpinned = [p for p, d in pins.items() if not d]
    if unpinned:
        return Check("state dir pin", WARN, f"the hook in {unpinned[0]} names no state dir "
                     f"(an older install, or the plugin before `cctrace install --plugin`): it "
                     f"records to {statedir.capture_default()}",
                     "cctrace install (or cctrace install --plugin for the plugin) pins it",
                     data)
    return Check("state dir pin", OK, f"the hook records to {here}", "", data)


def check_environment(cfg: Any, env: Mapping[str, str]) -> Check:
    """Variables of this shell that capture does not read, and how to move them."""
    from cctrace.security import envcheck

    if cfg is None:
        return Check("environment", SKIP, "config not loaded", "")
    lines = envcheck.shell_report(cfg, env)
    note = envcheck.transport_report(env)
    if not lines:
        return Check("environment", OK, note or "no ignored cctrace or Langfuse variable set",
                     "", {"transport": note})
    return Check("environment", WARN, "; ".join(lines),
                 "cctrace setup --from-env copies them into the config and the keychain; "
                 "then unset them", {"ignored": lines, "transport": note})


def _missing_entry(installed: list[dict[str, Any]]) -> str | None:
    """The hook script a registered command runs, if that file is gone."""
    import shlex

    from cctrace.install import settings as st

    for f in installed:
        doc, _ = _read_settings(f["path"])
        for hooks in st.our_events(doc or {}).values():
            for hook in hooks:
                try:
                    words = shlex.split(hook.get("command", ""))
                except ValueError:
                    continue
                for word in words:
                    if word.endswith("entry.py") and not os.path.isfile(word):
                        return word
    return None


# --------------------------------------------------------------------------- local state


def check_claude(env: Mapping[str, str]) -> tuple[Check, Any]:
    from cctrace.install import events as ev
    from cctrace.install.claude import claude_version, find_claude

    binary = find_claude(None, env)
    if binary is None:
        return Check("claude", WARN, "claude not found on PATH",
                     "install Claude Code, or set CCTRACE_CLAUDE_BIN"), None
    version = claude_version(binary)
    if version is None:
        return Check("claude", WARN, f"{binary} did not report its version",
                     "run `claude --version` to see why"), None
    text = ev.format_version(version)
    if version < ev.OLDEST_VERIFIED:
        return Check("claude", FAIL, f"Claude Code {text} is older than "
                     f"{ev.format_version(ev.OLDEST_VERIFIED)}", "upgrade Claude Code",
                     {"version": text}), version
    return Check("claude", OK, f"Claude Code {text} ({binary})", "",
                 {"version": text, "binary": binary}), version


def spool_backlog(state_dir: str, now_s: float) -> tuple[int, float | None]:
    """(events waiting, age in seconds of the oldest), from file names and mtimes only."""
    from cctrace.spool import layout

    seqs = layout.list_seqs(state_dir)
    if not seqs:
        return 0, None
    try:
        oldest = os.stat(os.path.join(layout.spool_dir(state_dir),
                                      layout.event_name(seqs[0]))).st_mtime
    except OSError:
        return len(seqs), None
    return len(seqs), max(now_s - oldest, 0.0)


def check_worker_and_spool(state_dir: str, now_s: float) -> list[Check]:
    from cctrace.worker import lifecycle

    pid = lifecycle.worker_pid(state_dir)
    count, age = spool_backlog(state_dir, now_s)
    info = lifecycle.read_worker_info(state_dir)
    checks = []
    python = info["python"] if info else None
    if python and not os.path.exists(python):
        checks.append(Check("worker", FAIL, f"worker python {python} is gone",
                            "cctrace install --worker-only (from the python cctrace runs on)",
                            {"pid": pid}))
    elif pid:
        checks.append(Check("worker", OK, f"running (pid {pid})", "", {"pid": pid}))
    elif count:
        checks.append(Check("worker", WARN, f"not running with {count} event(s) waiting",
                            "cctrace flush (and see <state dir>/logs/worker.log)",
                            {"pid": None}))
    else:
        checks.append(Check("worker", OK, "idle (starts on the next hook event)", "",
                            {"pid": None}))
    data = {"pending": count, "oldest_age_s": age}
    if count >= SPOOL_BACKLOG_WARN or (age is not None and age > SPOOL_AGE_WARN_S):
        checks.append(Check("spool", WARN, f"{count} event(s) waiting, oldest "
                            f"{_age(age)} old", "cctrace flush", data))
    else:
        checks.append(Check("spool", OK, f"{count} event(s) waiting" if count else "empty",
                            "", data))
    return checks


def check_writable(state_dir: str) -> Check:
    """Can the hook spool here? A read-only or full state dir loses every event, and the
    hook cannot even count that loss there, so only a probe like this one can tell."""
    from cctrace.spool import layout

    folders = [d for d in (state_dir, layout.spool_dir(state_dir)) if os.path.isdir(d)]
    for folder in folders:
        probe = os.path.join(folder, f".doctor-probe-{os.getpid()}")
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"probe")
            finally:
                os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            return Check("state dir", FAIL, f"{folder} is not writable ({exc.strerror}): hook "
                         "events are lost and cannot be counted there",
                         "make it writable (remount, free space, or chown it to you); "
                         "`cctrace flush` then recovers the turns from the transcripts",
                         {"writable": False, "errno": exc.errno})
    return Check("state dir", OK, "writable", "", {"writable": True})


def check_hook_counters(state_dir: str) -> Check:
    from cctrace.hook.main import read_counters

    counters = read_counters(state_dir)
    bad = {k: v for k, v in counters.items() if v}
    if bad.get("hook.env_ignored"):
        return Check("hook", FAIL, f"{bad['hook.env_ignored']} event(s) arrived with "
                     "CCTRACE_HOME or CCTRACE_CONFIG naming another place: recorded here all "
                     "the same; a project's settings or .env may be trying to move cctrace",
                     "cctrace findings --kind destination; remove the variable from the "
                     "project's .claude/settings*.json env or your shell", counters)
    if bad:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(bad.items()))
        return Check("hook", WARN, f"hook anomalies: {listed}",
                     f"see {os.path.join(state_dir, 'logs')} (hook.log)", counters)
    return Check("hook", OK, "no hook event lost", "", counters)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_limits(state_dir: str, cfg: Any) -> Check:
    """Spool, store and logs against their caps: warn from `WARN_SHARE` of a cap on, and
    when a cap has already cost something (events dropped, traces evicted, ingestion paused)."""
    from cctrace.spool import limits as spool_limits
    from cctrace.spool.diag import log_path
    from cctrace.store.db import Store
    from cctrace.worker import limits

    caps = limits.caps(cfg) if cfg is not None else limits.Caps()
    used = {"spool": spool_limits.spool_usage(state_dir)[1], "store": 0, "log": 0}
    with Store.open(state_dir) as store:
        used["store"] = store.live_bytes()
        counters = store.counters()
    for name in ("hook", "worker"):
        try:
            used["log"] = max(used["log"], os.path.getsize(log_path(state_dir, name)))
        except OSError:
            pass
    cap_of = {"spool": caps.spool_bytes, "store": caps.store_bytes, "log": caps.log_bytes}
    data: dict[str, Any] = {f"{k}_bytes": v for k, v in used.items()}
    data.update({f"{k}_cap_bytes": v for k, v in cap_of.items()})
    from cctrace.hook.main import read_counters

    paid = (("dropped_cap", "events dropped at the spool cap",
             read_counters(state_dir).get("hook.dropped_cap", 0)),
            ("evicted_cap", "traces evicted at the store cap",
             counters.get("store.evicted_cap", 0)),
            ("full_cap", "ingestion pauses at the store cap", counters.get("store.full_cap", 0)))
    data.update({key: n for key, _, n in paid})
    near = [f"{k} {_mb(used[k])} of {_mb(cap)}" for k, cap in cap_of.items()
            if cap and used[k] >= spool_limits.WARN_SHARE * cap]
    costs = [f"{n} {what}" for _, what, n in paid if n]
    if near or costs:
        return Check("limits", WARN, "; ".join(near + costs),
                     "cctrace flush (a destination that is down keeps the spool and store "
                     "full), or raise limits.spool_mb / limits.store_mb with cctrace config "
                     "set", data)
    shown = ", ".join(f"{k} {_mb(used[k])}" + (f" of {_mb(cap)}" if cap else "")
                      for k, cap in cap_of.items())
    return Check("limits", OK, shown, "", data)


def check_transcripts(state_dir: str) -> Check:
    """What reading transcripts and spool entries had to skip or repair (never silent)."""
    from cctrace.store.db import Store

    with Store.open(state_dir) as store:
        counters = store.counters()
    unknown = {k.split(".", 1)[1]: v for k, v in counters.items()
               if k.startswith("transcript_skipped.") and v}
    problems = {k: v for k, v in counters.items() if v and (
        k in ("transcript_bad_lines", "transcript_read_errors", "spool_unusable_events",
              "spool.quarantined", "store.rebuilt", "transcript_unreadable_records",
              "transcript_record_errors") or k.startswith("transcript_reset_"))}
    data = {"unknown_record_types": unknown, **problems}
    parts = [f"{k} {v}" for k, v in sorted(problems.items())]
    if unknown:
        parts.append("record types skipped: " + ", ".join(
            f"{k} {v}" for k, v in sorted(unknown.items())))
    if problems:
        return Check("transcripts", WARN, "; ".join(parts),
                     f"see {os.path.join(state_dir, 'logs')} (worker.log); `cctrace import` "
                     "re-reads a transcript from its start", data)
    if unknown:
        return Check("transcripts", OK, "; ".join(parts) + " (written by a newer Claude Code? "
                     "an upgrade of cctrace may capture them)", "", data)
    return Check("transcripts", OK, "nothing skipped", "", data)


def check_quarantine(state_dir: str) -> Check:
    """Events the worker could not process (their ids and sizes are kept): a problem."""
    from cctrace.spool import quarantine

    n = quarantine.count(state_dir)
    if not n:
        return Check("quarantine", OK, "empty")
    return Check("quarantine", FAIL, f"{n} hook event(s) the worker could not process "
                 "(ids and sizes kept, encrypted)",
                 f"see {os.path.join(state_dir, 'logs')} (worker.log names the error type); "
                 "`cctrace import <transcript>` re-reads their sessions; then `cctrace purge "
                 "--quarantine` deletes the records", {"quarantined": n})


def check_store(state_dir: str, cfg: Any, now_s: float) -> list[Check]:
    from cctrace.export import outbox
    from cctrace.export.destinations import configured_names, destinations, safe_url
    from cctrace.store.db import Store

    with Store.open(state_dir) as store:
        counts = store.outbox_counts()
        dead = store.dead_letters()
        last = store.last_delivered_ns()
        sessions = len(store.sessions(limit=1))
        dest_findings = len(store.findings(kind="destination"))
        failing = store.failing()
    pending_by = {n: c["pending"] for n, c in counts.get("by_destination", {}).items()
                  if c.get("pending")}
    checks = []
    if dest_findings:
        checks.append(Check("destination", FAIL, f"{dest_findings} destination finding(s): "
                            "a session's environment named a destination, key or state dir "
                            "that cctrace ignored", "cctrace findings --kind destination",
                            {"findings": dest_findings}))
    data = {"pending": counts.get("pending", 0), "delivered": counts.get("delivered", 0),
            "dead": counts.get("dead", 0)}
    if dead:
        reason = (dead[0].get("reason") or "")[:120]
        checks.append(Check("outbox", FAIL, f"{len(dead)} batch(es) given up (latest: "
                            f"{reason})", "fix the destination, then re-send with "
                            "`cctrace flush`; details in <state dir>/logs", data))
    elif failing:
        first = failing[0]
        checks.append(Check("outbox", FAIL, "exports failing: " + ", ".join(
            f"{r['destination']} {r['n']} batch(es) retried up to {r['attempts']}x"
            for r in failing) + f" (latest: {(first.get('error') or '')[:120]})",
            "check the destination (cctrace doctor contacts it), then `cctrace flush`",
            {**data, "failing": failing}))
    elif data["pending"]:
        checks.append(Check("outbox", OK if data["pending"] < 100 else WARN,
                            f"{data['pending']} batch(es) waiting to be sent",
                            "cctrace flush" if data["pending"] >= 100 else "", data))
    else:
        checks.append(Check("outbox", OK, "nothing waiting", "", data))
    enabled = bool(cfg and (cfg.langfuse_enabled or cfg.otlp_enabled))
    last_data = dict(last)
    reached = outbox.last_deliveries(state_dir)
    current = {d.name: safe_url(d.url) for d in destinations(cfg)} if cfg else {}
    elsewhere = {n: r["url"] for n, r in reached.items() if current.get(n) != r["url"]}
    last_data["reached"] = {n: r["url"] for n, r in reached.items()}
    orphans = {n: c for n, c in pending_by.items()
               if n not in (configured_names(cfg) if cfg else [])}
    if orphans:
        checks.append(Check("queued", WARN, "batches wait for a destination the config no "
                            "longer names: " + ", ".join(f"{n} {c}" for n, c in
                                                         sorted(orphans.items())),
                            "configure it again (cctrace setup / cctrace config set) to send "
                            "them, or drop them: cctrace flush --drop DEST",
                            {"orphaned": orphans}))
    if not enabled:
        checks.append(Check("export", SKIP, "local only (no destination configured)", "",
                            last_data))
    elif elsewhere:
        checks.append(Check("export", FAIL, "last delivery went to a destination the config "
                            "does not name: " + ", ".join(f"{n} {u}" for n, u in
                                                         sorted(elsewhere.items())),
                            "check `cctrace config list` and `cctrace findings --kind "
                            "destination`", last_data))
    elif last:
        checks.append(Check("export", OK, "last delivery " + ", ".join(
            f"{dest} {_age(now_s - ns / 1e9)} ago"
            + (f" to {reached[dest]['url']}" if dest in reached else "")
            for dest, ns in sorted(last.items())), "", last_data))
    elif sessions or data["pending"]:
        checks.append(Check("export", WARN, "nothing delivered yet",
                            "cctrace flush, then cctrace doctor", last_data))
    else:
        checks.append(Check("export", OK, "nothing recorded yet, nothing to send", "",
                            last_data))
    return checks


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def check_permissions(state_dir: str, config_file: str | None = None) -> Check:
    """The state dir and every folder in it 0700, every file 0600 (no group/other bits)."""
    if not os.path.isdir(state_dir):
        return Check("permissions", OK, f"{state_dir} does not exist yet")
    loose: list[str] = []
    public = os.path.join(state_dir, "demo", "samples")  # copies of the bundled samples
    for folder, dirs, files in os.walk(state_dir):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))
                   and os.path.join(folder, d) != public]
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            try:
                mode = os.lstat(name).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                continue
            if mode & 0o077:
                loose.append(f"{name} ({stat.S_IMODE(mode):04o})")
        if len(loose) > 20:
            break
    if config_file and os.path.isfile(config_file) and not config_file.startswith(
            state_dir + os.sep):
        mode = os.stat(config_file).st_mode
        if mode & 0o077:
            loose.append(f"{config_file} ({stat.S_IMODE(mode):04o})")
    if loose:
        return Check("permissions", FAIL, f"readable by others: {', '.join(loose[:5])}"
                     + (" ..." if len(loose) > 5 else ""),
                     f"cctrace doctor --fix (or chmod -R go-rwx {state_dir})",
                     {"loose": loose})
    return Check("permissions", OK, f"{state_dir} is private (0700 / 0600)")


@dataclass
class Repair:
    """One mode `doctor --fix` changed (or could not change: `error`)."""

    path: str
    old_mode: int
    new_mode: int
    error: str = ""

    def line(self) -> str:
        if self.error:
            return (f"could not chmod {self.path} ({self.old_mode:04o} -> "
                    f"{self.new_mode:04o}): {self.error}")
        return f"chmod {self.new_mode:04o} {self.path} (was {self.old_mode:04o})"


def _private_paths(state_dir: str) -> list[str]:
    """The state dir, every folder and file in it (not following links), as checked by
    `check_permissions` (the public demo samples aside)."""
    out: list[str] = []
    public = os.path.join(state_dir, "demo", "samples")
    for folder, dirs, files in os.walk(state_dir):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))
                   and os.path.join(folder, d) != public]
        out.append(folder)
        out.extend(os.path.join(folder, f) for f in files)
    return out


def repair_permissions(state_dir: str, config_file: str | None = None) -> list[Repair]:
    """Take group and other bits off the state dir, everything in it and the config file.

    Owner bits are kept (a 0755 folder becomes 0700, a 0644 file 0600), so nothing the
    owner can do today stops working. Links are never followed or changed.
    """
    paths = _private_paths(state_dir) if os.path.isdir(state_dir) else []
    if config_file and os.path.isfile(config_file) and not config_file.startswith(
            state_dir + os.sep):
        paths.append(config_file)
    done: list[Repair] = []
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue  # gone meanwhile (a spool file the worker consumed)
        if stat.S_ISLNK(mode) or not mode & 0o077:
            continue
        old = stat.S_IMODE(mode)
        new = old & ~0o077
        try:
            os.chmod(path, new)
        except OSError as exc:
            done.append(Repair(path, old, new, exc.strerror or exc.__class__.__name__))
            continue
        done.append(Repair(path, old, new))
    return done


def check_config(state_dir: str) -> tuple[Check, Any]:
    from cctrace import config as config_mod

    try:
        cfg = config_mod.load(state_dir)
    except config_mod.ConfigError as exc:
        return Check("config", FAIL, str(exc), "fix it with `cctrace config` or by hand"), None
    from cctrace.export.destinations import problems, safe_url

    bad = problems(cfg)
    if bad:
        return Check("config", FAIL, "; ".join(f"{name} not used: {why}"
                                               for name, why in sorted(bad.items())),
                     "cctrace setup, or cctrace config set KEY VALUE", {"unusable": bad}), cfg
    dests = []
    if cfg.langfuse_enabled:
        dests.append(f"Langfuse {safe_url(cfg.langfuse_base_url or '')}")
    if cfg.otlp_enabled:
        dests.append(f"OTLP {safe_url(cfg.otlp_endpoint or '')}")
    try:
        from cctrace.policy import Policy

        level = Policy.from_config(cfg).level
    except config_mod.ConfigError as exc:
        return Check("config", FAIL, str(exc), "cctrace config list"), cfg
    return Check("config", OK, f"capture level {level}; "
                 + ("; ".join(dests) if dests else "local only"), "",
                 {"destinations": dests, "capture_level": level}), cfg


def check_destinations(cfg: Any) -> list[Check]:
    checks = []
    if cfg is None:
        return checks
    if cfg.langfuse_enabled:
        probe = check_langfuse_credentials(cfg.langfuse_base_url, cfg.langfuse_public_key,
                                           cfg.langfuse_secret_key)
        fix = "" if probe.ok else (
            "check the keys (cctrace setup)" if probe.status_code in (401, 403)
            else "check the URL and your network (cctrace setup)")
        checks.append(Check("langfuse", OK if probe.ok else FAIL, probe.message, fix,
                            {"status_code": probe.status_code}))
    if cfg.otlp_enabled:
        probe = check_otlp_endpoint(cfg.otlp_endpoint, cfg.otlp_headers)
        checks.append(Check("otlp", OK if probe.ok else FAIL, probe.message,
                            "" if probe.ok else "check otlp.endpoint and otlp.headers",
                            {"status_code": probe.status_code}))
    return checks


# --------------------------------------------------------------------------- commands


def run_checks(*, offline: bool, cwd: str | None = None, env: Mapping[str, str] | None = None,
               state_dir: str | None = None, now_s: float | None = None,
               probe_claude: bool = True) -> list[Check]:
    """Every check, in the order `doctor` prints them."""
    from cctrace import config as config_mod

    env = os.environ if env is None else env
    cwd = cwd or os.getcwd()
    root = state_dir or statedir.state_dir()
    now_s = time.time() if now_s is None else now_s
    checks: list[Check] = []
    version = None
    if probe_claude:
        claude, version = check_claude(env)
        checks.append(claude)
    checks.append(check_hooks(cwd, env, version))
    checks.append(check_pin(cwd, env, root))
    cfg_check, cfg = check_config(root)
    checks.append(cfg_check)
    checks.append(check_environment(cfg, env))
    # Before anything opens the store: opening it tightens the database file's mode.
    checks.append(check_permissions(root, config_mod.config_path(root)))
    plugin = check_plugin_runtime(env, root)
    checks.append(plugin)
    worker = check_worker_and_spool(root, now_s)
    if plugin.status in (WARN, FAIL) and worker[0].status == WARN:
        worker[0].fix = "the plugin's runtime is not ready: see 'runtime' above"
    checks += worker
    checks.append(check_writable(root))
    checks.append(check_hook_counters(root))
    if os.path.isdir(root):
        checks += check_store(root, cfg, now_s)
        checks.append(check_limits(root, cfg))
        checks.append(check_transcripts(root))
        checks.append(check_quarantine(root))
    if offline:
        if cfg is not None and (cfg.langfuse_enabled or cfg.otlp_enabled):
            checks.append(Check("destination", SKIP, "not contacted (--offline)"))
    else:
        checks += check_destinations(cfg)
    return checks


def exit_code(checks: list[Check], strict: bool = False) -> int:
    bad = {FAIL, WARN} if strict else {FAIL}
    return 1 if any(c.status in bad for c in checks) else 0


def doctor_lines(checks: list[Check]) -> list[str]:
    lines = []
    width = max((len(c.name) for c in checks), default=0)
    for c in checks:
        lines.append(f"{MARK[c.status]}  {c.name:<{width}}  {c.detail}")
        if c.fix and c.status in (WARN, FAIL):
            lines.append(f"      {'':<{width}}  fix: {c.fix}")
    fails = sum(c.status == FAIL for c in checks)
    warns = sum(c.status == WARN for c in checks)
    lines.append("")
    lines.append("all good" if not (fails or warns) else
                 f"{fails} problem(s), {warns} warning(s)")
    return lines


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "doctor", help="check that tracing works here, and say how to fix what does not",
        description="Check hooks (as Claude Code merges user, project and local settings "
        "for this folder), Claude Code, the worker, spool, outbox, permissions, config, "
        "and whether the destination is reachable with valid credentials.")
    p.add_argument("--offline", action="store_true", help="do not contact the destination")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--fix", action="store_true",
                   help="repair what can be repaired here (state dir 0700, its files "
                        "0600), say what was changed, then check again")
    p.set_defaults(func=run_doctor)
    s = subparsers.add_parser(
        "status", help="tracing health in brief (local checks only; --json for scripts)",
        description="The local health checks of `cctrace doctor` in brief (no network).")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=run_status)


def _as_json(checks: list[Check]) -> dict[str, Any]:
    return {"ok": exit_code(checks) == 0, "state_dir": statedir.state_dir(),
            "checks": [asdict(c) for c in checks]}


def run_fix(state_dir: str | None = None,
            env: Mapping[str, str] | None = None) -> list[Repair]:
    """What `doctor --fix` repairs: the modes of the state dir and the config file."""
    from cctrace import config as config_mod

    root = state_dir or statedir.state_dir()
    return repair_permissions(root, config_mod.config_path(root))


def fix_lines(repairs: list[Repair]) -> list[str]:
    if not repairs:
        return ["fix: nothing to repair", ""]
    changed = sum(not r.error for r in repairs)
    return ([f"fix: {changed} permission(s) tightened"
             + (f", {len(repairs) - changed} could not be" if changed < len(repairs) else "")]
            + [f"  {r.line()}" for r in repairs] + [""])


def run_doctor(args: argparse.Namespace) -> int:
    repairs = None
    if getattr(args, "fix", False):
        # Found (and repaired) here; the checks below then show the state after the fix.
        repairs = run_fix()
    checks = run_checks(offline=args.offline)
    if args.json:
        out = _as_json(checks)
        if repairs is not None:
            out["fixed"] = [asdict(r) | {"text": r.line()} for r in repairs]
        print(json.dumps(out, indent=2, default=str))
    else:
        if repairs is not None:
            print("\n".join(fix_lines(repairs)))
        print("\n".join(doctor_lines(checks)))
    return exit_code(checks, args.strict)


def run_status(args: argparse.Namespace) -> int:
    checks = run_checks(offline=True)
    if args.json:
        print(json.dumps(_as_json(checks), indent=2, default=str))
    else:
        for c in checks:
            if c.status != SKIP:
                print(f"{c.name + ':':<13} {c.detail}")
        bad = [c.name for c in checks if c.status == FAIL]
        if bad:
            print(f"problems: {', '.join(bad)} (run `cctrace doctor`)", file=sys.stderr)
    return exit_code(checks)
