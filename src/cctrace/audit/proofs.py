"""Inclusion proofs: that one audit entry is in the tree the latest checkpoint signed.

`find_entry` finds an entry of a verified log by its subject (an observation, hook event,
finding or erasure id, or a unique prefix of one); `inclusion` builds its RFC 9162 audit
path up to the latest checkpoint's root and checks it and the checkpoint's signature, for
`cctrace verify --event`. The proof is 32 bytes per tree level (docs/audit.md).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cctrace.audit import merkle
from cctrace.audit.log import Checkpoint, entry_dict
from cctrace.audit.verify import Report


@dataclass
class InclusionProof:
    index: int
    size: int
    entry: dict[str, Any]
    leaf: bytes
    path: list[bytes]
    checkpoint: Checkpoint
    verified: bool

    @property
    def proof_bytes(self) -> int:
        return 32 * len(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "tree_size": self.size, "entry": self.entry,
            "leaf_hash": self.leaf.hex(),
            "path": base64.b64encode(b"".join(self.path)).decode(),
            "proof_bytes": self.proof_bytes,
            "checkpoint": {"n": self.checkpoint.n, "root": self.checkpoint.root,
                           "epoch": self.checkpoint.epoch, "sig": self.checkpoint.sig,
                           "pub": self.checkpoint.pub},
            "verified": self.verified,
        }


def find_entry(report: Report, subject: str) -> int | None:
    """Position of the (first) entry whose subject is `subject` (or a unique prefix)."""
    needle = subject.encode()
    hits = []
    for p, data in enumerate(report.leaf_data):
        if needle in data:
            entry = entry_dict(data)
            if entry and isinstance(entry.get("id"), str) and (
                    entry["id"] == subject or entry["id"].startswith(subject)):
                if entry["id"] == subject:
                    return p
                hits.append(p)
    return hits[0] if len(hits) == 1 else None


def inclusion(report: Report, position: int) -> InclusionProof:
    """The proof that entry `position` is in the latest checkpoint's tree, checked."""
    cp = report.latest
    if cp is None or position >= cp.size:
        raise LookupError("the entry is not sealed by any checkpoint yet")
    leaves = report.leaves[:cp.size]
    path = merkle.inclusion_proof(position, leaves)
    ok = merkle.verify_inclusion(position, cp.size, leaves[position], path,
                                 bytes.fromhex(cp.root)) and cp.signature_ok()
    return InclusionProof(position, cp.size, entry_dict(report.leaf_data[position]) or {},
                          leaves[position], path, cp, ok)
