"""`cctrace install --statusline`: ours wired into settings.json, a user's own statusline kept
running first, `uninstall` putting it back exactly; the installed command really runs."""

from __future__ import annotations

import json
import subprocess

from cctrace.install import settings as st
from cli.test_install import env, run  # noqa: F401 - `env` is a fixture

MINE = {"type": "command", "command": "printf '%s' \"$(cat | head -c 13)\"", "padding": 1}


def run_statusline(command: str, payload: dict) -> str:
    proc = subprocess.run(["/bin/sh", "-c", command], input=json.dumps(payload).encode(),
                          capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode()


def test_install_sets_ours_and_uninstall_removes_it(env, capsys, _isolated_state):  # noqa: F811
    env.user.parent.mkdir()
    env.user.write_text(st.render({"model": "sonnet"}))
    assert run("install", "--statusline") == 0
    doc = json.loads(env.user.read_text())
    status = doc["statusLine"]
    assert (status["type"], status["padding"]) == ("command", 0)
    assert st.is_our_statusline(status) and st.statusline_theirs(status["command"]) is None
    assert f"--state-dir={_isolated_state}" in status["command"]
    assert "  statusline: set" in capsys.readouterr().out
    assert run_statusline(status["command"], {"session_id": "x"}) == (
        "cctrace · no data yet (the worker writes it after the first model call)\n")
    assert run("uninstall") == 0
    assert json.loads(env.user.read_text()) == {"model": "sonnet"}


def test_a_users_statusline_is_kept_composed_and_restored(env, capsys):  # noqa: F811
    env.user.parent.mkdir()
    original = {"statusLine": MINE, "model": "opus"}
    env.user.write_text(st.render(original))
    assert run("install", "--statusline") == 0
    status = json.loads(env.user.read_text())["statusLine"]
    assert status["padding"] == 1 and st.statusline_theirs(status["command"]) == MINE["command"]
    assert "yours runs first and keeps showing" in capsys.readouterr().out
    # Theirs got the same stdin (its first 13 bytes printed), ours follows on the same line.
    assert run_statusline(status["command"], {"session_id": "x"}) == (
        '{"session_id"  cctrace · no data yet (the worker writes it after the first model '
        "call)\n")
    first = env.user.read_bytes()
    assert run("install", "--statusline") == 0  # idempotent: theirs is not wrapped twice
    assert env.user.read_bytes() == first
    assert run("install") == 0  # a plain re-install leaves the statusline alone
    assert json.loads(env.user.read_text())["statusLine"] == status
    assert run("uninstall") == 0
    assert json.loads(env.user.read_text())["statusLine"] == MINE
    assert "yours restored: " + MINE["command"] in capsys.readouterr().out


def test_a_statusline_of_another_shape_is_left_untouched(env, capsys):  # noqa: F811
    env.user.parent.mkdir()
    env.user.write_text(st.render({"statusLine": "not an object"}))
    before = env.user.read_bytes()
    assert run("install", "--statusline") == 1
    assert '"statusLine" is not a {"type": "command"' in capsys.readouterr().err
    assert env.user.read_bytes() == before


def test_merge_and_unmerge_are_pure_and_exact():
    ours = st.merge_statusline({}, "/usr/bin/python3", "/p/cctrace/statusline/entry.py", "/s")
    assert ours == {"statusLine": {"type": "command", "padding": 0, "command":
                    "/usr/bin/python3 -I -S /p/cctrace/statusline/entry.py --state-dir=/s"}}
    mine = {"statusLine": {"type": "command", "command": "my 'line'", "refreshInterval": 10}}
    both = st.merge_statusline(mine, "/py", "/q/cctrace/statusline/entry.py", "/s d")
    assert both["statusLine"] == {"type": "command", "refreshInterval": 10, "command":
                                  "/py -I -S /q/cctrace/statusline/entry.py '--state-dir=/s d'"
                                  " --then 'my '\"'\"'line'\"'\"''"}
    assert st.unmerge_statusline(both) == mine
    assert st.unmerge_statusline(mine) == mine
