"""`cctrace doctor` / `cctrace status`: each check's verdict and fix, exit codes, JSON."""

from __future__ import annotations

import json
import os
import time

import pytest

from cctrace.cli import doctor
from cctrace.cli import main as cli_main
from cctrace.install import settings as st
from cctrace.spool import diag
from cctrace.spool.writer import append
from cctrace.store.db import Store
from cli.langfuse_standin import PROJECT, PUBLIC_KEY, SECRET_KEY, LangfuseStandIn
from support.configure import langfuse_toml, otlp_toml, write_config

ALL_2_1 = ("2.1.328",)


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["install", "doctor", "config"])
    home = tmp_path / "home"
    project = tmp_path / "proj"
    project.mkdir()
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(project)
    fake_claude(tmp_path, monkeypatch, "2.1.328")
    return tmp_path


def fake_claude(tmp_path, monkeypatch, version: str) -> None:
    binary = tmp_path / f"claude-{version}"
    binary.write_text(f"#!/bin/sh\necho '{version} (Claude Code)'\n")
    binary.chmod(0o755)
    monkeypatch.setenv("CCTRACE_CLAUDE_BIN", str(binary))


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def by_name(checks):
    return {c.name: c for c in checks}


def test_nothing_installed_fails_with_the_fix(capsys):
    code, out, _ = run(capsys, "doctor", "--offline")
    assert code == 1
    assert "FAIL  hooks" in out and "fix: cctrace install" in out
    assert "OK    claude         Claude Code 2.1.328" in out


def test_installed_user_scope_is_healthy(capsys):
    assert run(capsys, "install")[0] == 0
    code, out, _ = run(capsys, "doctor", "--offline")
    assert code == 0, out
    assert "OK    hooks" in out and "13 events via user" in out
    assert out.rstrip().endswith("all good")


def test_hooks_are_judged_as_claude_code_merges_the_scopes(capsys, _env, monkeypatch):
    assert run(capsys, "install", "--scope", "project")[0] == 0
    checks = by_name(doctor.run_checks(offline=True))
    assert checks["hooks"].status == doctor.OK and checks["hooks"].data["scopes"] == ["project"]
    # disableAllHooks in the local file switches every hook off, ours included.
    local = st.settings_path("local", os.getcwd(), os.environ)
    st.write_atomic(local, json.dumps({"disableAllHooks": True}))
    check = by_name(doctor.run_checks(offline=True))["hooks"]
    assert check.status == doctor.FAIL and "disableAllHooks" in check.detail
    os.unlink(local)
    # Installed twice (project and user): a warning, with the way out.
    assert run(capsys, "install", "--scope", "user")[0] == 0
    check = by_name(doctor.run_checks(offline=True))["hooks"]
    assert check.status == doctor.WARN and "uninstall" in check.fix


def test_a_release_that_does_not_know_an_event_loses_the_file(capsys, _env, monkeypatch):
    assert run(capsys, "install")[0] == 0  # for 2.1.328: StopFailure, PostCompact...
    fake_claude(_env, monkeypatch, "2.0.77")
    check = by_name(doctor.run_checks(offline=True))["hooks"]
    assert check.status == doctor.FAIL
    assert "StopFailure" in check.detail and check.fix == "cctrace install --scope user"
    # Re-installing for the older release fixes it.
    assert run(capsys, "install")[0] == 0
    assert by_name(doctor.run_checks(offline=True))["hooks"].status == doctor.OK


def test_missing_events_and_missing_entry_point(capsys, _env):
    path = st.settings_path("user", os.getcwd(), os.environ)
    command = st.hook_command("/usr/bin/python3", str(_env / "gone" / "cctrace" / "hook"
                                                      / "entry.py"))
    st.write_atomic(path, st.render(st.merge({}, command, ["SessionStart"])))
    check = by_name(doctor.run_checks(offline=True))["hooks"]
    assert check.status == doctor.FAIL and "does not exist" in check.detail
    assert run(capsys, "install")[0] == 0
    doc = st.read(path)
    del doc["hooks"]["Stop"]
    st.write_atomic(path, st.render(doc))
    check = by_name(doctor.run_checks(offline=True))["hooks"]
    assert check.status == doctor.WARN and "Stop" in check.detail


