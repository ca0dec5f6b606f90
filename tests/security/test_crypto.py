"""At rest: content columns are AES-GCM; the raw SQLite files hold no prompt or output."""

from __future__ import annotations

import os
import sys

import pytest

from cctrace.security import crypto
from cctrace.store.db import HookEvent, Store

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from store.helpers import turn  # noqa: E402

PROMPT = "please refactor the quarterly-ledger module"
OUTPUT = "ledger_total = 9184.27 rows were rewritten"


def _trace():
    t = turn("sess-a", "k1")
    t.input = PROMPT
    for o in t.observations:
        if o.type == "tool":
            o.output = OUTPUT
            o.status_message = "tool failed: " + OUTPUT
    return t


def _raw(state: str) -> bytes:
    return b"".join(open(os.path.join(state, n), "rb").read()
                    for n in os.listdir(state) if n.startswith("cctrace.db"))


def test_raw_store_holds_no_content_in_clear(tmp_path):
    crypto.forget_cached()
    state = str(tmp_path / "s")
    with Store.open(state) as store:
        store.insert_traces([_trace()])
        store.add_hook_events([HookEvent(1, 1, "sess-a", "UserPromptSubmit",
                                         payload={"prompt": PROMPT})])
        store.enqueue_batch("otlp", ("span bytes " + OUTPUT).encode(), ["x"])
        # Readers give the plaintext back; listing metadata is still queryable in SQL.
        view = store.session_tree("sess-a")[0]
        assert view.trace.input == PROMPT
        assert any(o.output == OUTPUT for o in view.observations)
        assert store.session_events("sess-a")[0].payload == {"prompt": PROMPT}
        assert OUTPUT.encode() in store.due_batches("otlp", 2**62)[0].payload
        assert store.sessions()[0].tool_calls == 1 and store.sessions()[0].tokens
    raw = _raw(state)
    assert PROMPT.encode() not in raw and OUTPUT.encode() not in raw
    assert b"enc1:" in raw


def test_encryption_can_be_turned_off(tmp_path):
    crypto.forget_cached()
    state = tmp_path / "s"
    state.mkdir()
    (state / "config.toml").write_text("[store]\nencrypt = false\n")
    with Store.open(str(state)) as store:
        assert store.cipher is None
        store.insert_traces([_trace()])
    assert PROMPT.encode() in _raw(str(state))


def test_plaintext_rows_stay_readable_and_tampering_is_detected(tmp_path):
    path = str(tmp_path / "db.sqlite")
    with Store(path) as plain:  # written before encryption was on
        plain.insert_traces([_trace()])
    cipher = crypto.Cipher(os.urandom(32))
    with Store(path, cipher) as store:
        assert store.session_tree("sess-a")[0].trace.input == PROMPT
    token = cipher.encrypt_text("x", "traces.input")
    with pytest.raises(crypto.DecryptError):
        cipher.decrypt_text(token, "observations.input")  # moved to another column
    assert "key" not in repr(cipher).lower() or repr(cipher) == "Cipher(AES-GCM)"


def test_recreated_state_dir_gets_its_new_key_not_the_cached_one(tmp_path):
    import shutil

    from cctrace.security.crypto import cipher_for_state_dir

    root = tmp_path / "state"
    root.mkdir()
    first = cipher_for_state_dir(str(root))
    token = first.encrypt_text("hello", "c")
    assert cipher_for_state_dir(str(root)) is first  # cached while the key file stands
    shutil.rmtree(root)  # e.g. the user wiped the state dir under a running worker
    root.mkdir()
    second = cipher_for_state_dir(str(root))
    assert second is not first
    with pytest.raises(crypto.DecryptError):
        second.decrypt_text(token, "c")
    assert second.decrypt_text(second.encrypt_text("x", "c"), "c") == "x"



def test_bytes_are_prefix_nonce_then_ciphertext_and_tag(monkeypatch):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = bytes(range(32))
    cipher = crypto.Cipher(key)
    nonce = bytes(range(100, 112))
    monkeypatch.setattr(crypto.os, "urandom", lambda n: nonce[:n])
    data = b"span bytes " * 50_000
    out = cipher.encrypt_bytes(data, "outbox.payload")
    # The layout every store holds in `outbox.payload`: CCE1, nonce, AES-GCM output.
    assert out == b"CCE1" + nonce + AESGCM(key).encrypt(nonce, data, b"outbox.payload")
    assert len(out) == 4 + 12 + len(data) + 16
    assert cipher.decrypt_bytes(out, "outbox.payload") == data
    with pytest.raises(crypto.DecryptError):
        cipher.decrypt_bytes(out, "other.column")
    assert cipher.encrypt_bytes(b"", "outbox.payload") == b""  # nothing to hide


# -- exact values: the text layout, the key sizes, the keyed hash, the messages, the switch

KEY = bytes(range(32))
NONCE_BYTES = bytes(range(100, 112))


def test_text_is_enc1_then_base64_of_nonce_ciphertext_and_tag(monkeypatch):
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    monkeypatch.setattr(crypto.os, "urandom", lambda n: NONCE_BYTES[:n])
    cipher = crypto.Cipher(KEY)
    token = cipher.encrypt_text(PROMPT, "traces.input")
    body = NONCE_BYTES + AESGCM(KEY).encrypt(NONCE_BYTES, PROMPT.encode(), b"traces.input")
    assert token == "enc1:" + base64.b64encode(body).decode("ascii")
    assert cipher.decrypt_text(token, "traces.input") == PROMPT
    assert cipher.encrypt_text(None, "traces.input") is None
    assert cipher.decrypt_text(None, "traces.input") is None
    # Without the prefix a value is a row written before encryption: returned as it is.
    assert cipher.decrypt_text(token[len("enc1:"):], "traces.input") == token[len("enc1:"):]


