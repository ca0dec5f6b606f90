"""`cctrace install --scope project` writes a command that travels: no path of this machine in
the shared `.claude/settings.json`; on each teammate's machine it runs their own cctrace
(their locator), or does nothing with a one-line note on stderr, and always exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cctrace.install import settings as st
from cli.test_install import env, run  # noqa: F401 - the install command's fixture

BASH = "/bin/bash"  # Claude Code runs hook commands through bash


def project_command(env) -> str:  # noqa: F811
    doc = json.loads((env.project / ".claude" / "settings.json").read_text())
    [command] = {h["command"] for hooks in st.our_events(doc).values() for h in hooks}
    return command


def run_as(command: str, home: Path, payload: str = '{"hook_event_name": "Stop"}'):
    return subprocess.run([BASH, "-c", command], input=payload, capture_output=True, text=True,
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=30)


def test_shared_file_names_no_path_of_this_machine(env, tmp_path):  # noqa: F811
    assert run("install", "--scope", "project") == 0
    text = (env.project / ".claude" / "settings.json").read_text()
    for local in (str(tmp_path), sys.executable, str(env.home), "/root", "/home/"):
        assert local not in text
    assert project_command(env) == st.portable_command()
    # This machine's paths live in this account's locator instead.
    locator = (env.home / ".claude" / "cctrace" / "hook.sh").read_text()
    assert f"{env.entry}" in locator and sys.executable in locator


def test_teammate_without_cctrace_gets_a_one_line_note_and_exit_0(env, tmp_path):  # noqa: F811
    assert run("install", "--scope", "project") == 0
    mate = tmp_path / "mate"
    mate.mkdir()
    done = run_as(project_command(env), mate)
    assert done.returncode == 0 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("cctrace: this project traces sessions with cctrace, which is "
                                  "not set up for this account: nothing recorded")


def test_teammate_with_the_plugin_is_silent(env, tmp_path):  # noqa: F811
    assert run("install", "--scope", "project") == 0
    mate = tmp_path / "mate"
    (mate / ".claude" / "plugins").mkdir(parents=True)
    (mate / ".claude" / "plugins" / "installed_plugins.json").write_text(
        json.dumps({"plugins": {"cctrace@cctrace": [{"installPath": "/x"}]}}))
    done = run_as(project_command(env), mate)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_teammate_with_cctrace_runs_their_own_hook(env, tmp_path):  # noqa: F811
    assert run("install", "--scope", "project") == 0
    mate = tmp_path / "mate"
    (mate / ".claude" / "cctrace").mkdir(parents=True)
    out = tmp_path / "got.json"
    (mate / ".claude" / "cctrace" / "hook.sh").write_text(
        f"cat > {out}\nexit 2\n")  # even a failing hook must not block the tool call
    done = run_as(project_command(env), mate)
    assert done.returncode == 0
    assert out.read_text() == '{"hook_event_name": "Stop"}'


def test_user_scope_hook_makes_the_locator_a_no_op(env):  # noqa: F811
    assert run("install", "--scope", "project") == 0
    assert run("install", "--scope", "user") == 0
    locator = (env.home / ".claude" / "cctrace" / "hook.sh").read_text()
    assert "the user-scope hook in settings.json records" in locator
    assert str(env.entry) not in locator
    assert run("uninstall", "--scope", "user") == 0
    assert str(env.entry) in (env.home / ".claude" / "cctrace" / "hook.sh").read_text()


@pytest.mark.parametrize("scope", ["project"])
def test_uninstall_removes_the_portable_entry(env, scope):  # noqa: F811
    assert run("install", "--scope", scope) == 0
    assert run("uninstall", "--scope", scope) == 0
    assert st.our_events(json.loads((env.project / ".claude" / "settings.json").read_text())
                         ) == {}
