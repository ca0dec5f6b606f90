"""The writer: sealing, key epochs and forward security, anchors, recovery, attacks that
recompute the chain, and inclusion proofs."""

from __future__ import annotations

import json
import os
import stat

from audit.helpers import T0, build_log, paths
from cctrace import audit
from cctrace.audit import keys, log, merkle, proofs, verify
from cctrace.config import Config


def test_every_batch_is_sealed_and_files_are_private(tmp_path):
    state = str(tmp_path)
    cps = build_log(state, batches=3)
    assert [c.size for c in cps] == [4, 8, 12]
    for name in ("log", "checkpoints", "key"):
        mode = stat.S_IMODE(os.stat(os.path.join(state, "audit", name)).st_mode)
        assert mode == 0o600, name
    assert verify.verify_state(state, check_store=False).ok


def test_keys_rotate_at_least_every_15_minutes_and_old_keys_are_gone(tmp_path):
    state = str(tmp_path)
    cps = build_log(state, batches=20, step_s=120)  # 40 minutes of fake time
    epochs = sorted({c.epoch for c in cps})
    assert len(epochs) >= 3
    for a, b in zip(cps, cps[1:], strict=False):
        if a.epoch != b.epoch:
            assert keys.verify_sig(bytes.fromhex(a.pub), bytes.fromhex(b.cert),
                                   keys.cert_message(b.epoch, bytes.fromhex(b.pub)))
    first = [c for c in cps if c.epoch == epochs[0]]
    assert first[-1].t - first[0].t <= 15 * 60 * 10**9
    raw = open(os.path.join(state, "audit", "key")).read()
    assert json.loads(raw)["epoch"] == epochs[-1]
    # The key file holds one private key: the current epoch's.
    assert raw.count('"private"') == 1


def test_idle_log_rotates_with_a_rotation_checkpoint(tmp_path):
    state = str(tmp_path)
    cfg = Config(state_dir=state, raw={"audit": {"fsync": False}})
    cp = audit.record(state, [audit.AuditEntry("hook", "hook:1", "00" * 32)], cfg, now_ns=T0)
    assert audit.record(state, [], cfg, now_ns=T0 + 60 * 10**9) is None
    rot = audit.record(state, [], cfg, now_ns=T0 + 16 * 60 * 10**9)
    assert rot is not None and rot.size == cp.size and rot.epoch == cp.epoch + 1
    assert verify.verify_state(state, check_store=False).ok
    # Deleting that rotation checkpoint (the tail) is noticed through the key file.
    _, cp_path = paths(state)
    lines = open(cp_path, "rb").read().splitlines(keepends=True)
    open(cp_path, "wb").write(b"".join(lines[:-1]))
    d = verify.verify_state(state, check_store=False).damage[0]
    assert (d.target, d.kind) == ("checkpoints", "truncated")


def test_rechained_rewrite_is_caught_by_the_signed_root(tmp_path):
    state = str(tmp_path)
    build_log(state, batches=5)
    log_path, _ = paths(state)
    lines = open(log_path, "rb").read().splitlines(keepends=True)
    # The attacker edits entry 9 and recomputes every chain link after it (no key needed).
    leaves = [log.split_line(line)[0] for line in lines]
    leaves[9] = leaves[9].replace(b'"hook:9"', b'"hook:X"')
    chain, out = log.ZERO, []
    for data in leaves:
        chain = log.chain_next(chain, merkle.leaf_hash(data))
        out.append(log.make_line(data, chain))
    open(log_path, "wb").write(b"".join(out))
    d = verify.verify_state(state, check_store=False).damage[0]
    assert (d.target, d.kind, d.position) == ("log", "edited", 8)


