"""Encryption at rest for the store's content columns (AES-256-GCM, `cryptography`).

`Cipher` turns a JSON text value into `enc1:<base64(nonce || ciphertext+tag)>` and back; a
value without the prefix is returned unchanged, so a store written before encryption was
turned on stays readable. The column name is bound in as associated data, so a ciphertext
moved to another column does not decrypt. What is encrypted: observation input, output,
metadata and status message, trace input, output and metadata, hook event payloads,
findings' title and detail (their evidence), outbox payloads, and the spool quarantine's
records (`cctrace.spool.quarantine`). Ids, names, times, levels, models, usage and cost
stay in clear, because `cctrace sessions`, `show` and `report` list and total them in SQL.

The 32-byte key lives in the OS keychain or `<state dir>/keys/store-key` (0600), created on
first use (`cctrace.security.keys`). `[store] encrypt = false` in the config turns it off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
BYTES_PREFIX = b"CCE1"
NONCE = 12


class DecryptError(ValueError):
    """A stored value could not be decrypted (wrong key or tampered data)."""


class Cipher:
    """AES-GCM over text and bytes values. The key is never part of repr or errors."""

    def __init__(self, key: bytes) -> None:
        if len(key) not in (16, 24, 32):
            raise ValueError("AES key must be 16, 24 or 32 bytes")
        self._aead = AESGCM(key)
        # A separate key for keyed hashes (tombstones), derived so it never meets AES-GCM.
        self._mac_key = hashlib.sha256(b"cctrace-mac-v1\x00" + key).digest()

    def __repr__(self) -> str:
        return "Cipher(AES-GCM)"

    def mac(self, text: str) -> str:
        """HMAC-SHA256 hex of `text` under the store key (a keyed hash: no content)."""
        return hmac.new(self._mac_key, text.encode("utf-8", "surrogatepass"),
                        hashlib.sha256).hexdigest()

    def encrypt_text(self, text: str | None, column: str = "") -> str | None:
        if text is None:
            return None
        nonce = os.urandom(NONCE)
        ct = self._aead.encrypt(nonce, text.encode("utf-8"), column.encode())
        return PREFIX + base64.b64encode(nonce + ct).decode("ascii")

    def decrypt_text(self, value: str | None, column: str = "") -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            raw = base64.b64decode(value[len(PREFIX):])
            return self._aead.decrypt(raw[:NONCE], raw[NONCE:], column.encode()).decode("utf-8")
        except (InvalidTag, ValueError) as exc:
            raise DecryptError(f"cannot decrypt a stored {column or 'value'}") from exc

    def encrypt_bytes(self, data: bytes, column: str = "") -> bytes:
        if not data:
            return data
        nonce = os.urandom(NONCE)
        return BYTES_PREFIX + nonce + self._aead.encrypt(nonce, data, column.encode())

    def decrypt_bytes(self, data: bytes, column: str = "") -> bytes:
        if not data.startswith(BYTES_PREFIX):
            return data
        body = data[len(BYTES_PREFIX):]
        try:
            return self._aead.decrypt(body[:NONCE], body[NONCE:], column.encode())
        except InvalidTag as exc:
            raise DecryptError(f"cannot decrypt a stored {column or 'value'}") from exc


def enabled(state_dir: str) -> bool:
    """`[store] encrypt` of the config file (default true); a broken file means true."""
    from cctrace import config as config_mod

    try:
        raw = config_mod.read_file(config_mod.config_path(state_dir))
    except config_mod.ConfigError:
        return True
    table = raw.get("store")
    value = table.get("encrypt", True) if isinstance(table, dict) else True
    return value is not False


_cache: dict[str, tuple[tuple[int, int, int] | None, Cipher | None]] = {}
_lock = threading.Lock()


def cipher_for_state_dir(state_dir: str, *, backend: Any | None = None) -> Cipher | None:
    """The store cipher of `state_dir` (key loaded or created once per process), or None
    when encryption is turned off.

    The cache is keyed on the key file's identity too: a long-lived worker whose state dir
    was deleted and recreated must load the new key, not write with the old one (a store
    with rows under two keys cannot be read)."""
    from cctrace.security import keys

    root = os.path.realpath(state_dir)
    with _lock:
        stamp = _key_stamp(keys, root)
        cached = _cache.get(root)
        if cached is not None and cached[0] == stamp and stamp is not None:
            return cached[1]
        cipher = None
        if enabled(root):
            key, _ = keys.load_or_create_binary_key(keys.STORE_KEY, root, backend=backend)
            cipher = Cipher(key)
        _cache[root] = (_key_stamp(keys, root), cipher)
        return cipher


def _key_stamp(keys: Any, root: str) -> tuple[int, int, int] | None:
    path = keys.key_path(keys.STORE_KEY, root)
    for candidate in (path, path + ".keyring"):
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        return st.st_dev, st.st_ino, st.st_mtime_ns
    return None


def forget_cached() -> None:
    """Drop cached ciphers (tests, and after a key rotation)."""
    with _lock:
        _cache.clear()
