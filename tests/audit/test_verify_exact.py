"""Exact verdicts of `audit/verify.py`: which damage, where, in which words, and the counts.

Fast: one small sealed log (4 batches of 3 entries, keys rotating every 15 minutes of fake
time) is built once; each test changes its bytes the way an intruder or a crash would and
compares the whole `Report`, not just `ok`. Run first by `bench/mutation.py -m audit.verify`.
"""

from __future__ import annotations

import json
import os

import pytest

from cctrace import audit
from cctrace.audit import keys, log, merkle, proofs, verify
from cctrace.config import Config

T0 = 1_700_000_000 * 10**9
STEP = 400 * 10**9  # a new key every 15 minutes: batches 0-2 in epoch 0, batch 3 in epoch 1


def _subject(k: int) -> str:
    return f"obs-{k:02d}-{k * 7919:06d}"


def _build(state: str, batches: int = 4, per: int = 3, seal_last: bool = True) -> None:
    cfg = Config(state_dir=state, raw={"audit": {"fsync": False, "default_anchor": False}})
    for b in range(batches):
        entries = [audit.AuditEntry("hook", _subject(b * per + i), f"{b:02x}{i:02x}" * 16)
                   for i in range(per)]
        if b == batches - 1 and not seal_last:
            settings = log.AuditSettings(fsync=False, checkpoint_every_s=10**6)
            log.append(state, entries, settings, now_ns=T0 + b * STEP)
        else:
            audit.record(state, entries, cfg, now_ns=T0 + b * STEP)


def _files(state: str) -> tuple[bytes, bytes, tuple[int, bytes] | None]:
    root = os.path.join(state, log.AUDIT_DIR)
    return (log.read_bytes(os.path.join(root, log.LOG_NAME)),
            log.read_bytes(os.path.join(root, log.CHECKPOINTS_NAME)), keys.load_public(root))


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    state = str(tmp_path_factory.mktemp("audit"))
    _build(state)
    return _files(state)


def _damage(report: verify.Report) -> list[tuple[str, str, int, str]]:
    return [(d.target, d.kind, d.position, d.message) for d in report.damage]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _relink(lines: list[bytes]) -> list[bytes]:
    """The log rewritten with a recomputed chain (what an intruder with the code does)."""
    prev, out = log.ZERO, []
    for line in lines:
        leaf, _ = log.split_line(line)
        prev = log.chain_next(prev, merkle.leaf_hash(leaf))
        out.append(log.make_line(leaf, prev))
    return out


def test_an_intact_log_reports_every_count(sealed):
    log_data, cp_data, key = sealed
    report = verify.verify_data(log_data, cp_data, current_key=key)
    d = report.to_dict()
    assert (d["ok"], d["entries"], d["checkpoints"], d["epochs"], d["anchored_checkpoints"],
            d["damage"], d["warnings"], d["store_rows"]) == (True, 12, 4, 2, 0, [], [], None)
    cps = [log.Checkpoint.parse(x) for x in cp_data.splitlines()]
    assert d["latest"] == {"n": 3, "size": 12, "root": cps[3].root, "epoch": 1,
                           "t": T0 + 3 * STEP}
    assert d["genesis_key"] == cps[0].pub
    assert [c.size for c in cps] == [3, 6, 9, 12] and [c.epoch for c in cps] == [0, 0, 0, 1]
    assert key is not None and key[0] == 1
    assert len(report.leaves) == 12 and report.leaf_data[4].startswith(b'{"i":4,')


def test_torn_last_lines_are_warnings_not_damage(sealed):
    log_data, cp_data, key = sealed
    report = verify.verify_data(log_data + b'{"i":12,"t"', cp_data + b'{"log"', current_key=key)
    assert report.ok and report.entries == 12 and report.checkpoints == 4
    assert report.warnings == ["the log ends in a partial line (ignored)",
                               "the checkpoints file ends in a partial line (ignored)"]


