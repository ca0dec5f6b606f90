"""The CLI's state dir, exactly: `CCTRACE_HOME`, else the platform's user-state folder.

Only the CLI, run from the user's own shell, asks this (capture uses the pinned
`--state-dir`, `statedir.pinned_arg`); each branch is asserted whole, blanks included. The
mutation run (`bench/mutation.py -m statedir.cli`) starts with this file.
"""

from __future__ import annotations

import os

from cctrace import statedir


def test_linux_default_honours_xdg_state_home(monkeypatch) -> None:
    monkeypatch.setattr(statedir.sys, "platform", "linux")
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    local = os.path.join(os.path.expanduser("~/.local/state"), "cctrace")
    assert statedir.default_state_dir() == local
    monkeypatch.setenv("XDG_STATE_HOME", "   ")
    assert statedir.default_state_dir() == local
    monkeypatch.setenv("XDG_STATE_HOME", " /srv/state ")
    assert statedir.default_state_dir() == "/srv/state/cctrace"


def test_macos_and_windows_defaults(monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    monkeypatch.setattr(statedir.sys, "platform", "darwin")
    assert statedir.default_state_dir() == os.path.join(
        os.path.expanduser("~/Library/Application Support"), "cctrace")
    monkeypatch.setattr(statedir.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", "/w/Local")
    assert statedir.default_state_dir() == "/w/Local/cctrace/cctrace"
    monkeypatch.setenv("LOCALAPPDATA", "")
    assert statedir.default_state_dir() == os.path.join(
        os.path.expanduser("~\\AppData\\Local"), "cctrace", "cctrace")


def test_cctrace_home_wins_for_the_cli(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(statedir.sys, "platform", "linux")
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    monkeypatch.setenv("CCTRACE_HOME", f"  {tmp_path}/a/../b  ")
    assert statedir.state_dir() == str(tmp_path / "b")
    monkeypatch.setenv("CCTRACE_HOME", "~/cc")
    assert statedir.state_dir() == os.path.join(os.path.expanduser("~"), "cc")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCTRACE_HOME", "rel")
    assert statedir.state_dir() == str(tmp_path / "rel")
    monkeypatch.setenv("CCTRACE_HOME", "  ")
    assert statedir.state_dir() == "/srv/state/cctrace"
    monkeypatch.delenv("CCTRACE_HOME")
    assert statedir.state_dir() == "/srv/state/cctrace"