def test_spool_backlog_without_worker_and_hook_losses(_env):
    home = os.environ["CCTRACE_HOME"]
    old = time.time() - 3600
    for _ in range(2):
        append(home, b'{"secret": "raw payload"}', received_ns=int(old * 1e9), event="Stop")
    for name in os.listdir(os.path.join(home, "spool")):
        os.utime(os.path.join(home, "spool", name), (old, old))
    diag.bump_counter(home, "hook.lost", 3)
    checks = by_name(doctor.run_checks(offline=True, probe_claude=False))
    assert checks["worker"].status == doctor.WARN and "2 event(s)" in checks["worker"].detail
    assert checks["spool"].status == doctor.WARN and checks["spool"].data["pending"] == 2
    assert checks["spool"].detail.endswith("60m old")
    assert checks["hook"].status == doctor.WARN and "hook.lost 3" in checks["hook"].detail


def test_limits_warn_before_the_cap_and_when_it_cost_something(_env, capsys):
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home, mode=0o700, exist_ok=True)
    checks = by_name(doctor.run_checks(offline=True, probe_claude=False))
    assert checks["limits"].status == doctor.OK, checks["limits"].detail
    assert "of 512.0 MB" in checks["limits"].detail
    # 85% of a 1 MB spool cap: warned before anything is dropped.
    append(home, b"x" * int(0.85 * 1024 * 1024), received_ns=time.time_ns(), event="Stop")
    assert run(capsys, "config", "set", "limits.spool_mb", "1")[0] == 0
    limits = by_name(doctor.run_checks(offline=True, probe_claude=False))["limits"]
    assert limits.status == doctor.WARN and limits.detail.startswith("spool 0.9 MB of 1.0 MB")
    assert limits.data["dropped_cap"] == 0 and "limits.spool_mb" in limits.fix
    assert run(capsys, "config", "set", "limits.spool_mb", "0")[0] == 0  # no cap
    diag.bump_counter(home, "hook.dropped_cap", 4)
    with Store.open(home) as store:
        store.bump("store.evicted_cap", 2)
    limits = by_name(doctor.run_checks(offline=True, probe_claude=False))["limits"]
    assert limits.status == doctor.WARN
    assert "4 events dropped at the spool cap" in limits.detail
    assert "2 traces evicted at the store cap" in limits.detail
    assert "spool 0.9 MB" not in limits.detail


def test_dead_letters_and_last_delivery(_env, monkeypatch):
    write_config(otlp_toml("http://127.0.0.1:9/v1/traces"))
    with Store.open() as store:
        ok = store.enqueue_batch("otlp", b"x", ["a"])
        store.mark_delivered(ok, 200)
        checks = by_name(doctor.run_checks(offline=True, probe_claude=False))
        assert checks["outbox"].status == doctor.OK
        assert checks["export"].status == doctor.OK and "otlp" in checks["export"].detail
        dead = store.enqueue_batch("otlp", b"y", ["b"])
        store.dead_letter(dead, 400, "HTTP 400: bad span")
    check = by_name(doctor.run_checks(offline=True, probe_claude=False))["outbox"]
    assert check.status == doctor.FAIL and "HTTP 400: bad span" in check.detail


def test_permissions(_env):
    home = os.environ["CCTRACE_HOME"]
    Store.open().close()
    assert by_name(doctor.run_checks(offline=True, probe_claude=False))[
        "permissions"].status == doctor.OK
    loose = os.path.join(home, "cctrace.db")
    os.chmod(loose, 0o644)
    check = by_name(doctor.run_checks(offline=True, probe_claude=False))["permissions"]
    assert check.status == doctor.FAIL and "cctrace.db (0644)" in check.detail
    assert check.fix == f"cctrace doctor --fix (or chmod -R go-rwx {home})"
    os.chmod(loose, 0o600)
    os.chmod(home, 0o755)
    check = by_name(doctor.run_checks(offline=True, probe_claude=False))["permissions"]
    assert check.status == doctor.FAIL and f"{home} (0755)" in check.detail