@pytest.mark.parametrize("position", [0, 5, 11])
def test_an_edited_entry_is_named_with_its_line(sealed, position):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    lines[position] = lines[position].replace(b'"h":"', b'"h":"f', 1)
    report = verify.verify_data(b"".join(lines), cp_data, current_key=key)
    assert _damage(report) == [("log", "edited", position, (
        f"entry at line {position + 1} (claims index {position}) does not link to the entry"
        " before it"))]


def test_an_unreadable_entry(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    lines[4] = b"garbage\n"
    report = verify.verify_data(b"".join(lines), cp_data, current_key=key)
    assert _damage(report) == [("log", "edited", 4, (
        "entry at line 5 (unreadable) does not link to the entry before it"))]
    # An unreadable line breaks the link of the next one too, but the first is reported.
    assert report.entries == 12


def test_a_deleted_entry(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    del lines[5]
    report = verify.verify_data(b"".join(lines), cp_data, current_key=key)
    assert _damage(report) == [("log", "deleted", 5, (
        "entry at line 6 (claims index 6) does not link to the entry before it"))]


def test_an_inserted_copy_of_an_entry(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    lines.insert(5, lines[2])
    report = verify.verify_data(b"".join(lines), cp_data, current_key=key)
    assert _damage(report) == [("log", "inserted", 5, (
        "entry at line 6 (claims index 2) does not link to the entry before it"))]


def test_two_entries_swapped(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    lines[3], lines[7] = lines[7], lines[3]
    report = verify.verify_data(b"".join(lines), cp_data, current_key=key)
    assert _damage(report) == [("log", "reordered", 3, (
        "entry at line 4 (claims index 7) does not link to the entry before it"))]


def test_cut_entries_are_a_truncated_log(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    report = verify.verify_data(b"".join(lines[:8]), cp_data, current_key=key)
    assert _damage(report) == [("log", "truncated", 8,
                                "checkpoint 2 seals 9 entries; the log has 8")]


def test_a_rewritten_log_with_a_recomputed_chain_fails_the_signed_root(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    lines[4] = lines[4].replace(b'"h":"', b'"h":"f', 1)
    report = verify.verify_data(b"".join(_relink(lines)), cp_data, current_key=key)
    assert _damage(report) == [("log", "edited", 3, (
        "entries 3..5 do not match the root signed by checkpoint 1: rewritten with a"
        " recomputed chain"))]
    # In the first batch the range starts at 0.
    lines = _lines(log_data)
    lines[0] = lines[0].replace(b'"h":"', b'"h":"f', 1)
    report = verify.verify_data(b"".join(_relink(lines)), cp_data, current_key=key)
    assert _damage(report) == [("log", "edited", 0, (
        "entries 0..2 do not match the root signed by checkpoint 0: rewritten with a"
        " recomputed chain"))]


def test_unsealed_entries_mean_removed_checkpoints(sealed):
    log_data, cp_data, key = sealed
    cps = _lines(cp_data)
    report = verify.verify_data(log_data, b"".join(cps[:3]), current_key=key)
    assert _damage(report) == [("checkpoints", "truncated", 3, (
        "entries 9..11 are covered by no checkpoint: checkpoints were removed (or the worker"
        " stopped between append and seal; the next batch seals)"))]
    # Without any checkpoint at all.
    report = verify.verify_data(log_data, b"", current_key=None)
    assert _damage(report)[0][:3] == ("checkpoints", "truncated", 0)
    assert _damage(report)[0][3].startswith("entries 0..11 are covered by no checkpoint")


def test_a_key_newer_than_every_checkpoint(sealed):
    log_data, cp_data, key = sealed
    report = verify.verify_data(log_data, cp_data, current_key=(2, key[1]))
    assert _damage(report) == [("checkpoints", "truncated", 4, (
        "the current key (epoch 2) is announced by no checkpoint: checkpoints were removed"))]
    # The same epoch, or no key file: nothing to say.
    assert verify.verify_data(log_data, cp_data, current_key=(1, key[1])).ok
    assert verify.verify_data(log_data, cp_data, current_key=None).ok


def test_checkpoint_damage_kinds_and_words(sealed):
    log_data, cp_data, key = sealed
    cps = _lines(cp_data)
    # A signature changed (still canonical JSON): edited, bad signature.
    cp = log.Checkpoint.parse(cps[1].rstrip(b"\n"))
    cp.sig = ("0" if cp.sig[0] != "0" else "1") + cp.sig[1:]
    bad = cps[:1] + [cp.line() + b"\n"] + cps[2:]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "edited", 1, "checkpoint at line 2: bad signature")]
    # Unreadable.
    bad = cps[:2] + [b"{}\n"] + cps[3:]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "edited", 2, "checkpoint at line 3: unreadable")]
    # Two swapped.
    bad = [cps[0], cps[2], cps[1], cps[3]]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "reordered", 1, "checkpoint at line 2: claims number 2")]
    # One deleted in the middle.
    bad = [cps[0], cps[2], cps[3]]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "deleted", 1, "checkpoint at line 2: claims number 2")]
    # One duplicated.
    bad = [cps[0], cps[1], cps[1], cps[2], cps[3]]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "inserted", 2, "checkpoint at line 3: claims number 1")]
    # A forged line inserted.
    bad = [cps[0], b"not a checkpoint\n", *cps[1:]]
    assert _damage(verify.verify_data(log_data, b"".join(bad), current_key=key)) == [
        ("checkpoints", "inserted", 1, "checkpoint at line 2: unreadable")]


