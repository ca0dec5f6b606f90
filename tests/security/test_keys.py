"""Keys: keychain when usable, else a 0600 file with a warning; Config picks the key up."""

from __future__ import annotations

import os
import stat

import pytest

from cctrace import config as config_mod
from cctrace.security import keys

SECRET = "sk-lf-0f3b9c2d-7a41-4e5b-9c8d-1e2f3a4b5c6d"


class MemoryKeyring:
    priority = 10

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def set_password(self, service, user, value):
        self.items[(service, user)] = value

    def get_password(self, service, user):
        return self.items.get((service, user))

    def delete_password(self, service, user):
        self.items.pop((service, user), None)


def test_file_fallback_is_0600_and_warns(tmp_path):
    state = str(tmp_path / "s")
    where = keys.store_secret_key(SECRET, state, use_keyring=False)
    assert where.backend == "file" and where.warning and SECRET not in where.warning
    assert stat.S_IMODE(os.stat(where.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(where.path)).st_mode) == 0o700
    assert keys.load_secret_key(state) == SECRET
    assert keys.delete_secret_key(state) and keys.load_secret_key(state) is None


def test_keychain_backend_holds_the_key_and_no_file_does(tmp_path):
    state = str(tmp_path / "s")
    kr = MemoryKeyring()
    keys.store_secret_key(SECRET, state, use_keyring=False)  # an older file copy
    where = keys.store_secret_key(SECRET, state, backend=kr)
    assert where.backend == "keyring" and where.warning is None
    assert list(kr.items.values()) == [SECRET]
    assert not os.path.exists(keys.key_path(keys.LANGFUSE_SECRET, state))
    for folder, _, files in os.walk(state):
        for name in files:
            assert SECRET.encode() not in open(os.path.join(folder, name), "rb").read()
    assert keys.load_secret_key(state, backend=kr) == SECRET


def test_no_keyring_backend_means_file(monkeypatch):
    monkeypatch.setenv("CCTRACE_KEYRING", "0")
    assert keys.keyring_backend() is None


def test_config_reads_the_stored_key_when_file_and_env_have_none(tmp_path):
    state = tmp_path / "s"
    state.mkdir()
    (state / "config.toml").write_text(
        '[langfuse]\nbase_url = "https://lf.example.org"\npublic_key = "pk-lf-1"\n')
    keys.store_secret_key(SECRET, str(state), use_keyring=False)
    cfg = config_mod.load(str(state))
    assert cfg.langfuse_secret_key == SECRET and cfg.langfuse_enabled
    assert SECRET not in repr(cfg.raw)


def test_binary_key_is_created_once(tmp_path):
    state = str(tmp_path / "s")
    k1, where = keys.load_or_create_binary_key(keys.STORE_KEY, state, use_keyring=False)
    k2, again = keys.load_or_create_binary_key(keys.STORE_KEY, state)
    assert k1 == k2 and len(k1) == 32 and where is not None and again is None


def test_empty_secret_is_rejected(tmp_path):
    with pytest.raises(ValueError):
        keys.store_secret_key("  ", str(tmp_path))