def test_no_column_means_the_empty_associated_data(monkeypatch):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    monkeypatch.setattr(crypto.os, "urandom", lambda n: NONCE_BYTES[:n])
    cipher = crypto.Cipher(KEY)
    aead = AESGCM(KEY)
    assert cipher.encrypt_bytes(b"payload") == b"CCE1" + NONCE_BYTES + aead.encrypt(
        NONCE_BYTES, b"payload", b"")
    assert cipher.decrypt_bytes(b"CCE1" + NONCE_BYTES + aead.encrypt(
        NONCE_BYTES, b"payload", b"")) == b"payload"
    token = cipher.encrypt_text("hello")
    assert cipher.decrypt_text(token, "") == "hello"
    assert cipher.decrypt_text(cipher.encrypt_text("hello", "")) == "hello"
    # Bytes without the marker are a payload written before encryption.
    assert cipher.decrypt_bytes(b"span bytes") == b"span bytes"


@pytest.mark.parametrize("size", [16, 24, 32])
def test_aes_key_sizes_are_accepted(size):
    cipher = crypto.Cipher(bytes(size))
    assert cipher.decrypt_text(cipher.encrypt_text("x", "c"), "c") == "x"


@pytest.mark.parametrize("size", [0, 15, 17, 25, 31, 33, 64])
def test_other_key_sizes_are_refused_without_the_key(size):
    with pytest.raises(ValueError) as err:
        crypto.Cipher(b"k" * size)
    assert str(err.value) == "AES key must be 16, 24 or 32 bytes"


def test_repr_names_the_algorithm_only():
    assert repr(crypto.Cipher(KEY)) == "Cipher(AES-GCM)"


def test_mac_is_hmac_sha256_under_a_key_derived_from_the_store_key():
    import hashlib
    import hmac

    mac_key = hashlib.sha256(b"cctrace-mac-v1\x00" + KEY).digest()
    cipher = crypto.Cipher(KEY)
    for text in ("trace-1", "", "s\u00e9ance"):
        assert cipher.mac(text) == hmac.new(mac_key, text.encode(), hashlib.sha256).hexdigest()
    # Not the store key itself: the keyed hash never uses the AES key directly.
    assert cipher.mac("trace-1") != hmac.new(KEY, b"trace-1", hashlib.sha256).hexdigest()
    # A lone surrogate (a broken transcript) is hashed, not an error.
    assert cipher.mac("a\ud800b") == hmac.new(mac_key, b"a\xed\xa0\x80b",
                                              hashlib.sha256).hexdigest()


def test_decrypt_errors_name_the_column_or_a_value():
    cipher = crypto.Cipher(KEY)
    other = crypto.Cipher(bytes(32))
    for call, token in ((cipher.decrypt_text, other.encrypt_text("x", "traces.input")),
                        (cipher.decrypt_bytes, other.encrypt_bytes(b"x", "traces.input"))):
        with pytest.raises(crypto.DecryptError) as err:
            call(token, "traces.input")
        assert str(err.value) == "cannot decrypt a stored traces.input"
    for call, token in ((cipher.decrypt_text, other.encrypt_text("x")),
                        (cipher.decrypt_bytes, other.encrypt_bytes(b"x"))):
        with pytest.raises(crypto.DecryptError) as err:
            call(token)
        assert str(err.value) == "cannot decrypt a stored value"
    with pytest.raises(crypto.DecryptError) as err:
        cipher.decrypt_text("enc1:not base64!", "findings.detail")
    assert str(err.value) == "cannot decrypt a stored findings.detail"


@pytest.mark.parametrize("config, on", [
    (None, True),                                   # no config file
    ("[store]\nencrypt = false\n", False),
    ("[store]\nencrypt = true\n", True),
    ("[store]\npath = 'x'\n", True),                # a store table without the key
    ("[export]\nmode = 'local'\n", True),           # no store table
    ("store = 3\n", True),                          # not a table
    ("[store]\nencrypt = 0\n", True),               # only `false` turns it off
    ("[store\nencrypt = false\n", True),            # broken TOML: encryption stays on
])
def test_enabled_reads_store_encrypt_and_stays_on_unless_it_is_false(tmp_path, config, on):
    if config is not None:
        (tmp_path / "config.toml").write_text(config)
    assert crypto.enabled(str(tmp_path)) is on


def test_a_cipher_whose_key_is_in_the_keychain_is_cached_on_the_marker(tmp_path):
    from cctrace.security import keys
    from security.test_keys import MemoryKeyring

    crypto.forget_cached()
    root = str(tmp_path / "s")
    kr = MemoryKeyring()
    first = crypto.cipher_for_state_dir(root, backend=kr)
    # The key went to the keychain: only the marker file stands for it.
    assert not os.path.exists(keys.key_path(keys.STORE_KEY, root))
    assert os.path.exists(keys.key_path(keys.STORE_KEY, root) + ".keyring")
    assert crypto.cipher_for_state_dir(root, backend=kr) is first
    crypto.forget_cached()
    again = crypto.cipher_for_state_dir(root, backend=kr)
    assert again is not first
    assert again.decrypt_text(first.encrypt_text("x", "c"), "c") == "x"  # the same key


def test_encryption_turned_off_is_cached_as_none(tmp_path):
    crypto.forget_cached()
    (tmp_path / "config.toml").write_text("[store]\nencrypt = false\n")
    assert crypto.cipher_for_state_dir(str(tmp_path)) is None
    assert crypto.cipher_for_state_dir(str(tmp_path)) is None
    assert not os.path.exists(os.path.join(str(tmp_path), "keys"))  # no key made for nothing