def _resign(cp: log.Checkpoint, state: str) -> log.Checkpoint:
    """The checkpoint signed again by the key that signed it (an insider with the key)."""
    k = keys.load(os.path.join(state, log.AUDIT_DIR))
    cp.sig = k.sign(cp.message()).hex()
    return cp


def test_a_resigned_checkpoint_still_has_to_link_and_belong(tmp_path):
    state = str(tmp_path)
    _build(state, batches=2)  # both in epoch 0: the current key signed them
    log_data, cp_data, key = _files(state)
    cps = [log.Checkpoint.parse(x) for x in cp_data.splitlines()]
    # A wrong link to the previous checkpoint.
    c = log.Checkpoint(**{**cps[1].__dict__, "prev": "1" * 64})
    lines = [cps[0].line() + b"\n", _resign(c, state).line() + b"\n"]
    assert _damage(verify.verify_data(log_data, b"".join(lines), current_key=key)) == [
        ("checkpoints", "edited", 1,
         "checkpoint at line 2: does not link to the checkpoint before it")]
    # Another log's id.
    c = log.Checkpoint(**{**cps[1].__dict__, "log": "f" * 16})
    lines = [cps[0].line() + b"\n", _resign(c, state).line() + b"\n"]
    assert _damage(verify.verify_data(log_data, b"".join(lines), current_key=key)) == [
        ("checkpoints", "edited", 1, "checkpoint at line 2: belongs to another log")]
    # The same key under a new epoch number (no certificate): not certified.
    c = log.Checkpoint(**{**cps[1].__dict__, "epoch": 1})
    lines = [cps[0].line() + b"\n", _resign(c, state).line() + b"\n"]
    assert _damage(verify.verify_data(log_data, b"".join(lines), current_key=key)) == [
        ("checkpoints", "edited", 1,
         "checkpoint at line 2: its key is not certified by the previous epoch's key")]
    # A first checkpoint carrying a certificate in epoch 0.
    c = log.Checkpoint(**{**cps[0].__dict__, "cert": "00" * 64})
    lines = [_resign(c, state).line() + b"\n", cps[1].line() + b"\n"]
    assert _damage(verify.verify_data(log_data, b"".join(lines), current_key=key))[0][:4] == (
        "checkpoints", "edited", 0,
        "checkpoint at line 1: its key is not certified by the previous epoch's key")
    # A later checkpoint sealing fewer entries than the one before: cut and regrown.
    c = log.Checkpoint(**{**cps[1].__dict__, "size": 2,
                          "root": merkle.root([merkle.leaf_hash(log.split_line(x)[0])
                                               for x in _lines(log_data)[:2]]).hex()})
    lines = [cps[0].line() + b"\n", _resign(c, state).line() + b"\n"]
    assert _damage(verify.verify_data(log_data, b"".join(lines), current_key=key)) == [
        ("log", "truncated", 2, "checkpoint 1 seals 2 entries, fewer than checkpoint 0 (3):"
         " the log was cut and has grown again")]