def test_fix_reports_then_repairs_loose_modes(_env, capsys, monkeypatch):
    monkeypatch.setenv("CCTRACE_KEYRING", "0")  # the store key lives in <state>/keys
    home = os.environ["CCTRACE_HOME"]
    Store.open().close()
    append(home, b'{"hook": "payload"}', received_ns=time.time_ns(), event="Stop")
    spool = os.path.join(home, "spool")
    spool_file = os.path.join(spool, sorted(os.listdir(spool))[0])
    keys_dir = os.path.join(home, "keys")
    key_file = os.path.join(keys_dir, sorted(os.listdir(keys_dir))[0])
    db = os.path.join(home, "cctrace.db")
    loosened = {home: 0o755, db: 0o644, key_file: 0o644, spool_file: 0o644}
    for path, mode in loosened.items():
        os.chmod(path, mode)

    code, out, _ = run(capsys, "doctor", "--offline", "--json")  # reports each one
    check = {c["name"]: c for c in json.loads(out)["checks"]}["permissions"]
    assert code == 1 and check["status"] == doctor.FAIL
    assert "cctrace doctor --fix" in check["fix"]
    assert sorted(check["data"]["loose"]) == sorted(
        f"{p} ({m:04o})" for p, m in loosened.items())
    assert os.stat(key_file).st_mode & 0o777 == 0o644  # only --fix changes modes
    for path, mode in loosened.items():
        os.chmod(path, mode)  # (opening the store for its checks tightens the db itself)

    code, out, _ = run(capsys, "doctor", "--offline", "--fix", "--json")
    report = json.loads(out)
    fixed = {r["path"]: (r["old_mode"], r["new_mode"], r["error"]) for r in report["fixed"]}
    assert fixed == {home: (0o755, 0o700, ""), db: (0o644, 0o600, ""),
                     key_file: (0o644, 0o600, ""), spool_file: (0o644, 0o600, "")}
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["permissions"]["status"] == doctor.OK
    assert os.stat(home).st_mode & 0o777 == 0o700
    for path in (db, key_file, spool_file):
        assert os.stat(path).st_mode & 0o777 == 0o600, path

    for path, mode in loosened.items():
        os.chmod(path, mode)
    code, out, _ = run(capsys, "doctor", "--offline", "--fix")
    assert "fix: 4 permission(s) tightened" in out
    assert f"chmod 0600 {key_file} (was 0644)" in out and f"chmod 0700 {home} (was 0755)" in out
    assert "OK    permissions" in out
    code, out, _ = run(capsys, "doctor", "--offline", "--fix")  # nothing left to do
    assert "fix: nothing to repair" in out


def test_fix_keeps_owner_bits_and_leaves_links_alone(tmp_path):
    state = tmp_path / "state"
    (state / "sub").mkdir(parents=True)
    script = state / "sub" / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o775)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (state / "link").symlink_to(outside)
    state.chmod(0o755)
    (state / "sub").chmod(0o750)
    repairs = doctor.repair_permissions(str(state))
    assert {r.path: (r.old_mode, r.new_mode) for r in repairs} == {
        str(state): (0o755, 0o700), str(state / "sub"): (0o750, 0o700),
        str(script): (0o775, 0o700)}
    assert script.stat().st_mode & 0o777 == 0o700
    assert outside.stat().st_mode & 0o777 == 0o644


