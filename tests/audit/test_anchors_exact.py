"""Exact default anchor folders: outside the state dir, under the account's own config
folder (never `$HOME` or `$XDG_CONFIG_HOME`), one per state dir. Run first by
`bench/mutation.py -m audit.anchors`."""

from __future__ import annotations

import hashlib
import os
import sys

import pytest

from cctrace import statedir
from cctrace.audit import anchors

_BASE = anchors._base  # the conftest points it at each test's folder; these tests need it


@pytest.fixture
def home(monkeypatch, tmp_path):
    monkeypatch.setattr(anchors, "_base", _BASE)
    monkeypatch.setattr(statedir, "account_home", lambda: str(tmp_path / "acct"))
    monkeypatch.setenv("HOME", str(tmp_path / "env-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return str(tmp_path / "acct")


def test_state_key_is_16_hex_of_the_real_path(tmp_path):
    real = tmp_path / "state"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    want = hashlib.sha256(os.path.realpath(real).encode()).hexdigest()[:16]
    assert anchors.state_key(str(real)) == want
    assert anchors.state_key(str(link)) == want
    assert anchors.state_key(str(real) + "/") == want


def test_default_dir_per_platform(home, monkeypatch, tmp_path):
    state = str(tmp_path / "state")
    key = anchors.state_key(state)
    monkeypatch.setattr(sys, "platform", "linux")
    assert anchors.default_dir(state) == os.path.join(home, ".config", "cctrace", "anchors",
                                                      key) + os.sep
    monkeypatch.setattr(sys, "platform", "darwin")
    assert anchors.default_dir(state, {}) == os.path.join(
        home, "Library", "Preferences", "cctrace", "anchors", key) + os.sep
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    assert anchors.default_dir(state) == os.path.join(str(tmp_path / "appdata"), "cctrace",
                                                      "anchors", key) + os.sep
    monkeypatch.delenv("APPDATA")
    assert anchors.default_dir(state) == os.path.join(home, "AppData", "Roaming", "cctrace",
                                                      "anchors", key) + os.sep


def test_default_dir_settings(home, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "linux")
    state = str(tmp_path / "state")
    assert anchors.default_dir(state, {"default_anchor": False}) is None
    assert anchors.default_dir(state, {"default_anchor": "/srv/anchors/"}) == "/srv/anchors/"
    assert anchors.default_dir(state, {"default_anchor": "/srv/anchors"}) == "/srv/anchors/"
    monkeypatch.chdir(tmp_path)
    assert anchors.default_dir(state, {"default_anchor": "rel"}) == str(tmp_path / "rel") + "/"
    assert anchors.default_dir(state, {"default_anchor": "~/a"}) == \
        os.path.expanduser("~/a") + "/"
    default = os.path.join(home, ".config", "cctrace", "anchors",
                           anchors.state_key(state)) + os.sep
    # True, a blank string, another type, or a section that is not a table: the default.
    for section in ({"default_anchor": True}, {"default_anchor": "  "},
                    {"default_anchor": 3}, {}, None, "x", ["default_anchor"]):
        assert anchors.default_dir(state, section) == default, section