def test_key_chain_rules():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    a = keys.EpochKey(0, Ed25519PrivateKey.generate(), 0, None)
    b = keys.EpochKey(1, Ed25519PrivateKey.generate(), 0, None)

    def cp(pub: bytes, epoch: int, cert: bytes | None) -> log.Checkpoint:
        return log.Checkpoint("l", 0, 0, "", "", 0, epoch, pub.hex(),
                              cert.hex() if cert is not None else None, "")

    first = cp(a.pub, 0, None)
    assert verify._key_ok(first, None) is True
    assert verify._key_ok(cp(a.pub, 0, b"\x01"), None) is False
    assert verify._key_ok(cp(a.pub, 3, b"\x01"), None) is True  # a log resumed in epoch 3
    assert verify._key_ok(cp(a.pub, 1, b"\x01"), None) is True  # ... or in epoch 1
    assert verify._key_ok(cp(a.pub, 0, None), first) is True
    assert verify._key_ok(cp(a.pub, 1, None), first) is False  # same key, new epoch
    assert verify._key_ok(cp(a.pub, 0, b"\x01"), first) is False  # same key, new cert
    cert = a.sign(keys.cert_message(1, b.pub))
    assert verify._key_ok(cp(b.pub, 1, cert), first) is True
    assert verify._key_ok(cp(b.pub, 0, cert), first) is False  # epoch not after
    same_epoch = a.sign(keys.cert_message(0, b.pub))  # a valid cert, but no new epoch
    assert verify._key_ok(cp(b.pub, 0, same_epoch), first) is False
    assert verify._key_ok(cp(b.pub, 1, None), first) is False
    assert verify._key_ok(cp(b.pub, 2, cert), first) is False  # cert for another epoch
    assert verify._key_ok(cp(b.pub, 1, b"\x00" * 64), first) is False
    bad_hex = log.Checkpoint("l", 0, 0, "", "", 0, 1, "zz", "00", "")
    assert verify._key_ok(bad_hex, first) is False


def _anchor(lines: list[bytes]) -> list[tuple[str, bytes]]:
    return [("anchor.jsonl", b"".join(lines))]


def test_anchors_counted_compared_and_warned(sealed):
    log_data, cp_data, key = sealed
    cps = _lines(cp_data)
    report = verify.verify_data(log_data, cp_data, _anchor(cps), key)
    assert report.ok and report.anchored == 4 and report.warnings == []
    # Junk and a bad signature are warnings; the rest still counts.
    cp = log.Checkpoint.parse(cps[0].rstrip(b"\n"))
    cp.sig = "00" * 64
    report = verify.verify_data(log_data, cp_data,
                                _anchor([b"junk\n", cp.line() + b"\n", cps[1]]), key)
    assert report.ok and report.anchored == 1
    assert report.warnings == ["anchor.jsonl:1: not a checkpoint",
                               "anchor.jsonl:2: bad signature (ignored)"]


