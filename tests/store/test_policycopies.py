"""Exact rows of `policy_copies` (`cctrace.store.policycopies`): keyed hashes only, the first
rule kept, the oldest rows dropped past the bound, expired with retention."""

from __future__ import annotations

import hashlib
import sqlite3

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
        "SELECT mac, rule, created_ns FROM policy_copies ORDER BY created_ns, mac", ())]


def _sha(subject: str) -> str:
    return "sha256:" + hashlib.sha256(subject.encode()).hexdigest()


def test_rows_are_keyed_by_a_hash_of_the_subject_never_the_path(store):
    assert store.note_policy_copies({"copy:/tmp/n": "r1", "copy-folder:/tmp": "r1"}, 7) == 2
    assert _rows(store) == sorted([(_sha("copy-folder:/tmp"), "r1", 7),
                                   (_sha("copy:/tmp/n"), "r1", 7)])
    assert store.policy_copies() == {_sha("copy:/tmp/n"): "r1", _sha("copy-folder:/tmp"): "r1"}
    assert store.copy_hasher()("copy:/tmp/n") == _sha("copy:/tmp/n")


def test_with_a_cipher_the_hash_is_keyed(tmp_path):
    key = bytes(range(32))
    with Store(str(tmp_path / "c.db"), Cipher(key)) as s:
        s.note_policy_copies({"copy:/tmp/n": "r"}, 1)
        (mac,) = s.policy_copies()
        assert mac == Cipher(key).mac("copy:/tmp/n") != _sha("copy:/tmp/n")
        assert s.copy_hasher()("copy:/tmp/n") == mac
    raw = sqlite3.connect(tmp_path / "c.db").execute("SELECT * FROM policy_copies").fetchall()
    assert "/tmp/n" not in repr(raw)


def test_a_subject_kept_before_keeps_its_first_rule_and_time(store):
    store.note_policy_copies({"copy:/a": "first"}, 1)
    assert store.note_policy_copies({"copy:/a": "second", "copy:/b": "b"}, 2) == 1
    assert _rows(store) == [(_sha("copy:/a"), "first", 1), (_sha("copy:/b"), "b", 2)]
    assert store.note_policy_copies({}, 3) == 0


def test_a_long_rule_is_cut(store):
    store.note_policy_copies({"copy:/a": "x" * 600}, 1)
    assert _rows(store)[0][1] == "x" * 500


def test_past_the_bound_the_oldest_rows_go(store, monkeypatch):
    monkeypatch.setattr(policycopies, "MAX_ROWS", 3)
    for i in range(5):
        store.note_policy_copies({f"copy:/f{i}": f"r{i}"}, 10 + i)
    assert [r[1] for r in _rows(store)] == ["r2", "r3", "r4"]
    assert sorted(store.policy_copies().values()) == ["r2", "r3", "r4"]


def test_the_bound_keeps_the_newest_of_rows_written_at_one_time(store, monkeypatch):
    monkeypatch.setattr(policycopies, "MAX_ROWS", 2)
    store.note_policy_copies({"copy:/a": "a", "copy:/b": "b", "copy:/c": "c"}, 5)
    assert sorted(r[1] for r in _rows(store)) == ["b", "c"]  # rowid order: a was first
    monkeypatch.setattr(policycopies, "MAX_ROWS", 1)
    assert list(store.policy_copies().values()) == ["c"]


def test_retention_expires_policy_copies(store):
    store.note_policy_copies({"copy:/old": "o"}, 99)
    store.note_policy_copies({"copy:/new": "n"}, 100)
    store.purge_older_than(100)
    assert [r[1] for r in _rows(store)] == ["n"]
