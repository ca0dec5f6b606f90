"""Exact bytes of `audit/log.py`: the entry encoding, the chain, the line format, strict
checkpoint parsing, the head rebuilt after a crash, and when the writer seals.

Run first by `bench/mutation.py -m audit.log`; every value here is computed by hand from
the documented format (docs/audit.md), not read back from the code under test.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from cctrace.audit import keys, log, merkle

T0 = 1_700_000_000 * 10**9
NOSYNC = log.AuditSettings(fsync=False)


def _entry(k: int, **kw) -> log.AuditEntry:
    return log.AuditEntry("hook", f"hook:{k}", "ab" * 32, **kw)


def test_encode_entry_field_order_and_optional_fields():
    e = log.AuditEntry("observation", "o1", "d1", session_id="s", trace_id="t",
                       detail={"n": 1, "é": "x"})
    assert log.encode_entry(7, e, 99) == (
        b'{"i":7,"t":99,"k":"observation","id":"o1","h":"d1","s":"s","tr":"t",'
        b'"x":{"n":1,"\\u00e9":"x"}}')
    # The entry's own time wins; empty optional fields are left out.
    assert log.encode_entry(0, log.AuditEntry("hook", "h", "d", time_ns=5), 99) == (
        b'{"i":0,"t":5,"k":"hook","id":"h","h":"d"}')


def test_chain_and_line_format():
    leaf = b'{"i":0,"t":1,"k":"hook","id":"h","h":"d"}'
    prev = b"\x01" * 32
    assert log.chain_next(prev, b"L") == hashlib.sha256(prev + b"L").digest()
    chain = bytes(range(32))
    line = log.make_line(leaf, chain)
    assert line == leaf[:-1] + b',"c":"' + chain.hex().encode() + b'"}\n'
    assert log.split_line(line) == (leaf, chain)
    assert log.SUFFIX_LEN == 73


@pytest.mark.parametrize("bad", [
    b'{"i":0,"c":"' + b"0" * 64 + b'"}',            # no newline
    b'{"i":0,"c":"' + b"0" * 63 + b'"}\n',          # 63 digits
    b'{"i":0,"c":"' + b"0" * 63 + b'G"}\n',         # not hex
    b'{"i":0,"c":"' + b"A" * 64 + b'"}\n',          # upper case hex
    b'{"i":0,"d":"' + b"0" * 64 + b'"}\n',          # another field name
    b'{"i":0,"c":"' + b"0" * 64 + b'"]\n',          # not closed by "}
    b',"c":"' + b"0" * 64 + b'"}\n',                # nothing before the chain field
    b'x,"c":"' + b"0" * 64 + b'"}\n',               # one byte before it: too short still
])
def test_split_line_refuses_malformed_lines(bad):
    assert log.split_line(bad) is None


def test_split_line_shortest_accepted():
    line = b'{x,"c":"' + b"0" * 64 + b'"}\n'
    assert len(line) == log.SUFFIX_LEN + 2
    assert log.split_line(line) == (b"{x}", b"\x00" * 32)


def test_entry_index():
    assert log.entry_index(b'{"i":12,"t":1}') == 12
    assert log.entry_index(b'{"i":0,"t":1}') == 0
    assert log.entry_index(b'{"i":,"t":1}') is None
    assert log.entry_index(b'{"i":1x,"t":1}') is None
    assert log.entry_index(b'{"i":12}') is None  # no comma after the index
    assert log.entry_index(b'{"t":1,"i":3,}') is None
    assert log.entry_dict(b'{"i":1}') == {"i": 1}
    assert log.entry_dict(b"[1]") is None and log.entry_dict(b"{") is None


def test_checkpoint_hash_ignores_only_the_newline():
    assert log.checkpoint_hash(b"abc\n") == hashlib.sha256(b"abc").hexdigest()
    assert log.checkpoint_hash(b"abc") == hashlib.sha256(b"abc").hexdigest()


def _cp(**over) -> log.Checkpoint:
    base = dict(log="l1", n=0, size=1, root="r", chain="c", t=5, epoch=0, pub="p",
                cert=None, prev="0" * 64, sig="s")
    return log.Checkpoint(**{**base, **over})


def test_checkpoint_message_and_line_are_canonical():
    cp = _cp()
    assert cp.line() == (b'{"cert":null,"chain":"c","epoch":0,"log":"l1","n":0,"prev":"'
                         + b"0" * 64 + b'","pub":"p","root":"r","sig":"s","size":1,"t":5}')
    assert cp.message() == cp.line().replace(b',"sig":"s"', b"")
    assert log.Checkpoint.parse(cp.line()) == cp
    assert log.Checkpoint.parse(cp.line() + b"\n") == cp


@pytest.mark.parametrize("line,why", [
    (b"[1]", "checkpoint is not an object"),
    (b'{"log":"l1"}', "checkpoint lacks n, size, root, chain, t, epoch, pub, cert, prev, sig"),
])
def test_checkpoint_parse_refusals(line, why):
    with pytest.raises(ValueError) as exc:
        log.Checkpoint.parse(line)
    assert str(exc.value) == why


@pytest.mark.parametrize("field", ["n", "size", "t", "epoch"])
def test_checkpoint_integers_are_integers(field):
    data = json.loads(_cp().line())
    data[field] = "1"
    with pytest.raises(ValueError) as exc:
        log.Checkpoint.from_dict(data)
    assert str(exc.value) == f"checkpoint {field} is not an integer"


def test_a_non_canonical_checkpoint_is_refused():
    line = _cp().line()
    for variant in (line.replace(b",", b", ", 1), b" " + line,
                    json.dumps(json.loads(line)).encode()):
        with pytest.raises(ValueError) as exc:
            log.Checkpoint.parse(variant)
        assert str(exc.value) == "checkpoint is not in canonical form"


def test_signature_ok(tmp_path):
    key, _ = keys.current(str(tmp_path), now_ns=T0)
    cp = _cp(pub=key.pub.hex())
    cp.sig = key.sign(cp.message()).hex()
    assert cp.signature_ok() is True
    assert _cp(**{**cp.__dict__, "size": 2}).signature_ok() is False
    assert _cp(**{**cp.__dict__, "sig": "zz"}).signature_ok() is False
    assert _cp(**{**cp.__dict__, "pub": "zz"}).signature_ok() is False


def _files(state: str) -> tuple[bytes, bytes, dict]:
    root = os.path.join(state, log.AUDIT_DIR)
    head = json.loads(log.read_bytes(os.path.join(root, log.HEAD_NAME)) or b"{}")
    return (log.read_bytes(os.path.join(root, log.LOG_NAME)),
            log.read_bytes(os.path.join(root, log.CHECKPOINTS_NAME)), head)


def test_append_writes_the_chain_and_seals(tmp_path):
    state = str(tmp_path)
    res = log.append(state, [_entry(0), _entry(1)], NOSYNC, now_ns=T0)
    data, cps, head = _files(state)
    leaves = [log.encode_entry(k, _entry(k), T0) for k in range(2)]
    c0 = log.chain_next(log.ZERO, merkle.leaf_hash(leaves[0]))
    c1 = log.chain_next(c0, merkle.leaf_hash(leaves[1]))
    assert data == log.make_line(leaves[0], c0) + log.make_line(leaves[1], c1)
    cp = res.checkpoint
    assert (res.appended, res.anchor_errors) == (2, [])
    assert (cp.n, cp.size, cp.t, cp.epoch, cp.cert, cp.prev) == (0, 2, T0, 0, None, "0" * 64)
    assert cp.root == merkle.root([merkle.leaf_hash(x) for x in leaves]).hex()
    assert cp.chain == c1.hex() and cp.signature_ok()
    assert cps == cp.line() + b"\n"
    assert len(cp.log) == 16
    assert head == {"log_id": cp.log, "size": 2, "offset": len(data), "chain": c1.hex(),
                    "frontier": head["frontier"], "cp_n": 0,
                    "cp_hash": log.checkpoint_hash(cps), "cp_size": 2, "cp_t": T0,
                    "cp_epoch": 0, "cp_offset": len(cps)}
    # The next batch links to the first and its checkpoint to the first checkpoint.
    res2 = log.append(state, [_entry(2)], NOSYNC, now_ns=T0 + 1)
    data2, cps2, _ = _files(state)
    leaf2 = log.encode_entry(2, _entry(2), T0 + 1)
    assert data2 == data + log.make_line(leaf2, log.chain_next(c1, merkle.leaf_hash(leaf2)))
    assert (res2.checkpoint.n, res2.checkpoint.size) == (1, 3)
    assert res2.checkpoint.prev == log.checkpoint_hash(cps)


def test_when_the_writer_seals(tmp_path):
    state = str(tmp_path)
    every = log.AuditSettings(fsync=False, checkpoint_every_s=60)
    assert log.append(state, [_entry(0)], every, now_ns=T0).checkpoint.n == 0
    # 59 s later: not due; exactly 60 s after the last seal: due.
    unsealed = log.append(state, [_entry(1)], every, now_ns=T0 + 59 * 10**9)
    assert (unsealed.checkpoint, unsealed.appended, unsealed.anchor_errors) == (None, 1, [])
    cp = log.append(state, [], every, now_ns=T0 + 60 * 10**9).checkpoint
    assert (cp.n, cp.size) == (1, 2)
    # Nothing new and the key fresh: no checkpoint.
    assert log.append(state, [], every, now_ns=T0 + 500 * 10**9).checkpoint is None
    # The key's epoch over (15 minutes exactly): a rotation checkpoint of the same size.
    rot = log.append(state, [], every, now_ns=T0 + 900 * 10**9).checkpoint
    assert (rot.n, rot.size, rot.epoch) == (2, 2, 1) and rot.cert is not None
    assert log.append(state, [], every, now_ns=T0 + 1799 * 10**9).checkpoint is None


def test_an_empty_log_gets_no_checkpoint(tmp_path):
    state = str(tmp_path)
    assert log.append(state, [], NOSYNC, now_ns=T0).checkpoint is None
    assert _files(state)[:2] == (b"", b"")


def test_anchors_get_each_line_and_errors_are_collected(tmp_path):
    state = str(tmp_path / "s")
    folder = tmp_path / "anchors"
    folder.mkdir()
    single = tmp_path / "one.jsonl"
    blocked = tmp_path / "file"
    blocked.write_text("")
    settings = log.AuditSettings(fsync=False, anchor_paths=[str(folder), str(single),
                                                            str(blocked / "x.jsonl")])
    res = log.append(state, [_entry(0)], settings, now_ns=T0)
    line = res.checkpoint.line() + b"\n"
    assert (folder / f"cctrace-audit-{res.checkpoint.log}.jsonl").read_bytes() == line
    assert single.read_bytes() == line
    assert res.anchor_errors == [f"{blocked / 'x.jsonl'}: File exists"]
    assert log.anchor_file(str(folder), "ab") == os.path.join(str(folder),
                                                              "cctrace-audit-ab.jsonl")
    assert log.anchor_file("/nowhere/new/", "ab") == "/nowhere/new/cctrace-audit-ab.jsonl"
    assert log.anchor_file("/nowhere/file.jsonl", "ab") == "/nowhere/file.jsonl"


def test_the_head_is_rebuilt_from_the_files_after_a_crash(tmp_path):
    state = str(tmp_path)
    log.append(state, [_entry(0), _entry(1)], NOSYNC, now_ns=T0)
    log.append(state, [_entry(2)], NOSYNC, now_ns=T0 + 1)
    data, cps, head = _files(state)
    root = os.path.join(state, log.AUDIT_DIR)
    # A torn line in both files and a stale head: the next append cuts and rebuilds.
    with open(os.path.join(root, log.LOG_NAME), "ab") as f:
        f.write(b'{"i":3,"t"')
    with open(os.path.join(root, log.CHECKPOINTS_NAME), "ab") as f:
        f.write(b'{"log"')
    rebuilt = log._rebuild(root)
    assert log.read_bytes(os.path.join(root, log.LOG_NAME)) == data
    assert log.read_bytes(os.path.join(root, log.CHECKPOINTS_NAME)) == cps
    assert json.loads(rebuilt.to_json()) == head
    # A head file that disagrees with the sizes is not trusted.
    with open(os.path.join(root, log.HEAD_NAME), "wb") as f:
        f.write(json.dumps({**head, "size": 9}).encode())
    assert log._load_head(root).size == 9  # sizes agree: it is used as it is
    with open(os.path.join(root, log.HEAD_NAME), "wb") as f:
        f.write(json.dumps({**head, "offset": 1}).encode())
    assert json.loads(log._load_head(root).to_json()) == head
    with open(os.path.join(root, log.HEAD_NAME), "wb") as f:
        f.write(json.dumps({**head, "cp_offset": 1}).encode())
    assert json.loads(log._load_head(root).to_json()) == head
    with open(os.path.join(root, log.HEAD_NAME), "wb") as f:
        f.write(b"{}")
    assert json.loads(log._load_head(root).to_json()) == head


def test_rebuild_skips_unreadable_checkpoints_from_the_end(tmp_path):
    state = str(tmp_path)
    log.append(state, [_entry(0)], NOSYNC, now_ns=T0)
    first = _files(state)[1]
    log.append(state, [_entry(1)], NOSYNC, now_ns=T0 + 1)
    root = os.path.join(state, log.AUDIT_DIR)
    with open(os.path.join(root, log.CHECKPOINTS_NAME), "ab") as f:
        f.write(b"junk\n")
    head = log._rebuild(root)
    cps = _files(state)[1]
    last = log.Checkpoint.parse(cps.splitlines()[1])
    assert (head.cp_n, head.cp_size, head.cp_t, head.cp_epoch, head.cp_hash, head.log_id) == (
        2, 2, T0 + 1, 0, log.checkpoint_hash(cps.splitlines()[1]), last.log)
    assert head.cp_offset == len(cps) and len(first) < len(cps)
    # A log with no checkpoint gets a fresh id; one with an unreadable line keeps counting.
    other = str(tmp_path / "o")
    oroot = log.audit_dir(other)
    good = log.make_line(log.encode_entry(0, _entry(0), 1), b"\x00" * 32)
    with open(os.path.join(oroot, log.LOG_NAME), "wb") as f:
        f.write(good + b"garbage\n")
    h = log._rebuild(oroot)
    assert h.size == 2 and h.cp_n == -1 and len(h.log_id) == 16 and h.cp_offset == 0
    leaf0 = merkle.leaf_hash(log.encode_entry(0, _entry(0), 1))
    assert h.chain == log.chain_next(log.chain_next(log.ZERO, leaf0),
                                     merkle.leaf_hash(b"garbage\n"))


def test_a_bare_anchor_file_name_is_written_in_the_working_folder_only(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    settings = log.AuditSettings(fsync=False, anchor_paths=["anchor.jsonl"])
    res = log.append(str(tmp_path / "s"), [_entry(0)], settings, now_ns=T0)
    assert res.anchor_errors == []
    assert os.listdir(cwd) == ["anchor.jsonl"]
    assert (cwd / "anchor.jsonl").read_bytes() == res.checkpoint.line() + b"\n"


def test_which_appends_are_synced(tmp_path, monkeypatch):
    # The log, the checkpoints and every configured anchor are fsynced; the default anchor
    # (same disk, the next checkpoint covers a lost line) is not; nothing with fsync off.
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    anchor, default = tmp_path / "a.jsonl", tmp_path / "default.jsonl"
    on = log.AuditSettings(fsync=True, anchor_paths=[str(anchor)],
                           default_anchor=str(default))
    log.append(str(tmp_path / "s"), [_entry(0)], on, now_ns=T0)
    # (the key file is synced by `keys` when a key is made: not this module's choice)
    assert [s for s in synced if not s.startswith("key")] == [
        log.LOG_NAME, log.CHECKPOINTS_NAME, "a.jsonl"]
    assert default.read_bytes() == anchor.read_bytes()
    synced.clear()
    off = log.AuditSettings(fsync=False, anchor_paths=[str(anchor)],
                            default_anchor=str(default))
    log.append(str(tmp_path / "s"), [_entry(1)], off, now_ns=T0 + 1)
    assert [s for s in synced if not s.startswith("key")] == []
