"""The hook's stdlib state-dir resolution must agree with platformdirs."""

from __future__ import annotations

import os
import stat

import platformdirs

from cctrace import statedir


def test_default_matches_platformdirs(monkeypatch):
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    assert statedir.default_state_dir() == platformdirs.user_state_dir("cctrace")


def test_default_honours_xdg_state_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert statedir.default_state_dir() == platformdirs.user_state_dir("cctrace")


def test_cctrace_home_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("CCTRACE_HOME", str(tmp_path / "h"))
    assert statedir.state_dir() == str(tmp_path / "h")


def test_sub_creates_private_dirs(tmp_path):
    os.makedirs(tmp_path / "root", mode=0o755)
    os.chmod(tmp_path / "root", 0o755)
    path = statedir.sub("spool", str(tmp_path / "root"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    statedir.ensure_dir(str(tmp_path / "root"))
    assert stat.S_IMODE(os.stat(tmp_path / "root").st_mode) == 0o700
