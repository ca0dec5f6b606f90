"""Where secrets are kept, exactly: file names and modes, the keychain entry's service and
user name, which backend counts as a keychain, the warning text. Written against the mutants
`bench/mutation.py -m security.keys` left alive (docs/testing.md)."""

from __future__ import annotations

import dataclasses
import os
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend

from cctrace.security import keys


class Memory(KeyringBackend):
    """An in-memory keychain that records what it was asked."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, str]] = []

    def set_password(self, service, username, password):
        self.calls.append(("set", service, username))
        self.items[(service, username)] = password

    def get_password(self, service, username):
        self.calls.append(("get", service, username))
        return self.items.get((service, username))

    def delete_password(self, service, username):
        self.calls.append(("delete", service, username))
        self.items.pop((service, username), None)



class Broken(Memory):
    def set_password(self, service, username, password):
        raise RuntimeError("locked")

    def get_password(self, service, username):
        raise RuntimeError("locked")


class Low(Memory):
    priority = 0  # type: ignore[assignment]


class Half(Memory):
    priority = 0.5  # type: ignore[assignment]


@pytest.fixture
def installed():
    before = keyring.get_keyring()
    yield lambda backend: keyring.set_keyring(backend)
    keyring.set_keyring(before)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_names(tmp_path):
    assert (keys.SERVICE, keys.LANGFUSE_SECRET, keys.STORE_KEY, keys.KEYS_DIR) == (
        "cctrace", "langfuse-secret-key", "store-key", "keys")
    assert keys.key_path("k", str(tmp_path)) == str(tmp_path / "keys" / "k")


def test_without_a_state_dir_the_cli_state_dir_is_used(_isolated_state):
    assert keys.key_path("k") == os.path.join(str(_isolated_state), "keys", "k")
    assert keys.name_root(None) == os.path.realpath(str(_isolated_state))


def test_the_file_fallback_exactly(tmp_path):
    got = keys.store_secret_key("  sk-lf-1  ", str(tmp_path), use_keyring=False)
    path = str(tmp_path / "keys" / "langfuse-secret-key")
    assert got == keys.StoredKey("langfuse-secret-key", "file", path, (
        f"no OS keychain is available: the key is kept in {path} (mode 0600, readable by your "
        "user only). Anyone who can read your files can read it; install a keyring backend "
        "(e.g. Secret Service) and run this again to move it."))
    with open(path, "rb") as fh:
        assert fh.read() == b"sk-lf-1\n"
    assert mode(path) == 0o600 and mode(os.path.dirname(path)) == 0o700
    assert sorted(os.listdir(tmp_path / "keys")) == ["langfuse-secret-key"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.backend = "keyring"  # type: ignore[misc]
    for empty in ("", "   "):
        with pytest.raises(ValueError, match="^empty secret$"):
            keys.store_secret_key(empty, str(tmp_path), use_keyring=False)


def test_the_keychain_entry_exactly(tmp_path):
    kr = Memory()
    state = str(tmp_path)
    got = keys.store_secret_key("sk-lf-2", state, backend=kr)
    user = f"langfuse-secret-key@{os.path.realpath(state)}"
    assert got == keys.StoredKey("langfuse-secret-key", "keyring")
    assert got.path is None and got.warning is None
    assert kr.items == {("cctrace", user): "sk-lf-2"}
    marker = tmp_path / "keys" / "langfuse-secret-key.keyring"
    assert marker.read_bytes() == b"stored in the OS keychain\n" and mode(marker) == 0o600
    assert sorted(os.listdir(tmp_path / "keys")) == ["langfuse-secret-key.keyring"]
    assert keys.load_secret_key(state, backend=kr) == "sk-lf-2"
    assert kr.calls[-1] == ("get", "cctrace", user)
    assert keys.delete_secret_key(state, backend=kr) is True
    assert kr.calls[-1] == ("delete", "cctrace", user) and kr.items == {}
    assert os.listdir(tmp_path / "keys") == []
    assert keys.delete_secret_key(state, backend=kr) is False


def test_a_locked_keychain_falls_back_to_the_file(tmp_path):
    got = keys.store_secret_key("sk-lf-3", str(tmp_path), backend=Broken())
    assert got.backend == "file" and got.warning
    assert keys.load_secret_key(str(tmp_path), backend=Broken()) == "sk-lf-3"
    os.remove(got.path)
    (tmp_path / "keys" / "langfuse-secret-key.keyring").write_text("x")
    assert keys.load_secret_key(str(tmp_path), backend=Broken()) is None


def test_the_file_wins_and_is_tightened(tmp_path):
    kr = Memory()
    keys.store_secret_key("in-keychain", str(tmp_path), backend=kr)
    path = tmp_path / "keys" / "langfuse-secret-key"
    path.write_text("  in-file \n")
    os.chmod(path, 0o644)
    assert keys.load_secret_key(str(tmp_path), backend=kr) == "in-file"
    assert mode(path) == 0o600
    path.write_text("   \n")
    assert keys.load_secret_key(str(tmp_path), backend=kr) == "in-keychain"
    kr.items = {k: "  " for k in kr.items}
    assert keys.load_secret_key(str(tmp_path), backend=kr) is None


def test_no_marker_no_keychain_question(tmp_path):
    kr = Memory()
    kr.items[("cctrace", f"langfuse-secret-key@{os.path.realpath(tmp_path)}")] = "planted"
    assert keys.load_secret_key(str(tmp_path), backend=kr) is None and kr.calls == []


@pytest.mark.parametrize("value", ["0", "false", "no", "off", " OFF ", "False"])
def test_cctrace_keyring_off_means_no_keychain(value, installed):
    installed(Memory())
    assert keys.keyring_backend({"CCTRACE_KEYRING": value}) is None


@pytest.mark.parametrize("value", [None, "", "1", "on", "yes"])
def test_a_usable_keyring_is_the_keychain(value, installed):
    kr = Memory()
    installed(kr)
    assert keys.keyring_backend({} if value is None else {"CCTRACE_KEYRING": value}) is kr


@pytest.mark.parametrize("backend", [Low(), Half()])
def test_low_priority_and_fail_backends_are_no_keychain(backend, installed):
    from keyring.backends import fail

    installed(backend)
    expected = None if backend.priority <= 0 else backend
    assert keys.keyring_backend({}) is expected
    installed(fail.Keyring())
    assert keys.keyring_backend({}) is None


def test_binary_keys(tmp_path):
    raw, where = keys.load_or_create_binary_key("store-key", str(tmp_path), use_keyring=False)
    assert len(raw) == 32 and where is not None and where.backend == "file"
    assert keys.load_or_create_binary_key("store-key", str(tmp_path)) == (raw, None)
    lock = tmp_path / "keys" / "store-key.lock"
    assert mode(lock) == 0o600
    (tmp_path / "keys" / "store-key").write_text("ab" * 16)
    with pytest.raises(ValueError, match="^the stored store-key is not a 32-byte hex key$"):
        keys.load_or_create_binary_key("store-key", str(tmp_path))
    (tmp_path / "keys" / "store-key").write_text("zz" * 32)
    with pytest.raises(ValueError, match="not a 32-byte hex key"):
        keys.load_or_create_binary_key("store-key", str(tmp_path))
    raw16, _ = keys.load_or_create_binary_key("other", str(tmp_path), size=16,
                                              use_keyring=False)
    assert len(raw16) == 16


def test_an_empty_chainer_and_the_plaintext_file_backend_are_no_keychain(installed):
    chainer = type("ChainerBackend", (Memory,), {"__module__": "keyring.backends.chainer"})
    empty, full = chainer(), chainer()
    empty.backends, full.backends = [], [Memory()]
    installed(empty)
    assert keys.keyring_backend({}) is None
    installed(full)
    assert keys.keyring_backend({}) is full
    plaintext = type("PlaintextKeyring", (Memory,), {"__module__": "keyrings.alt.file"})()
    installed(plaintext)
    assert keys.keyring_backend({}) is None
    encrypted = type("EncryptedKeyring", (Memory,), {"__module__": "keyrings.alt.Gnome"})()
    installed(encrypted)
    assert keys.keyring_backend({}) is encrypted


def test_only_group_or_other_bits_are_tightened(tmp_path):
    keys.store_secret_key("sk-lf-4", str(tmp_path), use_keyring=False)
    path = tmp_path / "keys" / "langfuse-secret-key"
    os.chmod(path, 0o400)
    assert keys.load_secret_key(str(tmp_path)) == "sk-lf-4" and mode(path) == 0o400
    os.chmod(path, 0o640)
    assert keys.load_secret_key(str(tmp_path)) == "sk-lf-4" and mode(path) == 0o600


def test_binary_keys_go_to_the_keychain_by_default(tmp_path, installed):
    kr = Memory()
    installed(kr)
    raw, where = keys.load_or_create_binary_key("store-key", str(tmp_path))
    assert where == keys.StoredKey("store-key", "keyring")
    assert kr.items == {("cctrace", f"store-key@{os.path.realpath(tmp_path)}"): raw.hex()}


def test_no_test_keychain_is_ever_picked_by_default():
    """Any test module's backend (this one's, or one added later) stays out of keyring's
    registry: in a whole run collection has imported them all by now."""
    assert [c for c in KeyringBackend.get_viable_backends()
            if not c.__module__.startswith(("keyring.", "keyrings."))] == []


# keyring registers every KeyringBackend subclass it sees; left registered, these would be
# the keychain `keyring.get_keyring()` picks for the rest of the test process (collection
# imports this module first), so a store opened in-process would keep its key in memory
# with a marker no subprocess can read (`KeyUnavailable`: a flaky reliability test).
for _cls in [c for c in KeyringBackend._classes if c.__module__ == __name__]:  # type: ignore[attr-defined]
    KeyringBackend._classes.discard(_cls)  # type: ignore[attr-defined]