def test_an_anchor_newer_than_the_local_head_is_a_rollback(sealed):
    log_data, cp_data, key = sealed
    cps = _lines(cp_data)
    lines = _lines(log_data)
    report = verify.verify_data(b"".join(lines[:6]), b"".join(cps[:2]), _anchor(cps), None)
    assert _damage(report) == [("checkpoints", "truncated", 2, (
        "the local head is checkpoint 1 (6 entries); the newest anchor (anchor.jsonl) holds"
        " checkpoint 3 (12 entries): the audit log was rolled back"))]
    # A junk line before the newer anchored checkpoint does not hide it.
    report = verify.verify_data(b"".join(lines[:6]), b"".join(cps[:2]),
                                _anchor([b"junk\n", cps[3]]), None)
    assert _damage(report)[0][3].startswith("the local head is checkpoint 1 (6 entries); the"
                                            " newest anchor (anchor.jsonl) holds checkpoint 3")
    # A newer line made unreadable (a trailing byte) is no checkpoint: a warning only.
    report = verify.verify_data(b"".join(lines[:6]), b"".join(cps[:2]),
                                _anchor([cps[0], cps[2].rstrip(b"\n") + b"X\n"]), None)
    assert report.ok and report.warnings == ["anchor.jsonl:2: not a checkpoint"]
    # Two anchors holding the same newest checkpoint: the first one read is named.
    report = verify.verify_data(b"".join(lines[:6]), b"".join(cps[:2]),
                                [("a.jsonl", cps[3]), ("b.jsonl", cps[3])], None)
    assert "the newest anchor (a.jsonl) holds checkpoint 3" in report.damage[0].message
    # Nothing local at all.
    report = verify.verify_data(b"", b"", _anchor(cps[:3]), None)
    assert _damage(report) == [("checkpoints", "truncated", 0, (
        "the local head is no checkpoint; the newest anchor (anchor.jsonl) holds checkpoint 2"
        " (9 entries): the audit log was rolled back"))]


def test_another_logs_checkpoints_in_a_shared_anchor_are_skipped(sealed, tmp_path):
    log_data, cp_data, key = sealed
    other = str(tmp_path / "other")
    _build(other)
    _, other_cps, _ = _files(other)
    report = verify.verify_data(log_data, cp_data, _anchor(_lines(other_cps)), key)
    assert report.ok and report.anchored == 0 and report.warnings == []
    # Mixed in one file: the other log's lines are skipped, ours after them still count.
    mixed = _anchor([_lines(other_cps)[0], _lines(cp_data)[0], _lines(other_cps)[1],
                     _lines(cp_data)[1]])
    report = verify.verify_data(log_data, cp_data, mixed, key)
    assert report.ok and report.anchored == 2


def test_anchor_damage_against_the_local_files(tmp_path):
    state = str(tmp_path)
    _build(state, batches=2)
    log_data, cp_data, key = _files(state)
    cps = [log.Checkpoint.parse(x) for x in cp_data.splitlines()]
    # The anchor's copy of checkpoint 1 differs from the local one (re-signed, other t).
    c = _resign(log.Checkpoint(**{**cps[1].__dict__, "t": cps[1].t + 1}), state)
    anchors = _anchor([cps[0].line() + b"\n", c.line() + b"\n"])
    report = verify.verify_data(log_data, cp_data, anchors, key)
    assert _damage(report) == [("checkpoints", "edited", 1,
                                "checkpoint 1 differs from its anchored copy (anchor.jsonl)")]
    assert report.anchored == 2
    # The anchor holds a checkpoint number the local file does not have.
    c2 = _resign(log.Checkpoint(**{**cps[1].__dict__, "n": 2}), state)
    report = verify.verify_data(log_data, cp_data,
                                _anchor([cps[0].line() + b"\n", c2.line() + b"\n"]), key)
    assert _damage(report)[0][:3] == ("checkpoints", "truncated", 2)


def test_anchor_roots_and_sizes_are_checked_against_the_log(tmp_path):
    state = str(tmp_path)
    _build(state, batches=2)
    log_data, cp_data, key = _files(state)
    cps = [log.Checkpoint.parse(x) for x in cp_data.splitlines()]
    # Local checkpoints are intact and agree with the anchor, but the log lost its tail
    # after the last seal is impossible to hide from _check_cps; feed the anchor check a
    # report directly.
    report = verify.Report(entries=4, latest=cps[1],
                           leaves=[merkle.leaf_hash(log.split_line(x)[0])
                                   for x in _lines(log_data)[:4]])
    verify._check_anchors(_anchor([cps[1].line() + b"\n"]), cps, report)
    assert _damage(report) == [("log", "truncated", 4, (
        "anchored checkpoint 1 (anchor.jsonl) seals 6 entries; the log has 4"))]
    report = verify.Report(entries=6, latest=cps[1], leaves=[merkle.leaf_hash(b"x")] * 6)
    verify._check_anchors(_anchor([cps[0].line() + b"\n"]), cps, report)
    assert _damage(report) == [("log", "edited", 0,
                                "the first 3 entries do not match anchored checkpoint 0")]
    # The first damage stops the scan.
    verify._check_anchors(_anchor([cps[0].line() + b"\n", cps[1].line() + b"\n"]), cps,
                          report := verify.Report(entries=6, latest=cps[1],
                                                  leaves=[merkle.leaf_hash(b"x")] * 6))
    assert len(report.damage) == 1 and report.anchored == 1


