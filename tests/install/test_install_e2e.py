"""The real Claude Code CLI reads what `cctrace install` writes and what the plugin ships.

Offline: the scripted model server stands in for the API, each test has its own HOME. A stub
`cctrace/hook/entry.py` (it appends each event name to a file) shows which of our hooks fired,
so these tests do not depend on the real hook; the last one runs the real hook when present.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cctrace.cli import install
from cctrace.install import settings as st
from cctrace.install.events import CORE_EVENTS, EVENTS
from support.claude import REPO, ClaudeHome, claude_bin, recording_hook_command
from support.model_server import ModelServer, ToolUse, text, tools

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(claude_bin() is None, reason="node_modules/.bin/claude not installed"),
]

STUB = """import json, os, sys
event = json.loads(sys.stdin.read())["hook_event_name"]
fd = os.open(os.environ["CCTRACE_PROBE_OUT"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
os.write(fd, (event + "\\n").encode())
os.close(fd)
"""
# A session with one tool call fires at least these (SessionEnd too, in -p mode).
SESSION_EVENTS = {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop",
                  "SessionEnd"}
SCRIPT = {"[inst]": [tools(ToolUse("Bash", {"command": "true"})), text("done")]}


def write_stub(root: Path) -> Path:
    entry = root / "cctrace" / "hook" / "entry.py"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(STUB)
    return entry


def users_own_stop_hook(home: ClaudeHome, log: Path) -> None:
    command = recording_hook_command(log, "Stop")
    home.write_hooks({"Stop": [{"hooks": [{"type": "command", "command": command}]}]})


def cctrace_install(home: ClaudeHome, monkeypatch, entry: Path | None) -> None:
    """`cctrace install` (user scope) into `home`, asking the real binary for its release."""
    for key, value in home.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CCTRACE_CLAUDE_BIN", str(home.binary))
    if entry is not None:
        monkeypatch.setattr(install, "hook_entry_path", lambda: str(entry))
    parser = argparse.ArgumentParser()
    install.register(parser.add_subparsers())
    args = parser.parse_args(["install"])
    assert args.func(args) == 0


def fired(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_installed_hooks_fire_beside_the_users_own(tmp_path, monkeypatch):
    ours, theirs = tmp_path / "ours.log", tmp_path / "theirs.log"
    entry = write_stub(tmp_path / "stub")
    with ModelServer(SCRIPT) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        users_own_stop_hook(home, theirs)
        cctrace_install(home, monkeypatch, entry)
        # The pinned 2.1.328 gets every event, so this proves it accepts them all.
        assert set(st.our_events(home.read_settings())) == set(EVENTS)
        home.run("[inst] run true", env={"CCTRACE_PROBE_OUT": str(ours)}).check()
    assert SESSION_EVENTS <= set(fired(ours))
    assert [json.loads(line)["event"] for line in theirs.read_text().splitlines()] == ["Stop"]


def claude_cli(home: ClaudeHome, *args: str) -> None:
    proc = subprocess.run([str(home.binary), *args], env=home.env(), cwd=home.project,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"claude {args}: {proc.stdout}\n{proc.stderr}"


def test_plugin_installs_from_the_repository_marketplace(tmp_path):
    home = ClaudeHome(tmp_path, "http://127.0.0.1:9")
    claude_cli(home, "plugin", "marketplace", "add", str(REPO))
    claude_cli(home, "plugin", "install", "cctrace@cctrace")
    assert home.read_settings()["enabledPlugins"] == {"cctrace@cctrace": True}
    installed = json.loads((home.claude_dir / "plugins" / "installed_plugins.json").read_text())
    path = Path(installed["plugins"]["cctrace@cctrace"][0]["installPath"])
    hooks = json.loads((path / "hooks" / "hooks.json").read_text())["hooks"]
    assert list(hooks) == list(CORE_EVENTS)
    assert os.access(path / "bin" / "cctrace-hook", os.X_OK)
    # The package symlink is copied as real files; the hook's package is complete there.
    assert (path / "cctrace" / "statedir.py").is_file()
    assert (path / "cctrace" / "hook").is_dir()
    # A directory marketplace runs hooks from its source folder, where the symlink resolves.
    assert (REPO / "plugins" / "cctrace" / "cctrace" / "statedir.py").is_file()


def test_plugin_hooks_run_the_bundled_hook_through_the_launcher(tmp_path):
    """A copy of the marketplace whose bundled entry.py is the stub: the CLI runs our launcher."""
    market = tmp_path / "market"
    shutil.copytree(REPO / ".claude-plugin", market / ".claude-plugin")
    shutil.copytree(REPO / "plugins", market / "plugins",
                    ignore=shutil.ignore_patterns("__pycache__"))
    write_stub(market / "plugins" / "cctrace")
    ours = tmp_path / "ours.log"
    with ModelServer(SCRIPT) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        claude_cli(home, "plugin", "marketplace", "add", str(market))
        claude_cli(home, "plugin", "install", "cctrace@cctrace")
        home.run("[inst] run true", env={"CCTRACE_PROBE_OUT": str(ours)}).check()
    assert SESSION_EVENTS <= set(fired(ours))
    data = home.claude_dir / "plugins" / "data" / "cctrace-cctrace" / "python"
    assert os.path.isabs(data.read_text().strip())  # the launcher cached an absolute python


REAL_ENTRY = Path(install.hook_entry_path())


@pytest.mark.skipif(not REAL_ENTRY.is_file(), reason="cctrace/hook/entry.py not there yet")
def test_real_hook_spools_events_from_a_real_session(tmp_path, monkeypatch, _isolated_state):
    with ModelServer(SCRIPT) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        cctrace_install(home, monkeypatch, None)
        home.run("[inst] run true").check()
    spool = _isolated_state / "spool"
    assert spool.is_dir() and any(p.suffix == ".evt" for p in spool.iterdir())


@pytest.mark.skipif(not REAL_ENTRY.is_file(), reason="cctrace/hook/entry.py not there yet")
def test_plugin_from_the_repository_spools_events(tmp_path, _isolated_state):
    with ModelServer(SCRIPT) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        claude_cli(home, "plugin", "marketplace", "add", str(REPO))
        claude_cli(home, "plugin", "install", "cctrace@cctrace")
        pin = subprocess.run([sys.executable, "-m", "cctrace", "install", "--plugin"],
                             env={**home.env(), "CCTRACE_HOME": str(_isolated_state)},
                             capture_output=True, text=True, timeout=60)
        assert pin.returncode == 0, pin.stdout + pin.stderr
        # A project that names another state dir does not move the plugin's hook.
        (home.project / ".claude").mkdir(exist_ok=True)
        (home.project / ".claude" / "settings.json").write_text(
            json.dumps({"env": {"CCTRACE_HOME": str(tmp_path / "planted")}}))
        home.run("[inst] run true").check()
    spool = _isolated_state / "spool"
    assert spool.is_dir() and any(p.suffix == ".evt" for p in spool.iterdir())
    assert not (tmp_path / "planted").exists()
