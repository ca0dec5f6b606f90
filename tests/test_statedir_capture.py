"""The unpinned hook's state dir comes from the OS account, never from HOME; the pin is read
from either spelling of `--state-dir`. Written against the mutants `bench/mutation.py -m
statedir` left alive (docs/testing.md)."""

from __future__ import annotations

import os
import pwd
import sys

from cctrace import statedir


def test_account_home_is_the_account_databases_not_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    real = pwd.getpwuid(os.getuid()).pw_dir
    assert os.path.isabs(real) and real != str(tmp_path)
    assert statedir.account_home() == real


def test_account_home_falls_back_to_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    for entry in (SimpleEntry(""), SimpleEntry("relative/home")):
        monkeypatch.setattr(pwd, "getpwuid", lambda uid, e=entry: e)
        assert statedir.account_home() == str(tmp_path)

    def missing(uid):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", missing)
    assert statedir.account_home() == str(tmp_path)


class SimpleEntry:
    def __init__(self, pw_dir: str) -> None:
        self.pw_dir = pw_dir


def test_capture_default_per_platform(monkeypatch):
    monkeypatch.setattr(statedir, "account_home", lambda: "/acct")
    monkeypatch.setattr(sys, "platform", "linux")
    assert statedir.capture_default() == "/acct/.local/state/cctrace"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert statedir.capture_default() == "/acct/Library/Application Support/cctrace"


def test_pinned_arg_both_spellings():
    assert statedir.pinned_arg(["--state-dir", "/x/y/"]) == "/x/y"
    assert statedir.pinned_arg(["a", "--state-dir", "/x"]) == "/x"
    assert statedir.pinned_arg(["--state-dir=/x", "--state-dir", "/y"]) == "/x"
    assert statedir.pinned_arg(["--state-dir", "rel"]) is None
    assert statedir.pinned_arg(["--state-dir=", "/x"]) is None
    assert statedir.pinned_arg(["--state-dirx=/x", "/y"]) is None