def test_destination_credentials_checked_against_the_server(capsys, monkeypatch):
    with LangfuseStandIn() as server:
        write_config(langfuse_toml(server.base_url, PUBLIC_KEY, SECRET_KEY))
        check = by_name(doctor.run_checks(offline=False, probe_claude=False))["langfuse"]
        assert check.status == doctor.OK and PROJECT in check.detail
        assert server.requests == [{"method": "GET", "path": "/api/public/projects",
                                    "auth_ok": True}]
        write_config(langfuse_toml(server.base_url, PUBLIC_KEY, "sk-lf-wrong"))
        check = by_name(doctor.run_checks(offline=False, probe_claude=False))["langfuse"]
        assert check.status == doctor.FAIL and "refused" in check.detail
        assert "check the keys" in check.fix
        server.requests.clear()
        checks = by_name(doctor.run_checks(offline=True, probe_claude=False))
        assert checks["destination"].status == doctor.SKIP and server.requests == []
        code, out, err = run(capsys, "doctor")
        assert code == 1 and SECRET_KEY not in out + err and "sk-lf-wrong" not in out + err
    write_config(langfuse_toml(server.base_url, PUBLIC_KEY, SECRET_KEY))
    check = by_name(doctor.run_checks(offline=False, probe_claude=False))["langfuse"]
    assert check.status == doctor.FAIL and "unreachable" in check.detail


def test_status_json_for_scripts(capsys, monkeypatch):
    write_config(langfuse_toml("http://127.0.0.1:9", PUBLIC_KEY, SECRET_KEY))
    assert run(capsys, "install")[0] == 0
    code, out, _ = run(capsys, "status", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True
    names = [c["name"] for c in doc["checks"]]
    assert {"hooks", "worker", "spool", "outbox", "permissions", "config"} <= set(names)
    assert "langfuse" not in names  # status never goes to the network
    assert SECRET_KEY not in out
    code, out, _ = run(capsys, "status")
    assert code == 0 and out.startswith("claude:")


def test_failing_exports_and_a_delivery_elsewhere_turn_doctor_and_status_red(_env, capsys):
    from cctrace.export import outbox

    write_config(otlp_toml("http://127.0.0.1:9/v1/traces"))
    with Store.open() as store:
        batch = store.enqueue_batch("otlp", b"x", ["a"])
        store.mark_retry(batch, "connection refused", 0)
    check = by_name(doctor.run_checks(offline=True, probe_claude=False))["outbox"]
    assert check.status == doctor.FAIL and "connection refused" in check.detail
    assert run(capsys, "status")[0] != 0
    with Store.open() as store:
        store.mark_delivered(batch, 200)
    state = os.environ["CCTRACE_HOME"]
    outbox.note_delivered(state, {"otlp": "http://127.0.0.1:9/v1/traces"})
    export = by_name(doctor.run_checks(offline=True, probe_claude=False))["export"]
    assert export.status == doctor.OK and "to http://127.0.0.1:9/v1/traces" in export.detail
    outbox.note_delivered(state, {"otlp": "https://elsewhere.example/v1/traces"})
    export = by_name(doctor.run_checks(offline=True, probe_claude=False))["export"]
    assert export.status == doctor.FAIL and "elsewhere.example" in export.detail


def test_batches_for_a_removed_destination_are_listed_and_can_be_dropped(_env, capsys,
                                                                        monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["doctor", "flush"])
    with Store.open() as store:
        store.enqueue_batch("langfuse", b"x", ["a"])
    queued = by_name(doctor.run_checks(offline=True, probe_claude=False))["queued"]
    assert queued.status == doctor.WARN and "langfuse 1" in queued.detail
    assert "flush --drop" in queued.fix
    write_config(langfuse_toml("https://lf.example.org", "pk-lf-1", "sk-lf-1"))
    assert run(capsys, "flush", "--drop", "langfuse")[0] == 2  # still configured: refused
    write_config("")
    code, out, _ = run(capsys, "flush", "--drop", "langfuse")
    assert code == 0 and "dropped 1 batch" in out
    assert "queued" not in by_name(doctor.run_checks(offline=True, probe_claude=False))
