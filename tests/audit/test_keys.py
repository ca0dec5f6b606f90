"""Exact behaviour of `audit/keys.py`: the certificate message, the key file (fields, mode,
an old temp file), the overwrite of the old key's bytes on rotation (forward security),
when an epoch is over and which number the next one gets.

Run first by `bench/mutation.py -m audit.keys`; expected values come from the documented
format (docs/audit.md), not from the code under test.
"""

from __future__ import annotations

import json
import os
import stat
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cctrace.audit import keys

T0 = 1_700_000_000 * 10**9
EPOCH_NS = 15 * 60 * 10**9  # the bound: a new key at least every 15 minutes


def _raw_pub(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def test_cert_message_is_the_tag_the_epoch_in_eight_bytes_then_the_public_key():
    pub = bytes(range(32))
    assert keys.cert_message(1, pub) == b"cctrace-audit-key-v1\x00" + b"\x00" * 7 + b"\x01" + pub
    assert keys.cert_message(258, pub) == (
        b"cctrace-audit-key-v1\x00" + b"\x00" * 6 + b"\x01\x02" + pub)


def test_public_bytes_and_verify_sig():
    key = Ed25519PrivateKey.generate()
    pub = keys.public_bytes(key)
    assert pub == _raw_pub(key) and len(pub) == 32
    sig = key.sign(b"message")
    assert keys.verify_sig(pub, sig, b"message") is True
    assert keys.verify_sig(pub, sig, b"messagE") is False          # InvalidSignature
    assert keys.verify_sig(pub[:31], sig, b"message") is False     # ValueError: no key
    other = _raw_pub(Ed25519PrivateKey.generate())
    assert keys.verify_sig(other, sig, b"message") is False


def test_the_first_key_starts_at_min_epoch_with_no_certificate(tmp_path):
    root = str(tmp_path)
    key, rotated = keys.current(root, now_ns=T0, min_epoch=5)
    assert rotated is True
    assert (key.epoch, key.created_ns, key.cert) == (5, T0, None)
    assert os.listdir(root) == ["key"]
    data = json.loads((tmp_path / "key").read_text())
    assert data == {"epoch": 5, "private": _raw_private(key.private).hex(),
                    "created_ns": T0, "cert": None}
    assert stat.S_IMODE(os.stat(tmp_path / "key").st_mode) == 0o600
    assert keys.load_public(root) == (5, key.pub)
    loaded = keys.load(root)
    assert (loaded.epoch, loaded.pub, loaded.created_ns, loaded.cert) == (5, key.pub, T0, None)


def test_a_key_file_is_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        keys.current(str(tmp_path), now_ns=T0)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "key").st_mode) == 0o600


def test_now_defaults_to_the_clock(tmp_path):
    before = time.time_ns()
    key, _ = keys.current(str(tmp_path))
    assert before <= key.created_ns <= time.time_ns()


def test_the_epoch_lasts_epoch_s_to_the_nanosecond(tmp_path):
    root = str(tmp_path)
    first, _ = keys.current(root, now_ns=T0)
    same, rotated = keys.current(root, now_ns=T0 + EPOCH_NS - 1)  # the default epoch
    assert rotated is False and same.pub == first.pub and same.epoch == 0
    new, rotated = keys.current(root, now_ns=T0 + EPOCH_NS)
    assert rotated is True and new.pub != first.pub
    assert (new.epoch, new.created_ns) == (1, T0 + EPOCH_NS)
    # A shorter epoch (`[audit] key_epoch_s`) counts from the new key's creation.
    again, rotated = keys.current(root, 10, now_ns=T0 + EPOCH_NS + 10 * 10**9 - 1)
    assert rotated is False and again.epoch == 1
    last, rotated = keys.current(root, 10, now_ns=T0 + EPOCH_NS + 10 * 10**9)
    assert rotated is True and last.epoch == 2


