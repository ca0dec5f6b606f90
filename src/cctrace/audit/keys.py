"""Signing keys of the audit log: Ed25519 key epochs in a 0600 file, rotated and erased.

The file `<state dir>/audit/key` holds only the *current* epoch's private key, its epoch
number, creation time and its certificate: the previous epoch's signature over the new
public key (`cert_message`). Rotation computes that certificate, replaces the file
atomically and overwrites the old file's bytes first, so an intruder who reads the file
later holds no key that can re-sign an earlier epoch (forward security). The certificate
travels in every checkpoint of the epoch, so the chain of keys is itself verifiable from
the genesis key.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

KEY_NAME = "key"
# A new key at least this often (the bound); `[audit] key_epoch_s` may lower it.
DEFAULT_EPOCH_S = 15 * 60


def cert_message(epoch: int, pub: bytes) -> bytes:
    return b"cctrace-audit-key-v1\x00" + epoch.to_bytes(8, "big") + pub


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def verify_sig(pub: bytes, sig: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass
class EpochKey:
    epoch: int
    private: Ed25519PrivateKey
    created_ns: int
    cert: bytes | None  # previous epoch's signature over cert_message(epoch, pub)

    @property
    def pub(self) -> bytes:
        return public_bytes(self.private)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def load(audit_dir: str) -> EpochKey | None:
    path = os.path.join(audit_dir, KEY_NAME)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    return EpochKey(
        epoch=int(data["epoch"]),
        private=Ed25519PrivateKey.from_private_bytes(bytes.fromhex(data["private"])),
        created_ns=int(data["created_ns"]),
        cert=bytes.fromhex(data["cert"]) if data.get("cert") else None,
    )


def load_public(audit_dir: str) -> tuple[int, bytes] | None:
    """(epoch, public key) of the current key file, for the verifier; None without one."""
    try:
        key = load(audit_dir)
    except (OSError, ValueError, KeyError):
        return None
    return (key.epoch, key.pub) if key else None


def _write(audit_dir: str, key: EpochKey) -> None:
    path = os.path.join(audit_dir, KEY_NAME)
    tmp = path + ".tmp"
    body = json.dumps({
        "epoch": key.epoch, "private": _raw_private(key.private).hex(),
        "created_ns": key.created_ns, "cert": key.cert.hex() if key.cert else None,
    }).encode()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, body)
        os.fsync(fd)
    finally:
        os.close(fd)
    _shred(path)
    os.replace(tmp, path)


def _shred(path: str) -> None:
    """Overwrite a key file's bytes in place before it is replaced (best effort: copy-on-
    write file systems and SSD wear levelling may keep old blocks; see docs/audit.md)."""
    try:
        size = os.path.getsize(path)
        fd = os.open(path, os.O_WRONLY)
    except OSError:
        return
    try:
        os.write(fd, b"\x00" * size)
        os.fsync(fd)
    finally:
        os.close(fd)


def current(audit_dir: str, epoch_s: float = DEFAULT_EPOCH_S,
            now_ns: int | None = None, min_epoch: int = 0) -> tuple[EpochKey, bool]:
    """The key to sign with now, rotating first if its epoch is over; (key, rotated)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    key = load(audit_dir)
    if key is None:
        key = EpochKey(min_epoch, Ed25519PrivateKey.generate(), now_ns, None)
        _write(audit_dir, key)
        return key, True
    if now_ns - key.created_ns < epoch_s * 1e9 and key.epoch >= min_epoch:
        return key, False
    fresh = Ed25519PrivateKey.generate()
    epoch = max(key.epoch, min_epoch) + 1
    cert = key.sign(cert_message(epoch, public_bytes(fresh)))
    new = EpochKey(epoch, fresh, now_ns, cert)
    _write(audit_dir, new)
    del key  # the old private key object goes with it; its file bytes were overwritten
    return new, True
