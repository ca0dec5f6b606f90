"""Spool file naming and the pending signature the worker watches."""

from __future__ import annotations

import os

from cctrace.spool import layout, writer


def test_event_names_round_trip_and_sort_numerically():
    seqs = [1, 9, 10, 123456789, 10**19]
    names = [layout.event_name(s) for s in seqs]
    assert [layout.parse_seq(n) for n in names] == seqs
    assert sorted(names) == names


def test_parse_seq_rejects_everything_else():
    for name in (".seq", ".tmp-12-abcd", "1.evt", "0000000000000000000x.evt",
                 layout.event_name(5) + ".bak", "00000000000000000005.tmp"):
        assert layout.parse_seq(name) is None


def test_pending_signature_changes_on_every_arrival(tmp_path):
    root = str(tmp_path)
    assert layout.pending_signature(root) == (0, 0)
    writer.append(root, b"{}", received_ns=1, event=None)
    first = layout.pending_signature(root)
    assert first == (1, 1)
    # Remove the pending event and add another: the count is the same, the signature is not.
    os.unlink(os.path.join(layout.spool_dir(root), layout.event_name(1)))
    writer.append(root, b"{}", received_ns=2, event=None)
    assert layout.pending_signature(root) != first
    assert layout.list_seqs(root) == [2]


def test_the_on_disk_names_are_a_contract_between_versions(tmp_path):
    # A hook of the previous version may have spooled events that this version's worker
    # must read after an upgrade: the folder, the file names and the counter stay put.
    root = str(tmp_path)
    writer.append(root, b"{}", received_ns=1, event=None)
    writer.append(root, b"{}", received_ns=2, event=None)
    assert sorted(os.listdir(tmp_path)) == ["spool"]
    assert sorted(os.listdir(tmp_path / "spool")) == [
        ".seq", "00000000000000000001.evt", "00000000000000000002.evt"]
    assert layout.parse_seq("00000000000000000007.evt") == 7
    assert layout.parse_seq("00000000000000000007.evz") is None
