"""RFC 9162 tree heads, inclusion and consistency proofs against a naive reference."""

from __future__ import annotations

import hashlib

import pytest

from cctrace.audit import merkle


def naive_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


LEAVES = [merkle.leaf_hash(str(i).encode()) for i in range(70)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 70])
def test_frontier_root_matches_definition(n):
    assert merkle.root(LEAVES[:n]) == naive_root(LEAVES[:n])


def test_known_vector():
    # RFC 6962 test vector: the empty tree head.
    assert merkle.root([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 21, 64, 70])
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(n):
    r = merkle.root(LEAVES[:n])
    for m in range(n):
        proof = merkle.inclusion_proof(m, LEAVES[:n])
        assert merkle.verify_inclusion(m, n, LEAVES[m], proof, r)
        assert not merkle.verify_inclusion(m, n, LEAVES[(m + 1) % 70], proof, r) or n == 1 \
            and LEAVES[(m + 1) % 70] == LEAVES[m]
        if proof:
            bad = [proof[0][::-1], *proof[1:]]
            assert not merkle.verify_inclusion(m, n, LEAVES[m], bad, r)


@pytest.mark.parametrize("n", [2, 3, 7, 8, 9, 33, 70])
def test_consistency_proofs(n):
    new = merkle.root(LEAVES[:n])
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(m, LEAVES[:n])
        old = merkle.root(LEAVES[:m])
        assert merkle.verify_consistency(m, n, old, new, proof)
        assert not merkle.verify_consistency(m, n, LEAVES[69], new, proof) or old == LEAVES[69]
    # a rewritten history is inconsistent with the old head
    forged = LEAVES[:n - 1] + [merkle.leaf_hash(b"forged")]
    if n > 1:
        proof = merkle.consistency_proof(n - 1, forged)
        assert not merkle.verify_consistency(n - 1, n, merkle.root(LEAVES[:n - 1]),
                                             merkle.root(LEAVES[:n]), proof)
