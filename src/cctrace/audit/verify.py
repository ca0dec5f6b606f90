"""Verifying the audit log: chain, Merkle roots, signatures, key chain, checkpoints, anchors.

`verify_data` is pure: it takes the bytes of the log, of the checkpoints file and of any
anchor files (plus the current public key, if the key file is at hand) and returns a
`Report` whose `damage` list starts with the first bad entry and names the kind of damage:
edited, deleted, inserted, reordered or truncated, and whether it hit the log, the
checkpoints or disagrees with an anchor. The classification relies on what a single change
does to the stored indices, the hash links and the sealed tree size: see docs/audit.md.
The inclusion proof of one entry is `cctrace.audit.proofs`.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cctrace.audit import keys, merkle
from cctrace.audit.log import (
    CHECKPOINTS_NAME,
    LOG_NAME,
    ZERO,
    Checkpoint,
    chain_next,
    checkpoint_hash,
    entry_index,
    locked,
    read_bytes,
    split_line,
)

EDITED, DELETED, INSERTED, REORDERED, TRUNCATED = (
    "edited", "deleted", "inserted", "reordered", "truncated")


@dataclass
class Damage:
    target: str  # "log", "checkpoints" or "anchor"
    kind: str  # EDITED, DELETED, INSERTED, REORDERED, TRUNCATED
    position: int  # line number (0-based) in the damaged file
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "kind": self.kind, "position": self.position,
                "message": self.message}


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    epochs: int = 0
    anchored: int = 0
    latest: Checkpoint | None = None
    genesis_pub: str | None = None
    damage: list[Damage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    store_rows: int | None = None  # rows compared with the log (None: store not checked)
    leaves: list[bytes] = field(default_factory=list, repr=False)
    leaf_data: list[bytes] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.damage

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "entries": self.entries, "checkpoints": self.checkpoints,
            "epochs": self.epochs, "anchored_checkpoints": self.anchored,
            "latest": None if self.latest is None else {
                "n": self.latest.n, "size": self.latest.size, "root": self.latest.root,
                "epoch": self.latest.epoch, "t": self.latest.t},
            "genesis_key": self.genesis_pub, "store_rows": self.store_rows,
            "damage": [d.to_dict() for d in self.damage], "warnings": self.warnings,
        }


def _lines(data: bytes) -> tuple[list[bytes], bool]:
    """Complete lines (with newline) and whether a partial last line was cut off."""
    end = data.rfind(b"\n") + 1
    return data[:end].splitlines(keepends=True), end != len(data)


# ------------------------------------------------------------------------------ log


def _scan_log(lines: list[bytes], report: Report) -> tuple[int | None, list[int | None]]:
    """Leaf hashes of every line; the first position whose link or index is wrong."""
    prev = ZERO
    first_bad: int | None = None
    indices: list[int | None] = []
    leaves, datas = report.leaves, report.leaf_data
    leaf_hash, link = merkle.leaf_hash, chain_next
    for p, line in enumerate(lines):
        parts = split_line(line)
        if parts is None:
            indices.append(None)
            leaves.append(leaf_hash(line))
            datas.append(line)
            if first_bad is None:
                first_bad = p
            prev = b""
            continue
        data, stored = parts
        h = leaf_hash(data)
        leaves.append(h)
        datas.append(data)
        idx = entry_index(data)
        indices.append(idx)
        if first_bad is None and (idx != p or link(prev, h) != stored):
            first_bad = p
        prev = stored
    return first_bad, indices


def _classify_log(p: int, indices: list[int | None], sealed: int | None) -> str:
    n = len(indices)
    valid = [i for i in indices if i is not None]
    if sealed is not None and n < sealed:
        return DELETED
    if sealed is not None and n > sealed and p < sealed:
        return INSERTED
    if len(valid) == n and sorted(valid) == list(range(n)):
        return REORDERED if indices != list(range(n)) else EDITED
    if sealed is None or n > sealed:
        # Beyond the sealed part only the structure tells: a line whose index fits its
        # place was changed, anything else was added.
        if p + 1 < n and indices[p + 1] == p:
            return INSERTED
        counts = Counter(valid)
        if indices[p] is not None and indices[p] != p and counts[indices[p]] > 1:
            return INSERTED
        if sealed is not None and p >= sealed and indices[p] != p:
            return INSERTED
    return EDITED


# ---------------------------------------------------------------------- checkpoints


def _parse_cps(lines: list[bytes]) -> list[Checkpoint | None]:
    out: list[Checkpoint | None] = []
    for line in lines:
        try:
            out.append(Checkpoint.parse(line.rstrip(b"\n")))
        except (ValueError, TypeError):
            out.append(None)
    return out


def _classify_cp(p: int, cps: list[Checkpoint | None]) -> str:
    L = len(cps)
    ns = [c.n if c is not None else None for c in cps]
    bad_here = cps[p] is None or not cps[p].signature_ok()  # type: ignore[union-attr]
    if bad_here:
        others = [x for i, x in enumerate(ns) if i != p]
        if cps[p] is None and others == list(range(L - 1)):
            return INSERTED
        return EDITED
    valid = [x for x in ns if x is not None]
    if len(valid) == L and sorted(valid) == list(range(L)) and ns != list(range(L)):
        return REORDERED
    if len(set(valid)) < len(valid):
        return INSERTED
    if valid == sorted(valid) and len(valid) == L and valid and valid[-1] >= L:
        return DELETED
    return EDITED


def _key_ok(cp: Checkpoint, prev: Checkpoint | None) -> bool:
    if prev is None:
        return cp.cert is None or cp.epoch > 0
    if cp.pub == prev.pub:
        return cp.epoch == prev.epoch and cp.cert == prev.cert
    if cp.epoch <= prev.epoch or not cp.cert:
        return False
    try:
        return keys.verify_sig(bytes.fromhex(prev.pub), bytes.fromhex(cp.cert),
                               keys.cert_message(cp.epoch, bytes.fromhex(cp.pub)))
    except ValueError:
        return False


def verify_data(log_data: bytes, cp_data: bytes,
                anchors: Sequence[tuple[str, bytes]] = (),
                current_key: tuple[int, bytes] | None = None) -> Report:
    """Check everything; `report.damage[0]` is the first bad entry (None when intact)."""
    report = Report()
    lines, torn = _lines(log_data)
    cp_lines, cp_torn = _lines(cp_data)
    first_bad, indices = _scan_log(lines, report)
    cps = _parse_cps(cp_lines)
    report.entries, report.checkpoints = len(lines), len(cps)
    if torn:
        report.warnings.append("the log ends in a partial line (ignored)")
    if cp_torn:
        report.warnings.append("the checkpoints file ends in a partial line (ignored)")
    # The sealed size the checkpoints claim, when the file itself looks sound.
    sealed = max((c.size for c in cps if c is not None and c.signature_ok()), default=None)
    if first_bad is not None:
        kind = _classify_log(first_bad, indices, sealed)
        idx = indices[first_bad]
        claim = "unreadable" if idx is None else f"claims index {idx}"
        report.damage.append(Damage("log", kind, first_bad, (
            f"entry at line {first_bad + 1} ({claim}) does not link to the entry before it")))
        return report
    _check_cps(cp_lines, cps, report, current_key)
    if report.ok and anchors:
        _check_anchors(anchors, cps, report)
    return report


def _check_cps(cp_lines: list[bytes], cps: list[Checkpoint | None], report: Report,
               current_key: tuple[int, bytes] | None) -> None:
    n_log = report.entries
    frontier = merkle.Frontier()
    prev: Checkpoint | None = None
    prev_hash = "0" * 64
    epochs = set()
    for p, cp in enumerate(cps):
        problem = None
        if cp is None:
            problem = "unreadable"
        elif cp.n != p:
            problem = f"claims number {cp.n}"
        elif not cp.signature_ok():
            problem = "bad signature"
        elif cp.prev != prev_hash:
            problem = "does not link to the checkpoint before it"
        elif not _key_ok(cp, prev):
            problem = "its key is not certified by the previous epoch's key"
        elif prev is not None and cp.log != prev.log:
            problem = "belongs to another log"
        if problem:
            report.damage.append(Damage("checkpoints", _classify_cp(p, cps), p,
                                        f"checkpoint at line {p + 1}: {problem}"))
            return
        assert cp is not None
        if prev is not None and cp.size < prev.size:
            report.damage.append(Damage("log", TRUNCATED, cp.size, (
                f"checkpoint {cp.n} seals {cp.size} entries, fewer than checkpoint {prev.n}"
                f" ({prev.size}): the log was cut and has grown again")))
            return
        if cp.size > n_log:
            report.damage.append(Damage("log", TRUNCATED, n_log, (
                f"checkpoint {cp.n} seals {cp.size} entries; the log has {n_log}")))
            return
        while frontier.size < cp.size:
            frontier.append(report.leaves[frontier.size])
        if frontier.root().hex() != cp.root:
            start = prev.size if prev else 0
            report.damage.append(Damage("log", EDITED, start, (
                f"entries {start}..{cp.size - 1} do not match the root signed by checkpoint"
                f" {cp.n}: rewritten with a recomputed chain")))
            return
        epochs.add(cp.epoch)
        if p == 0:
            report.genesis_pub = cp.pub
        prev, prev_hash = cp, checkpoint_hash(cp_lines[p])
    report.latest, report.epochs = prev, len(epochs)
    sealed = prev.size if prev else 0
    if n_log > sealed:
        report.damage.append(Damage("checkpoints", TRUNCATED, len(cps), (
            f"entries {sealed}..{n_log - 1} are covered by no checkpoint: checkpoints were"
            " removed (or the worker stopped between append and seal; the next batch seals)")))
    elif current_key and prev and current_key[0] > prev.epoch:
        report.damage.append(Damage("checkpoints", TRUNCATED, len(cps), (
            f"the current key (epoch {current_key[0]}) is announced by no checkpoint:"
            " checkpoints were removed")))


def _check_anchors(anchors: Sequence[tuple[str, bytes]], cps: list[Checkpoint | None],
                   report: Report) -> None:
    local = {c.n: c for c in cps if c is not None}
    genesis = local.get(0)
    _compare_heads(anchors, genesis, report)
    if report.damage:
        return
    for name, data in anchors:
        lines, _ = _lines(data)
        for k, line in enumerate(lines):
            try:
                a = Checkpoint.parse(line.rstrip(b"\n"))
            except (ValueError, TypeError):
                report.warnings.append(f"{name}:{k + 1}: not a checkpoint")
                continue
            if genesis is not None and a.log != genesis.log:
                continue  # another machine's log sharing the anchor directory
            if not a.signature_ok():
                report.warnings.append(f"{name}:{k + 1}: bad signature (ignored)")
                continue
            report.anchored += 1
            mine = local.get(a.n)
            if mine is None:
                report.damage.append(Damage("checkpoints", TRUNCATED, len(cps), (
                    f"anchored checkpoint {a.n} ({name}) is missing locally")))
            elif mine.line() != a.line():
                report.damage.append(Damage("checkpoints", EDITED, a.n, (
                    f"checkpoint {a.n} differs from its anchored copy ({name})")))
            if a.size > report.entries:
                report.damage.append(Damage("log", TRUNCATED, report.entries, (
                    f"anchored checkpoint {a.n} ({name}) seals {a.size} entries; the log"
                    f" has {report.entries}")))
            elif merkle.root(report.leaves[:a.size]).hex() != a.root:
                report.damage.append(Damage("log", EDITED, 0, (
                    f"the first {a.size} entries do not match anchored checkpoint {a.n}")))
            if report.damage:
                return


def _compare_heads(anchors: Sequence[tuple[str, bytes]], genesis: Checkpoint | None,
                   report: Report) -> None:
    """The local head against the newest anchored checkpoint of the same log: an older
    local head means the audit dir was rolled back."""
    newest: tuple[Checkpoint, str] | None = None
    for name, data in anchors:
        for line in _lines(data)[0]:
            try:
                a = Checkpoint.parse(line.rstrip(b"\n"))
            except (ValueError, TypeError):
                continue
            if (genesis is None or a.log == genesis.log) and a.signature_ok() and (
                    newest is None or a.n > newest[0].n):
                newest = (a, name)
    head = report.latest
    if newest and (head is None or newest[0].n > head.n):
        a, name = newest
        where = "no checkpoint" if head is None else f"checkpoint {head.n} ({head.size} entries)"
        report.damage.append(Damage("checkpoints", TRUNCATED, 0 if head is None else
                                    head.n + 1, (
            f"the local head is {where}; the newest anchor ({name}) holds checkpoint {a.n} "
            f"({a.size} entries): the audit log was rolled back")))


# ---------------------------------------------------------------------------- files


def read_anchor_files(path: str) -> list[tuple[str, bytes]]:
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.endswith(".jsonl"))
        return [(os.path.join(path, n), read_bytes(os.path.join(path, n))) for n in names]
    return [(path, read_bytes(path))]


def verify_state(state_dir: str, anchor_paths: Sequence[str] = (),
                 check_store: bool = True, own_anchor: str | None = None) -> Report:
    """Verify the audit files of a state dir (under the writers' lock), then the store
    against them (`cctrace.audit.store_check`): every row changed, deleted or added behind
    cctrace's back is a `store` damage of its own. `own_anchor` is this state dir's
    default anchor: a log there other than the local one means the log was replaced."""
    anchors = [a for p in anchor_paths if os.path.exists(p) for a in read_anchor_files(p)]
    with contextlib.ExitStack() as stack:
        store = None
        if check_store:
            from cctrace.store.db import Store

            # The worker appends a batch's entries inside its store transaction: holding
            # the store's write lock first gives a point where log and store agree.
            store = stack.enter_context(Store.open(state_dir))
            stack.enter_context(store.transaction())
        root = stack.enter_context(locked(state_dir))
        log_data = read_bytes(os.path.join(root, LOG_NAME))
        cp_data = read_bytes(os.path.join(root, CHECKPOINTS_NAME))
        current = keys.load_public(root)
        report = verify_data(log_data, cp_data, anchors, current)
        if own_anchor and os.path.isdir(own_anchor):
            _check_own_anchor(own_anchor, report, cp_data)
        if store is not None and (report.entries or report.checkpoints):
            _check_store(store, report, cp_data)
    return report


def _check_own_anchor(folder: str, report: Report, cp_data: bytes) -> None:
    """Files of other logs in this state dir's own anchor: the log was replaced."""
    lines, _ = _lines(cp_data)
    local = [c for c in _parse_cps(lines) if c is not None]
    log_id = local[0].log if local else None
    for name, data in read_anchor_files(folder):
        newest = None
        for line in _lines(data)[0]:
            try:
                cp = Checkpoint.parse(line.rstrip(b"\n"))
            except (ValueError, TypeError):
                continue
            if cp.log != log_id and cp.signature_ok():
                newest = cp if newest is None or cp.n > newest.n else newest
        if newest is not None:
            report.damage.append(Damage("checkpoints", TRUNCATED, len(local), (
                f"this state dir's anchor {name} holds log {newest.log} (checkpoint "
                f"{newest.n}, {newest.size} entries), not the local log"
                + (f" {log_id}" if log_id else "") + ": the audit log was wiped and "
                "started again")))


def _check_store(store: Any, report: Report, cp_data: bytes) -> None:
    from cctrace.audit import store_check

    lines, _ = _lines(cp_data)
    result = store_check.check(store, report.leaf_data,
                               [c for c in _parse_cps(lines) if c is not None])
    report.store_rows = result.checked
    if result.legacy:
        report.warnings.append(f"{result.legacy} store row(s) were written before the audit "
                               "log committed to row digests: not judged")
    for kind, _table, _key, text in result.problems:
        report.damage.append(Damage("store", kind, 0, text))


# -------------------------------------------------------------- remote (Langfuse) copies


def remote_from_attributes(attrs: dict[str, Any]) -> dict[str, Any] | None:
    """A checkpoint summary from `checkpoint_attributes` as found in trace metadata."""
    try:
        return {"log": str(attrs["cctrace.audit.log"]),
                "n": int(attrs["cctrace.audit.checkpoint"]),
                "size": int(attrs["cctrace.audit.size"]),
                "root": str(attrs["cctrace.audit.root"]), "sig": str(attrs["cctrace.audit.sig"])}
    except (KeyError, TypeError, ValueError):
        return None


def check_remote(report: Report, cps: Sequence[Checkpoint], remote: Sequence[dict[str, Any]],
                 source: str = "langfuse") -> None:
    """Compare checkpoint summaries that left the machine with the local log."""
    local = {c.n: c for c in cps}
    log_id = cps[0].log if cps else None
    for r in remote:
        if log_id and r["log"] != log_id:
            continue
        report.anchored += 1
        mine = local.get(r["n"])
        if mine is None:
            report.damage.append(Damage("checkpoints", TRUNCATED, len(cps), (
                f"checkpoint {r['n']} seen by {source} is missing locally")))
        elif (mine.size, mine.root, mine.sig) != (r["size"], r["root"], r["sig"]):
            report.damage.append(Damage("checkpoints", EDITED, r["n"], (
                f"checkpoint {r['n']} differs from the copy {source} holds")))
        elif r["size"] > report.entries:
            report.damage.append(Damage("log", TRUNCATED, report.entries, (
                f"{source} saw {r['size']} sealed entries; the log has {report.entries}")))
        elif merkle.root(report.leaves[:r["size"]]).hex() != r["root"]:
            report.damage.append(Damage("log", EDITED, 0, (
                f"the first {r['size']} entries do not match the root {source} holds")))
        if report.damage:
            return


def local_checkpoints(state_dir: str) -> list[Checkpoint]:
    with locked(state_dir) as root:
        data = read_bytes(os.path.join(root, CHECKPOINTS_NAME))
    lines, _ = _lines(data)
    return [c for c in _parse_cps(lines) if c is not None]
