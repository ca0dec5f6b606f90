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
