"""The statusline inside the real Claude Code CLI (interactive, in a pseudo-terminal).

A real `claude -p` session is recorded by the installed hook and worker; `cctrace install
--statusline` then wires our statusline beside a user's own one; an interactive `claude
--resume` of that session runs the statusLine command with its JSON on stdin. The screen must
show the user's line and ours with the session's cost as the store has it, and the user's
command must have received the same stdin (Claude Code's JSON for that session).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import termios
import time

import pytest

from cctrace.statusline import line

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
MODEL = "claude-sonnet-4-5-20250929"  # priced by the shipped table


def trust(home, claude_dir, project) -> None:
    """Pre-answer the first-run screens an interactive start shows (onboarding, API key,
    workspace trust): the statusline runs only in a trusted workspace."""
    doc = {"hasCompletedOnboarding": True, "theme": "dark",
           "customApiKeyResponses": {"approved": ["sk-ant-test"], "rejected": []},
           "projects": {str(project.resolve()): {"hasTrustDialogAccepted": True,
                                                 "hasCompletedProjectOnboarding": True,
                                                 "allowedTools": []}}}
    for folder in (home, claude_dir):
        (folder / ".claude.json").write_text(json.dumps(doc))


def screen_of(argv, cwd, env, want: str, timeout: float = 60) -> str:
    """Run `argv` in a 220-column pseudo-terminal until `want` is on screen (ANSI removed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes claude (and never returns into pytest)
        try:
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 220, 0, 0))
    raw = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    raw += os.read(fd, 65536)
                except OSError:
                    break
            if want in ANSI.sub("", raw.decode("utf-8", "replace")):
                break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return ANSI.sub("", raw.decode("utf-8", "replace"))


def test_statusline_in_the_real_cli(traced, tmp_path):
    traced.cctrace_env["ANTHROPIC_MODEL"] = MODEL
    traced.prompt("say hello")
    assert traced.flush().returncode == 0
    with_cost = traced.show()["session"]
    cost = with_cost["cost"]
    assert cost and cost > 0

    home = traced.home
    seen = tmp_path / "their-stdin.json"
    settings = home.read_settings()
    settings["statusLine"] = {"type": "command",
                              "command": f"tee {seen} >/dev/null; printf 'MY-LINE'"}
    home.settings_path.write_text(json.dumps(settings))
    res = traced.cctrace("install", "--scope", "user", "--statusline",
                         "--claude-bin", str(home.binary))
    assert res.returncode == 0, res.stderr
    assert line.read_summary(str(traced.state))["sessions"][traced.session_id]["cost"] == cost

    trust(home.home, home.claude_dir, home.project)
    expected = f"MY-LINE  cctrace · session {line.money(cost)} · today "
    screen = screen_of([str(home.binary), "--resume", traced.session_id], home.project,
                       home.env(traced.cctrace_env), want=expected)
    assert expected in screen, screen[-3000:]
    payload = json.loads(seen.read_text())
    assert payload["session_id"] == traced.session_id
    assert payload["workspace"]["current_dir"] == str(home.project.resolve())

    assert traced.cctrace("uninstall", "--scope", "user").returncode == 0
    assert home.read_settings()["statusLine"] == settings["statusLine"]