def test_own_anchor_holding_another_log_means_a_wipe(tmp_path):
    state, other = str(tmp_path / "s"), str(tmp_path / "o")
    _build(state, batches=2)
    _build(other, batches=3)
    _, cp_other, _ = _files(other)
    other_cps = [log.Checkpoint.parse(x) for x in cp_other.splitlines()]
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "cctrace-audit-x.jsonl").write_bytes(cp_other + b"junk\n")
    (folder / "notes.txt").write_bytes(cp_other)  # not a .jsonl: not read
    report = verify.verify_state(state, check_store=False, own_anchor=str(folder))
    _, cp_data, _ = _files(state)
    local = log.Checkpoint.parse(cp_data.splitlines()[0])
    assert _damage(report) == [("checkpoints", "truncated", 2, (
        f"this state dir's anchor {folder}/cctrace-audit-x.jsonl holds log "
        f"{other_cps[2].log} (checkpoint 2, 9 entries), not the local log {local.log}:"
        " the audit log was wiped and started again"))]
    # Its own log's file there is no damage.
    (folder / "cctrace-audit-x.jsonl").write_bytes(cp_data)
    assert verify.verify_state(state, check_store=False, own_anchor=str(folder)).ok
    # With no local checkpoint, the message names no local log.
    empty = str(tmp_path / "e")
    os.makedirs(empty)
    (folder / "cctrace-audit-x.jsonl").write_bytes(cp_other)
    report = verify.verify_state(empty, check_store=False, own_anchor=str(folder))
    assert report.damage[-1].message.endswith(
        "(checkpoint 2, 9 entries), not the local log: the audit log was wiped and started"
        " again")


def test_find_entry_and_inclusion(sealed):
    log_data, cp_data, key = sealed
    report = verify.verify_data(log_data, cp_data, current_key=key)
    assert proofs.find_entry(report, _subject(5)) == 5
    assert proofs.find_entry(report, _subject(7)[:7]) == 7  # a unique prefix ("obs-07-")
    assert proofs.find_entry(report, "obs-0") is None  # ambiguous
    assert proofs.find_entry(report, "obs-99") is None
    assert proofs.find_entry(report, '"k":"hook"') is None  # text of the line, not an id
    proof = proofs.inclusion(report, 5)
    d = proof.to_dict()
    assert (d["index"], d["tree_size"], d["verified"], d["proof_bytes"]) == (5, 12, True, 128)
    assert d["entry"]["id"] == _subject(5) and d["leaf_hash"] == report.leaves[5].hex()
    assert d["checkpoint"]["n"] == 3
    assert merkle.verify_inclusion(5, 12, report.leaves[5], proof.path,
                                   bytes.fromhex(report.latest.root))
    with pytest.raises(LookupError):
        proofs.inclusion(report, 12)
    assert proofs.inclusion(report, 11).verified is True
    # A report with a forged latest checkpoint (root of other leaves): not verified.
    report.latest = log.Checkpoint(**{**report.latest.__dict__, "root": "00" * 32})
    assert proofs.inclusion(report, 5).verified is False
    with pytest.raises(LookupError):
        proofs.inclusion(verify.Report(), 0)


