"""`cctrace install` / `cctrace uninstall` against settings files in a temp HOME."""

from __future__ import annotations

import argparse
import json
import os
import sys
import types
from pathlib import Path

import pytest

import cctrace
from cctrace.cli import install
from cctrace.cli.main import CliError
from cctrace.install import settings as st
from cctrace.install.events import CORE_EVENTS, EVENTS


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="cctrace")
    install.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    try:
        return args.func(args)
    except CliError as exc:
        print(f"cctrace: error: {exc}", file=sys.stderr)
        return exc.code


def fake_claude(folder: Path, version: str) -> Path:
    binary = folder / "claude"
    binary.write_text(f"#!/bin/sh\necho '{version} (Claude Code)'\n")
    binary.chmod(0o755)
    return binary


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A HOME, a project cwd, a hook file, a claude 2.0.77 on PATH and a fake worker module."""
    home = tmp_path / "home"
    project = tmp_path / "project"
    bindir = tmp_path / "bin"
    for folder in (home, project, bindir):
        folder.mkdir()
    entry = tmp_path / "pkg" / "cctrace" / "hook" / "entry.py"
    entry.parent.mkdir(parents=True)
    entry.write_text("")
    fake_claude(bindir, "2.0.77")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CCTRACE_CLAUDE_BIN", raising=False)
    monkeypatch.chdir(project)
    monkeypatch.setattr(install, "hook_entry_path", lambda: str(entry))
    calls: list[str] = []
    lifecycle = types.ModuleType("cctrace.worker.lifecycle")
    lifecycle.write_worker_info = calls.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cctrace.worker.lifecycle", lifecycle)
    return types.SimpleNamespace(home=home, project=project, bindir=bindir, entry=entry,
                                 worker_calls=calls, user=home / ".claude" / "settings.json")


def ours(path: Path) -> dict:
    return st.our_events(json.loads(path.read_text()))


def test_default_entry_path_is_in_the_package():
    assert install.hook_entry_path() == str(
        Path(cctrace.__file__).resolve().parent / "hook" / "entry.py"
    )


def test_install_user_scope_gates_events_by_release(env, capsys):
    assert run("install") == 0
    got = ours(env.user)
    assert set(got) == set(EVENTS) - {"StopFailure", "PostCompact"}
    command = got["Stop"][0]["command"]
    assert sys.executable in command and str(env.entry) in command
    out = capsys.readouterr().out
    assert str(env.user) in out and "2.0.77" in out and "added: SessionStart" in out
    assert len(env.worker_calls) == 1


def test_install_records_worker_info_in_the_state_dir(env, _isolated_state):
    assert run("install") == 0
    assert env.worker_calls == [str(_isolated_state)]


def test_install_twice_leaves_the_file_byte_identical(env, capsys):
    assert run("install") == 0
    first = env.user.read_bytes()
    assert run("install") == 0
    assert env.user.read_bytes() == first
    assert "up to date" in capsys.readouterr().out


def test_install_keeps_other_settings_and_uninstall_restores_them(env):
    env.user.parent.mkdir()
    original = {"model": "sonnet", "hooks": {"Stop": [{"hooks": [{"type": "command",
                                                                  "command": "say done"}]}]}}
    env.user.write_text(st.render(original))
    assert run("install") == 0
    installed = json.loads(env.user.read_text())
    assert installed["model"] == "sonnet"
    assert installed["hooks"]["Stop"][0] == original["hooks"]["Stop"][0]
    assert run("uninstall") == 0
    assert env.user.read_text() == st.render(original)


def test_claude_config_dir_is_honoured(env, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "cfg"))
    assert run("install") == 0
    assert (tmp_path / "cfg" / "settings.json").is_file()
    assert not env.user.exists()


@pytest.mark.parametrize("scope,name", [("project", "settings.json"),
                                        ("local", "settings.local.json")])
def test_project_and_local_scopes_use_the_cwd(env, scope, name):
    assert run("install", "--scope", scope) == 0
    assert ours(env.project / ".claude" / name)
    assert not env.user.exists()
    assert run("uninstall", "--scope", scope) == 0
    assert not ours(env.project / ".claude" / name)


def test_invalid_json_is_refused_and_left_untouched(env, capsys):
    env.user.parent.mkdir()
    env.user.write_text('{"model": "opus",')
    assert run("install") == 1
    assert env.user.read_text() == '{"model": "opus",'
    assert "not valid JSON" in capsys.readouterr().err
    assert [p.name for p in env.user.parent.iterdir()] == ["settings.json"]


def test_dry_run_writes_nothing(env, capsys):
    assert run("install", "--dry-run") == 0
    assert not env.user.exists()
    assert env.worker_calls == []
    assert "would update" in capsys.readouterr().out


def test_explicit_binary_and_env_binary(env, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    fake_claude(other, "2.1.328")
    assert run("install", "--claude-bin", str(other / "claude")) == 0
    assert set(ours(env.user)) == set(EVENTS)
    monkeypatch.setenv("CCTRACE_CLAUDE_BIN", str(env.bindir / "claude"))
    assert run("install") == 0
    assert "StopFailure" not in ours(env.user)


def test_missing_explicit_binary_is_an_error(env, capsys):
    assert run("install", "--claude-bin", "/nonexistent/claude") == 1
    assert "not found" in capsys.readouterr().err
    assert not env.user.exists()


def test_no_claude_on_path_means_core_events(env, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "")
    assert run("install") == 0
    assert set(ours(env.user)) == set(CORE_EVENTS)
    assert "core events only" in capsys.readouterr().out


def test_unreadable_version_means_core_events(env):
    (env.bindir / "claude").write_text("#!/bin/sh\necho garbage\n")
    assert run("install") == 0
    assert set(ours(env.user)) == set(CORE_EVENTS)


def test_downgrade_removes_events_the_release_lost(env, capsys):
    assert run("install", "--claude-version", "2.1.328") == 0
    assert run("install", "--claude-version", "1.0.128") == 0
    assert set(ours(env.user)) == set(CORE_EVENTS)
    assert "removed: PostToolUseFailure" in capsys.readouterr().out


def test_too_old_release_is_refused(env, capsys):
    assert run("install", "--claude-version", "0.2.9") == 1
    assert "upgrade Claude Code" in capsys.readouterr().err
    assert not env.user.exists()


def test_missing_hook_file_is_an_error(env, capsys):
    env.entry.unlink()
    assert run("install") == 1
    assert "hook entry point missing" in capsys.readouterr().err


def test_enabled_plugin_is_pinned_to_the_same_state_dir(env, capsys, _isolated_state):
    env.user.parent.mkdir()
    env.user.write_text(json.dumps({"enabledPlugins": {"cctrace@cctrace": True}}))
    assert run("install", "--scope", "local") == 0
    out = capsys.readouterr().out
    assert "this hook only the others (never both)" in out
    pin = env.user.parent / "plugins" / "data" / "cctrace-cctrace" / "state-dir"
    assert pin.read_text() == f"{os.path.realpath(_isolated_state)}\n"


def test_worker_only_touches_no_settings(env, _isolated_state):
    assert run("install", "--worker-only") == 0
    assert env.worker_calls == [str(_isolated_state)]
    assert not env.user.exists()


def test_install_records_the_worker_python(env, capsys):
    from cctrace import statedir

    assert run("install") == 0
    assert "worker python recorded" in capsys.readouterr().out
    assert env.worker_calls == [statedir.state_dir()]


def test_uninstall_all_cleans_every_scope_and_reports_bad_files(env, capsys):
    for scope in ("user", "project", "local"):
        assert run("install", "--scope", scope) == 0
    (env.project / ".claude" / "settings.json").write_text("{nope")
    assert run("uninstall", "--all") == 1
    assert not ours(env.user)
    assert not ours(env.project / ".claude" / "settings.local.json")
    assert (env.project / ".claude" / "settings.json").read_text() == "{nope"
    assert "left untouched" in capsys.readouterr().err


def test_uninstall_without_file_is_fine(env, capsys):
    assert run("uninstall") == 0
    assert "no file" in capsys.readouterr().out


def test_scope_and_all_are_exclusive(env):
    with pytest.raises(SystemExit):
        run("uninstall", "--all", "--scope", "user")
