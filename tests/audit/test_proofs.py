"""`audit.proofs` exactly: which entry a subject names (an id or a unique prefix of one,
never other text of a line), the proof `cctrace verify --event` prints, and a proof is
verified only when both the audit path and the checkpoint's signature hold."""

from __future__ import annotations

import base64
import json

import pytest

from audit.test_verify_exact import _build, _files
from cctrace.audit import log, merkle, proofs, verify


@pytest.fixture(scope="module")
def _sealed(tmp_path_factory):
    """The small sealed log of test_verify_exact (12 entries, latest checkpoint 3)."""
    state = str(tmp_path_factory.mktemp("audit"))
    _build(state)
    return _files(state)


@pytest.fixture
def sealed_report(_sealed) -> verify.Report:
    log_data, cp_data, key = _sealed
    return verify.verify_data(log_data, cp_data, current_key=key)


def _leaf(subject, **extra) -> bytes:
    return json.dumps({"i": 0, "t": 1, "k": "hook", "id": subject, "h": "00", **extra},
                      separators=(",", ":")).encode()


def _report(*leaf_data: bytes) -> verify.Report:
    return verify.Report(leaf_data=list(leaf_data))


def test_an_exact_id_wins_over_a_prefix_hit_before_it():
    report = _report(_leaf("hook:42-more"), _leaf("hook:42"), _leaf("hook:42"))
    assert proofs.find_entry(report, "hook:42") == 1
    assert proofs.find_entry(report, "hook:42-") == 0


def test_a_subject_is_looked_for_in_ids_only():
    # the subject's text elsewhere in one line (a detail) is not that line's id
    report = _report(_leaf("erase:1", x={"of": "obs-07-x"}), _leaf("obs-07-x"))
    assert proofs.find_entry(report, "obs-07-x") == 1
    assert proofs.find_entry(report, "obs-07") == 1
    assert proofs.find_entry(_report(_leaf("erase:1", x={"of": "obs-07-x"})), "obs-07") is None


def test_lines_that_are_no_entry_with_a_string_id_are_passed_over():
    report = _report(b'{"k":"hook","id":"obs-1', _leaf(7, x="obs-1"), b'["obs-1"]',
                     _leaf("obs-1x"))
    assert proofs.find_entry(report, "obs-1") == 3
    assert proofs.find_entry(_report(b'{"id":"obs-1', _leaf(7, x="obs-1")), "obs-1") is None


def test_the_proof_as_printed(sealed_report):
    report = sealed_report
    proof = proofs.inclusion(report, 5)
    cp = report.latest
    d = proof.to_dict()
    assert base64.b64decode(d["path"]) == b"".join(
        merkle.inclusion_proof(5, report.leaves[:cp.size]))
    assert len(base64.b64decode(d["path"])) == d["proof_bytes"] == 128
    assert d["checkpoint"] == {"n": 3, "root": cp.root, "epoch": cp.epoch, "sig": cp.sig,
                               "pub": cp.pub}
    assert list(d) == ["index", "tree_size", "entry", "leaf_hash", "path", "proof_bytes",
                       "checkpoint", "verified"]
    assert d["entry"] == log.entry_dict(report.leaf_data[5])


def test_an_entry_past_the_checkpoint_is_not_sealed(sealed_report):
    size = sealed_report.latest.size
    with pytest.raises(LookupError, match="^the entry is not sealed by any checkpoint yet$"):
        proofs.inclusion(sealed_report, size)
    assert proofs.inclusion(sealed_report, size - 1).index == size - 1


def test_verified_needs_the_path_and_the_signature(sealed_report):
    report = sealed_report
    assert proofs.inclusion(report, 5).verified is True
    good = report.latest
    # The signature holds, the leaf is another: the path does not lead to the root.
    report.leaves = list(report.leaves)
    report.leaves[5] = merkle.leaf_hash(b"another entry")
    assert proofs.inclusion(report, 5).verified is False
    # The path holds, the signature does not.
    report.leaves = [merkle.leaf_hash(d) for d in report.leaf_data]
    assert proofs.inclusion(report, 5).verified is True
    report.latest = log.Checkpoint(**{**good.__dict__, "sig": good.sig[::-1]})
    assert report.latest.signature_ok() is False
    assert proofs.inclusion(report, 5).verified is False