def test_remote_copies(sealed):
    log_data, cp_data, key = sealed
    cps = [log.Checkpoint.parse(x) for x in cp_data.splitlines()]

    def remote(c: log.Checkpoint, **over) -> dict:
        return {"log": c.log, "n": c.n, "size": c.size, "root": c.root, "sig": c.sig, **over}

    def run(*rs: dict) -> verify.Report:
        report = verify.verify_data(log_data, cp_data, current_key=key)
        verify.check_remote(report, cps, list(rs))
        return report

    ok = run(remote(cps[1]), remote(cps[3]), remote(cps[0], log="other"))
    assert ok.ok and ok.anchored == 2
    assert _damage(run(remote(cps[1], n=7))) == [
        ("checkpoints", "truncated", 4, "checkpoint 7 seen by langfuse is missing locally")]
    assert _damage(run(remote(cps[2], sig="00"))) == [
        ("checkpoints", "edited", 2, "checkpoint 2 differs from the copy langfuse holds")]
    assert _damage(run(remote(cps[2], size=10))) == [
        ("checkpoints", "edited", 2, "checkpoint 2 differs from the copy langfuse holds")]
    assert _damage(run(remote(cps[2], root="00"))) == [
        ("checkpoints", "edited", 2, "checkpoint 2 differs from the copy langfuse holds")]
    # The first damage stops the comparison.
    assert len(run(remote(cps[2], sig="00"), remote(cps[1], n=9)).damage) == 1
    # A log shorter than what the remote saw, and a log whose tree differs.
    short = verify.verify_data(b"".join(_lines(log_data)[:9]), b"".join(_lines(cp_data)[:3]))
    verify.check_remote(short, cps, [remote(cps[3])], source="otel")
    assert _damage(short) == [("log", "truncated", 9, "otel saw 12 sealed entries; the log"
                                                      " has 9")]
    report = verify.verify_data(log_data, cp_data, current_key=key)
    report.leaves[0] = merkle.leaf_hash(b"x")
    verify.check_remote(report, cps, [remote(cps[1])])
    assert _damage(report) == [("log", "edited", 0,
                                "the first 6 entries do not match the root langfuse holds")]
    # No local checkpoints: every remote one counts and is missing.
    report = verify.Report()
    verify.check_remote(report, [], [remote(cps[0])])
    assert report.anchored == 1 and report.damage[0].kind == "truncated"


def test_remote_from_attributes():
    attrs = {"cctrace.audit.log": "ab", "cctrace.audit.checkpoint": "3",
             "cctrace.audit.size": 12, "cctrace.audit.root": "r", "cctrace.audit.sig": "s"}
    assert verify.remote_from_attributes(attrs) == {"log": "ab", "n": 3, "size": 12,
                                                    "root": "r", "sig": "s"}
    assert verify.remote_from_attributes({**attrs, "cctrace.audit.size": "x"}) is None
    del attrs["cctrace.audit.sig"]
    assert verify.remote_from_attributes(attrs) is None


def test_report_json_shape(sealed):
    log_data, cp_data, key = sealed
    lines = _lines(log_data)
    del lines[5]
    d = verify.verify_data(b"".join(lines), cp_data, current_key=key).to_dict()
    assert json.loads(json.dumps(d))["damage"] == [{
        "target": "log", "kind": "deleted", "position": 5,
        "message": "entry at line 6 (claims index 6) does not link to the entry before it"}]
    assert d["ok"] is False and d["latest"] is None


# `_classify_log` judges from the indices the lines claim and the size the checkpoints
# seal: (first bad position, claimed indices, sealed size) -> kind.
CLASSIFY_LOG = [
    (1, [0, 0, 1], None, "inserted"),      # the next line claims this place: one was added
    (1, [0, 1, 1], None, "inserted"),      # the same, on the line before the last
    (1, [0, 0, 2], None, "inserted"),      # a duplicate index, not a permutation
    (1, [0, 0, 2], 3, "edited"),           # ... but within the sealed size nothing was added
    (2, [0, 1, 2, 3], 2, "edited"),        # past the seal, in its place: changed, not added
    (1, [0, 1, 2, 3], 2, "inserted"),      # more lines than sealed, damage inside the seal
    (1, [0, 2], 3, "deleted"),             # fewer lines than sealed
    (1, [0, 2, 1], None, "reordered"),
    (2, [0, 1, 5], 2, "inserted"),         # past the seal and out of place
    (2, [0, 1, None], None, "edited"),
    (1, [0, 7, 2], None, "edited"),        # a claimed index nobody else claims
]


