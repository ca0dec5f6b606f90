"""The doctor's `keychain` check: a key the keychain marker names that the keychain no longer
returns (`KeyUnavailable`) is explained plainly, with what it means and what to run, and
the rest of the report still comes."""

from __future__ import annotations

import json
import os

import pytest

from cctrace.checks import keychain, registry
from cctrace.checks.base import FAIL, OK
from cctrace.cli import main as cli_main
from cctrace.findings import Finding
from cctrace.security import crypto, keys
from cctrace.spool import writer
from cctrace.store.db import Store
from security.test_keys import MemoryKeyring


@pytest.fixture(autouse=True)
def _fresh_ciphers():
    crypto.forget_cached()
    yield
    crypto.forget_cached()


def _stored_under(kr: MemoryKeyring, monkeypatch) -> str:
    """A store with one row encrypted under a store key the keychain `kr` holds."""
    home = os.environ["CCTRACE_HOME"]
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: kr)
    with Store.open(home) as store:
        store.add_findings([Finding("0" * 16, "rule", "x.y", "high", "title", 5, "s1")])
    assert os.path.exists(keys.key_path(keys.STORE_KEY, home) + ".keyring")
    crypto.forget_cached()
    return home


def test_a_readable_key_and_a_file_key_are_ok(monkeypatch):
    home = _stored_under(MemoryKeyring(), monkeypatch)
    ok = keychain.check_keychain(home)
    assert (ok.status, ok.detail) == (OK, "store-key read from the OS keychain")
    assert keychain.check_keychain(home + "-none").detail == (
        "no key of cctrace is kept in the keychain")


def test_a_store_key_the_keychain_no_longer_returns_is_explained(monkeypatch):
    home = _stored_under(MemoryKeyring(), monkeypatch)
    for seq in range(3):
        writer.append(home, b'{"session_id": "s1", "hook_event_name": "Stop"}',
                      received_ns=seq + 1, event="Stop", fsync=False)
    bad = keychain.check_keychain(home, backend=MemoryKeyring())  # answers, holds nothing
    assert bad.status == FAIL
    assert bad.detail == (
        "KeyUnavailable: the store's encryption key is kept in the OS keychain (marker "
        "keys/store-key.keyring) but the keychain (security.test_keys) does not return it. "
        "cctrace makes no new key: that would leave every row stored so far unreadable. "
        "Until the key is back nothing new is stored (3 event(s) wait in the spool, none "
        "lost), and the rows stored before are intact but cannot be read (sessions, show, "
        "report, findings, purge)")
    assert bad.fix == keychain.FIX
    assert "`cctrace install`" in bad.fix and "`cctrace flush`" in bad.fix
    assert bad.data == {"unavailable": ["store-key"], "backend": "security.test_keys"}
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: None)
    assert keychain.check_keychain(home).detail.startswith(
        "KeyUnavailable: the store's encryption key is kept in the OS keychain (marker "
        "keys/store-key.keyring) but no usable keychain is reachable from this process.")


def test_doctor_says_so_and_still_reports_the_rest(monkeypatch, capsys):
    _stored_under(MemoryKeyring(), monkeypatch)
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: MemoryKeyring())
    assert cli_main.main(["doctor", "--offline", "--json"]) == 1
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["keychain"]["status"] == "fail"
    assert checks["keychain"]["detail"].startswith("KeyUnavailable: the store's encryption key")
    # The checks that open the store say why they did not run, instead of a traceback.
    assert checks["agent"] == {
        "name": "agent", "status": "skip", "fix": "", "data": {},
        "detail": "not checked: the store cannot be opened without its key (see the "
                  "keychain check)"}
    # No key was made behind the marker.
    assert not os.path.exists(keys.key_path(keys.STORE_KEY, os.environ["CCTRACE_HOME"]))


def test_a_langfuse_key_the_keychain_no_longer_returns_is_named_too(monkeypatch):
    kr = MemoryKeyring()
    home = _stored_under(kr, monkeypatch)
    assert keys.store_secret_key("sk-lf-x", home, backend=kr).backend == "keyring"
    bad = keychain.check_keychain(home, backend=MemoryKeyring())
    assert bad.data["unavailable"] == ["store-key", "langfuse-secret-key"]
    assert bad.detail.endswith(
        "; the Langfuse secret key is kept in the OS keychain (marker "
        "keys/langfuse-secret-key.keyring) but the keychain (security.test_keys) does not "
        "return it: nothing is sent to Langfuse, batches wait in the outbox")
    assert keychain.check_keychain(home, backend=kr).detail == (
        "store-key and langfuse-secret-key read from the OS keychain")


def test_the_config_sum_key_the_keychain_no_longer_returns_is_named_too(monkeypatch):
    kr = MemoryKeyring()
    home = _stored_under(kr, monkeypatch)
    assert keys.store_secret_key("00" * 32, home, "config-sum-key", backend=kr
                                 ).backend == "keyring"
    bad = keychain.check_keychain(home, backend=MemoryKeyring())
    assert bad.data["unavailable"] == ["store-key", "config-sum-key"]
    assert bad.detail.endswith(
        "; the key that signs config.sum is kept in the OS keychain (marker "
        "keys/config-sum-key.keyring) but the keychain (security.test_keys) does not "
        "return it: the worker does not compare config.toml with it, so an edit of the "
        "file inside a tool call leaves no audit.agent_tamper finding until it can")
    assert keychain.check_keychain(home, backend=kr).detail == (
        "store-key and config-sum-key read from the OS keychain")


def test_a_store_key_kept_in_a_file_is_said_so(monkeypatch):
    # No keychain here: the store key is made in a 0600 file, which the check names
    # instead of saying no key of cctrace is kept anywhere.
    home = os.environ["CCTRACE_HOME"]
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: None)
    with Store.open(home) as store:
        store.add_findings([Finding("0" * 16, "rule", "x.y", "high", "title", 5, "s1")])
    assert os.path.exists(keys.key_path(keys.STORE_KEY, home))
    assert keychain.check_keychain(home).json() == {
        "name": "keychain", "status": OK, "fix": "", "data": {},
        "detail": "the store key is in a 0600 file (no keychain)"}


def test_a_readable_keychain_key_is_reported_under_the_checks_name(monkeypatch):
    home = _stored_under(MemoryKeyring(), monkeypatch)
    assert keychain.check_keychain(home).json() == {
        "name": "keychain", "status": OK, "fix": "", "data": {},
        "detail": "store-key read from the OS keychain"}


def test_the_fix_says_what_to_run_word_for_word(monkeypatch):
    home = _stored_under(MemoryKeyring(), monkeypatch)
    assert keychain.check_keychain(home, backend=MemoryKeyring()).fix == (
        "unlock the OS keychain, or run from your desktop login session (Linux: its Secret "
        "Service, GNOME Keyring or KWallet, running and unlocked); then run `cctrace install` "
        "from that session (the worker uses the session bus install saw) and `cctrace "
        "flush`. If the keychain entry is gone for good: docs/security.md, \"A key the "
        "keychain no longer returns\"")


def test_doctor_before_setup_runs_no_keychain_check_and_creates_no_state_dir(tmp_path):
    state = tmp_path / "not-set-up"
    checks = registry.run_checks(offline=True, cwd=str(tmp_path), env={"HOME": str(tmp_path),
                                 "PATH": ""}, state_dir=str(state), now_s=0.0,
                                 probe_claude=False)
    assert "keychain" not in [c.name for c in checks]
    assert [c.name for c in checks if c.name == "config"] == ["config"]
    assert not state.exists()