def test_anchors_receive_each_checkpoint_and_catch_a_total_wipe(tmp_path):
    state = str(tmp_path / "state")
    anchor_dir = tmp_path / "anchors"
    anchor_dir.mkdir()
    anchor_file = tmp_path / "anchor.jsonl"
    cfg = Config(state_dir=state, raw={"audit": {
        "fsync": False, "anchor_paths": [str(anchor_dir), str(anchor_file)]}})
    for b in range(4):
        audit.record(state, [audit.AuditEntry("hook", f"hook:{b}", "11" * 32)], cfg,
                     now_ns=T0 + b * 10**9)
    assert len(anchor_file.read_text().splitlines()) == 4
    (only,) = os.listdir(anchor_dir)
    assert only.startswith("cctrace-audit-")
    assert verify.verify_state(state, [str(anchor_file)], check_store=False).ok
    # Local truncation of both files together: only the anchor can tell.
    log_path, cp_path = paths(state)
    for path in (log_path, cp_path):
        lines = open(path, "rb").read().splitlines(keepends=True)
        open(path, "wb").write(b"".join(lines[:2]))
    assert verify.verify_state(state, check_store=False).ok  # locally consistent...
    report = verify.verify_state(state, [str(anchor_dir)], check_store=False)
    assert not report.ok and report.damage[0].kind == "truncated"


def test_unreachable_anchor_does_not_stop_recording(tmp_path):
    state = str(tmp_path / "s")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cfg = Config(state_dir=state, raw={"audit": {"anchor_paths": [str(blocker / "sub/")]}})
    res = audit.record_result(state, [audit.AuditEntry("hook", "hook:1", "00" * 32)], cfg)
    assert res.checkpoint is not None and res.anchor_errors


def test_torn_append_is_repaired_and_head_rebuilt(tmp_path):
    state = str(tmp_path)
    build_log(state, batches=2)
    log_path, _ = paths(state)
    with open(log_path, "ab") as fh:
        fh.write(b'{"i":8,"t":1,"k":"ho')  # crash mid-append
    os.remove(os.path.join(state, "audit", "head.json"))
    cfg = Config(state_dir=state, raw={"audit": {"fsync": False}})
    cp = audit.record(state, [audit.AuditEntry("hook", "hook:x", "22" * 32)], cfg,
                      now_ns=T0 + 10**12)
    assert cp.size == 9
    assert verify.verify_state(state, check_store=False).ok


def test_inclusion_proof_for_one_event(tmp_path):
    state = str(tmp_path)
    build_log(state, batches=25, per_batch=40)  # 1,000 entries
    report = verify.verify_state(state, check_store=False)
    pos = proofs.find_entry(report, "hook:777")
    proof = proofs.inclusion(report, pos)
    assert proof.verified and proof.entry["id"] == "hook:777"
    assert proof.proof_bytes == 32 * 10
    forged = proofs.InclusionProof(**{**proof.__dict__, "leaf": merkle.leaf_hash(b"x")})
    assert not merkle.verify_inclusion(forged.index, forged.size, forged.leaf, forged.path,
                                       bytes.fromhex(forged.checkpoint.root))


def test_entries_from_store_results_and_erasure():
    from cctrace.model.types import Observation, Trace
    from cctrace.store.db import HookEvent

    obs = Observation(id="a" * 16, trace_id="b" * 32, parent_id=None, type="tool",
                      name="Bash", start_ns=5, end_ns=6, input={"command": "ls"})
    trace = Trace(id="b" * 32, session_id="s", name="turn", start_ns=1, end_ns=9)
    (e,) = audit.entries_from_traces([(trace, [obs])])
    assert (e.kind, e.subject, e.trace_id, e.session_id) == ("observation", "a" * 16,
                                                             "b" * 32, "s")
    obs2 = Observation(**{**obs.__dict__, "input": {"command": "rm"}})
    assert audit.entries_from_traces([(trace, [obs2])])[0].digest != e.digest
    (h,) = audit.entries_from_hook_events([HookEvent(7, 1, "s", "Stop", payload={"a": 1})])
    assert h.subject == "hook:7" and h.detail["seq"] == 7
    (x,) = audit.erasure_entries(["a" * 16], "retention 30d", authorized_by="policy")
    assert x.kind == "erase" and x.detail["reason"] == "retention 30d"


def test_checkpoint_attributes_are_short_and_roundtrip(tmp_path):
    cp = build_log(str(tmp_path), batches=1)[0]
    attrs = audit.checkpoint_attributes(cp)
    assert sum(len(k) + len(v) for k, v in attrs.items()) < 400
    assert attrs["cctrace.audit.root"] == cp.root and attrs["cctrace.audit.sig"] == cp.sig
    f = audit.checkpoint_finding(cp, session_id="s1")
    assert f.kind == "audit" and f.scores == {"cctrace.audit.size": 4.0}
    assert f.id == audit.checkpoint_finding(cp, session_id="s1").id