@pytest.mark.parametrize("p,indices,sealed,kind", CLASSIFY_LOG)
def test_classify_log(p, indices, sealed, kind):
    assert verify._classify_log(p, indices, sealed) == kind


def test_a_rotation_checkpoint_of_the_same_size_is_no_truncation(tmp_path):
    state = str(tmp_path)
    _build(state, batches=1)
    cfg = Config(state_dir=state, raw={"audit": {"fsync": False, "default_anchor": False}})
    rot = audit.record(state, [], cfg, now_ns=T0 + 16 * 60 * 10**9)  # an idle key rotation
    assert rot is not None and rot.size == 3 and rot.n == 1
    log_data, cp_data, key = _files(state)
    report = verify.verify_data(log_data, cp_data, current_key=key)
    assert (report.ok, report.checkpoints, report.epochs) == (True, 2, 2)
    first = log.Checkpoint.parse(cp_data.splitlines()[0])
    assert report.genesis_pub == first.pub != rot.pub  # the first checkpoint's key


def test_a_newer_checkpoint_of_another_log_is_no_rollback(tmp_path):
    mine, other = str(tmp_path / "m"), str(tmp_path / "o")
    _build(mine, batches=2)
    _build(other, batches=4)
    log_data, cp_data, key = _files(mine)
    _, other_cps, _ = _files(other)
    report = verify.verify_data(log_data, cp_data, _anchor(_lines(other_cps)), key)
    assert report.ok and report.anchored == 0


def test_own_anchor_lines_junk_and_trailing_bytes(tmp_path):
    state, other = str(tmp_path / "s"), str(tmp_path / "o")
    _build(state, batches=2)
    _build(other, batches=1)
    _, cp_other, _ = _files(other)
    folder = tmp_path / "own"
    folder.mkdir()
    # Junk first does not hide the other log's checkpoint after it.
    (folder / "x.jsonl").write_bytes(b"junk\n" + cp_other)
    report = verify.verify_state(state, check_store=False, own_anchor=str(folder))
    assert [d.kind for d in report.damage] == ["truncated"]
    assert "the audit log was wiped and started again" in report.damage[0].message
    # The other log's line with a trailing byte is no checkpoint at all.
    (folder / "x.jsonl").write_bytes(cp_other.rstrip(b"\n") + b"X\n")
    assert verify.verify_state(state, check_store=False, own_anchor=str(folder)).ok


def test_damaged_checkpoints_stop_before_the_anchors(sealed):
    log_data, cp_data, key = sealed
    cps = _lines(cp_data)
    cp = log.Checkpoint.parse(cps[1].rstrip(b"\n"))
    cp.sig = ("0" if cp.sig[0] != "0" else "1") + cp.sig[1:]
    bad = cps[:1] + [cp.line() + b"\n"] + cps[2:]
    report = verify.verify_data(log_data, b"".join(bad), _anchor(cps), key)
    assert _damage(report) == [("checkpoints", "edited", 1, "checkpoint at line 2: bad signature")]
    assert report.anchored == 0


def test_one_local_checkpoint_and_another_logs_in_the_anchor(tmp_path):
    mine, other = str(tmp_path / "m"), str(tmp_path / "o")
    _build(mine, batches=1)
    _build(other, batches=1)
    log_data, cp_data, key = _files(mine)
    _, other_cps, _ = _files(other)
    report = verify.verify_data(log_data, cp_data, _anchor(_lines(other_cps) + _lines(cp_data)),
                                key)
    assert report.ok and report.anchored == 1


def test_own_anchor_ties_name_the_first_line(tmp_path):
    state, o1, o2 = str(tmp_path / "s"), str(tmp_path / "o1"), str(tmp_path / "o2")
    for s in (state, o1, o2):
        _build(s, batches=1)
    first = _files(o1)[1]
    second = _files(o2)[1]
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "x.jsonl").write_bytes(first + second)
    report = verify.verify_state(state, check_store=False, own_anchor=str(folder))
    log1 = log.Checkpoint.parse(first.rstrip(b"\n")).log
    assert f"holds log {log1} (checkpoint 0, 3 entries)" in report.damage[0].message
