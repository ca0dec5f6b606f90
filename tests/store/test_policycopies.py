"""Exact rows of `policy_copies` (`cctrace.store.policycopies`): subjects encrypted and keyed
by a keyed hash, the first rule kept, the oldest rows dropped past the bound, expired with
retention."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from cctrace.security.crypto import Cipher
from cctrace.store import policycopies
from cctrace.store.db import Store


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "cctrace.db")) as s:
        yield s


def _rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in store._read(
        "SELECT mac, subject, rule, created_ns FROM policy_copies ORDER BY created_ns, mac",
        ())]


def _sha(subject: str) -> str:
    return "sha256:" + hashlib.sha256(subject.encode()).hexdigest()


def test_rows_without_a_cipher(store):
    assert store.note_policy_copies({"copy:/tmp/n": "r1", "copy-task:b7": "r2"}, 7) == 2
    assert _rows(store) == sorted([(_sha("copy:/tmp/n"), "copy:/tmp/n", "r1", 7),
                                   (_sha("copy-task:b7"), "copy-task:b7", "r2", 7)])
    assert store.policy_copies() == {"copy:/tmp/n": "r1", "copy-task:b7": "r2"}


def test_with_a_cipher_the_path_is_encrypted_and_the_key_a_keyed_hash(tmp_path):
    key = bytes(range(32))
    with Store(str(tmp_path / "c.db"), Cipher(key)) as s:
        s.note_policy_copies({"copy:/tmp/secret-name.txt": "r"}, 1)
        assert s.policy_copies() == {"copy:/tmp/secret-name.txt": "r"}
    raw = sqlite3.connect(tmp_path / "c.db").execute("SELECT * FROM policy_copies").fetchall()
    assert len(raw) == 1 and raw[0][0] == Cipher(key).mac("copy:/tmp/secret-name.txt")
    assert "secret-name" not in repr(raw) and raw[0][2:] == ("r", 1)
    # Bound to its column, as every encrypted column is (`state_store_text` reads it so).
    assert Cipher(key).decrypt_text(raw[0][1], "policy_copies.subject") == (
        "copy:/tmp/secret-name.txt")


def test_a_row_whose_subject_is_empty_is_skipped(store):
    store.note_policy_copies({"copy:/a": "a"}, 1)
    store._conn.execute("INSERT INTO policy_copies VALUES ('m', '', 'r', 2)")
    assert store.policy_copies() == {"copy:/a": "a"}


def test_a_subject_kept_before_keeps_its_first_rule_and_time(store):
    store.note_policy_copies({"copy:/a": "first"}, 1)
    assert store.note_policy_copies({"copy:/a": "second", "copy:/b": "b"}, 2) == 1
    assert _rows(store) == [(_sha("copy:/a"), "copy:/a", "first", 1),
                            (_sha("copy:/b"), "copy:/b", "b", 2)]
    assert store.note_policy_copies({}, 3) == 0


def test_a_long_rule_is_cut(store):
    store.note_policy_copies({"copy:/a": "x" * 600}, 1)
    assert _rows(store)[0][2] == "x" * 500


def test_past_the_bound_the_oldest_rows_go(store, monkeypatch):
    monkeypatch.setattr(policycopies, "MAX_ROWS", 3)
    for i in range(5):
        store.note_policy_copies({f"copy:/f{i}": f"r{i}"}, 10 + i)
    assert [r[2] for r in _rows(store)] == ["r2", "r3", "r4"]
    assert list(store.policy_copies().values()) == ["r4", "r3", "r2"]  # newest first


def test_the_bound_keeps_the_newest_of_rows_written_at_one_time(store, monkeypatch):
    monkeypatch.setattr(policycopies, "MAX_ROWS", 2)
    store.note_policy_copies({"copy:/a": "a", "copy:/b": "b", "copy:/c": "c"}, 5)
    assert sorted(r[2] for r in _rows(store)) == ["b", "c"]  # rowid order: a was first
    monkeypatch.setattr(policycopies, "MAX_ROWS", 1)
    assert store.policy_copies() == {"copy:/c": "c"}


def test_retention_expires_policy_copies(store):
    store.note_policy_copies({"copy:/old": "o"}, 99)
    store.note_policy_copies({"copy:/new": "n"}, 100)
    store.purge_older_than(100)
    assert [r[2] for r in _rows(store)] == ["n"]


def test_the_bound_is_the_one_documented():
    assert policycopies.MAX_ROWS == 5_000
    doc = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    assert "at most 5,000 rows" in " ".join(doc.split())