def test_rotation_certifies_the_new_key_with_the_old_one(tmp_path):
    root = str(tmp_path)
    old, _ = keys.current(root, now_ns=T0)
    new, _ = keys.current(root, now_ns=T0 + EPOCH_NS)
    assert keys.verify_sig(old.pub, new.cert, keys.cert_message(1, new.pub)) is True
    data = json.loads((tmp_path / "key").read_text())
    assert data == {"epoch": 1, "private": _raw_private(new.private).hex(),
                    "created_ns": T0 + EPOCH_NS, "cert": new.cert.hex()}
    loaded = keys.load(root)
    assert (loaded.epoch, loaded.pub, loaded.cert) == (1, new.pub, new.cert)
    assert keys.load_public(root) == (1, new.pub)
    assert os.listdir(root) == ["key"]


def test_a_raised_min_epoch_rotates_a_key_still_in_time(tmp_path):
    # The checkpoints already name epoch 3 (a key file restored from a backup, say): the
    # next key must be newer than any epoch signed with, not reuse a number.
    root = str(tmp_path)
    keys.current(root, now_ns=T0)
    key, rotated = keys.current(root, now_ns=T0 + 1, min_epoch=3)
    assert rotated is True and key.epoch == 4
    # At the key's own epoch nothing is due: `>=`, not `>`.
    same, rotated = keys.current(root, now_ns=T0 + 2, min_epoch=4)
    assert rotated is False and same.epoch == 4
    # A lower min_epoch never lowers the number.
    later, rotated = keys.current(root, now_ns=T0 + 1 + EPOCH_NS, min_epoch=1)
    assert rotated is True and later.epoch == 5


def test_rotation_overwrites_the_old_key_file_bytes(tmp_path):
    root = str(tmp_path)
    keys.current(root, now_ns=T0)
    # A second name for the old file's inode: what an intruder reading the disk later
    # could find of it.
    os.link(tmp_path / "key", tmp_path / "old-inode")
    size = os.path.getsize(tmp_path / "old-inode")
    keys.current(root, now_ns=T0 + EPOCH_NS)
    assert (tmp_path / "old-inode").read_bytes() == b"\x00" * size
    assert json.loads((tmp_path / "key").read_text())["epoch"] == 1


def test_a_stale_longer_temp_file_is_truncated_and_replaced(tmp_path):
    # A crash between writing `key.tmp` and renaming it leaves the file behind.
    (tmp_path / "key.tmp").write_bytes(b"x" * 4096)
    key, _ = keys.current(str(tmp_path), now_ns=T0)
    assert os.listdir(tmp_path) == ["key"]
    assert keys.load(str(tmp_path)).pub == key.pub


def test_no_key_file_and_a_broken_one(tmp_path):
    root = str(tmp_path)
    assert keys.load(root) is None and keys.load_public(root) is None
    for body in ("not json", '{"epoch": 0}', '{"epoch": "x", "private": "00", "created_ns": 0}',
                 '{"epoch": 0, "private": "zz", "created_ns": 0}'):
        (tmp_path / "key").write_text(body)
        assert keys.load_public(root) is None, body
    os.unlink(tmp_path / "key")
    os.mkdir(tmp_path / "key")  # unreadable as a file: OSError
    assert keys.load_public(root) is None
    with pytest.raises(IsADirectoryError):
        keys.load(root)


def test_an_empty_cert_is_no_cert(tmp_path):
    key = Ed25519PrivateKey.generate()
    (tmp_path / "key").write_text(json.dumps({
        "epoch": "2", "private": _raw_private(key).hex(), "created_ns": "7", "cert": ""}))
    loaded = keys.load(str(tmp_path))
    assert (loaded.epoch, loaded.created_ns, loaded.cert) == (2, 7, None)
    assert loaded.pub == _raw_pub(key)
    assert keys.verify_sig(loaded.pub, loaded.sign(b"m"), b"m") is True
