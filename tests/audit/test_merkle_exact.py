"""RFC 9162 Merkle proofs, exactly: known hashes, and the verifiers against recursive ones.

The verifiers of `audit.merkle` walk bit patterns of the leaf index and tree size (RFC 9162
2.1.3.2 and 2.1.4.2). The references here recompute the same heads by recursion over the
tree's shape (2.1.3.1 and 2.1.4.1 read backwards), a different algorithm; for every tree up
to 17 leaves, every leaf and every prefix, with the right and wrong index, sizes, roots and
proofs cut or lengthened, both must give the same answer. The mutation run
(`bench/mutation.py -m audit.merkle`) starts with this file.
"""

from __future__ import annotations

import hashlib

import pytest

from cctrace.audit import merkle

LEAVES = [merkle.leaf_hash(str(i).encode()) for i in range(24)]
OTHER = merkle.leaf_hash(b"other")


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _split(len(d))
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def _incl_root(m: int, n: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    """The head a proof of leaf m in a tree of n gives, by recursion (None: wrong length)."""
    if n == 1:
        return leaf if not proof else None
    if not proof:
        return None
    k = _split(n)
    if m < k:
        sub = _incl_root(m, k, leaf, proof[:-1])
        return None if sub is None else merkle.node_hash(sub, proof[-1])
    sub = _incl_root(m - k, n - k, leaf, proof[:-1])
    return None if sub is None else merkle.node_hash(proof[-1], sub)


def ref_verify_inclusion(m: int, n: int, leaf: bytes, proof: list[bytes], head: bytes) -> bool:
    if not 0 <= m < n:
        return False
    return _incl_root(m, n, leaf, list(proof)) == head


def _cons(m: int, n: int, b: bool, proof: list[bytes], old: bytes):
    """(old head, new head) a consistency proof gives, by recursion (None: wrong length)."""
    if m == n:
        if b:
            return (old, old) if not proof else None
        return (proof[0], proof[0]) if len(proof) == 1 else None
    if not proof:
        return None
    k = _split(n)
    if m <= k:
        sub = _cons(m, k, b, proof[:-1], old)
        return None if sub is None else (sub[0], merkle.node_hash(sub[1], proof[-1]))
    sub = _cons(m - k, n - k, False, proof[:-1], old)
    if sub is None:
        return None
    return merkle.node_hash(proof[-1], sub[0]), merkle.node_hash(proof[-1], sub[1])


def ref_verify_consistency(m: int, n: int, old: bytes, new: bytes, proof: list[bytes]) -> bool:
    if not 0 < m <= n:
        return False
    return _cons(m, n, True, list(proof), old) == (old, new)


def test_known_hashes() -> None:
    # RFC 6962 / 9162: the empty tree, the empty leaf, and one node over two leaves.
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert merkle.leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert merkle.node_hash(b"L", b"R") == hashlib.sha256(b"\x01LR").digest()
    assert merkle.root([]) == merkle.EMPTY_ROOT
    assert merkle.root(LEAVES[:1]) == LEAVES[0]


@pytest.mark.parametrize("n, k", [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (16, 8),
                                  (17, 16), (33, 32)])
def test_split(n: int, k: int) -> None:
    assert merkle._split(n) == k


def test_roots_and_the_frontier() -> None:
    f = merkle.Frontier()
    assert (f.size, f.stack, f.root()) == (0, [], merkle.EMPTY_ROOT)
    for n in range(1, 24):
        f.append(LEAVES[n - 1])
        assert f.size == n
        assert f.root() == _mth(LEAVES[:n]) == merkle.root(LEAVES[:n])
        # one entry per set bit of n, the largest subtree first
        assert [h for h, _ in f.stack] == [b for b in range(n.bit_length() - 1, -1, -1)
                                           if n >> b & 1]
        again = merkle.Frontier.from_list(n, f.to_list())
        assert (again.size, again.stack) == (f.size, f.stack)
        c = f.copy()
        c.append(OTHER)
        assert (c.size, f.size) == (n + 1, n)
        assert f.root() == _mth(LEAVES[:n])
    assert merkle.Frontier(3).stack == []
    assert merkle.Frontier.from_list(1, [["0", LEAVES[0].hex()]]).stack == [(0, LEAVES[0])]
    assert merkle.Frontier(1, [(0, LEAVES[0])]).to_list() == [[0, LEAVES[0].hex()]]


def test_proof_bounds() -> None:
    with pytest.raises(IndexError) as err:
        merkle.inclusion_proof(3, LEAVES[:3])
    assert str(err.value) == "leaf 3 not in a tree of size 3"
    with pytest.raises(IndexError):
        merkle.inclusion_proof(-1, LEAVES[:3])
    assert merkle.inclusion_proof(0, LEAVES[:1]) == []
    assert merkle.inclusion_proof(2, LEAVES[:3]) == [_mth(LEAVES[:2])]
    assert merkle.inclusion_proof(0, LEAVES[:3]) == [LEAVES[1], LEAVES[2]]
    for bad in (0, 4, -1):
        with pytest.raises(ValueError) as verr:
            merkle.consistency_proof(bad, LEAVES[:3])
        assert str(verr.value) == f"no consistency proof from {bad} to 3"
    assert merkle.consistency_proof(3, LEAVES[:3]) == []
    assert merkle.consistency_proof(2, LEAVES[:3]) == [LEAVES[2]]
    assert merkle.consistency_proof(1, LEAVES[:3]) == [LEAVES[1], LEAVES[2]]
    assert merkle.consistency_proof(3, LEAVES[:4]) == [LEAVES[2], LEAVES[3], _mth(LEAVES[:2])]
    assert merkle.consistency_proof(2, LEAVES[:4]) == [_mth(LEAVES[2:4])]


def _variants(proof: list[bytes]) -> list[list[bytes]]:
    out = [proof, proof + [OTHER], proof[:-1], proof[1:], [OTHER] + proof]
    out += [proof[:i] + [OTHER] + proof[i + 1:] for i in range(len(proof))]
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 17])
def test_inclusion_verifier_agrees_with_the_recursive_one(n: int) -> None:
    head = _mth(LEAVES[:n])
    for m in range(n):
        proof = merkle.inclusion_proof(m, LEAVES[:n])
        assert proof == merkle.inclusion_proof(m, LEAVES[:n])
        assert ref_verify_inclusion(m, n, LEAVES[m], proof, head) is True
        assert merkle.verify_inclusion(m, n, LEAVES[m], proof, head) is True
        for p in _variants(proof):
            for mm in (m - 1, m, m + 1, n, n - 1, m ^ 1, m ^ 2):
                for nn in (n - 1, n, n + 1, n + 2, 2 * n):
                    for leaf in (LEAVES[m], OTHER):
                        for h in (head, _mth(LEAVES[:nn])):
                            if mm < 0 or nn < 1:
                                continue
                            assert merkle.verify_inclusion(mm, nn, leaf, p, h) is \
                                ref_verify_inclusion(mm, nn, leaf, p, h), (mm, nn, len(p))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 17])
def test_consistency_verifier_agrees_with_the_recursive_one(n: int) -> None:
    new = _mth(LEAVES[:n])
    for m in range(1, n + 1):
        old = _mth(LEAVES[:m])
        proof = merkle.consistency_proof(m, LEAVES[:n])
        assert ref_verify_consistency(m, n, old, new, proof) is True
        assert merkle.verify_consistency(m, n, old, new, proof) is True
        for p in _variants(proof):
            for mm in (m - 1, m, m + 1, 0, n):
                for nn in (n - 1, n, n + 1, m):
                    for o, w in ((old, new), (new, new), (old, old), (OTHER, new),
                                 (old, OTHER), (_mth(LEAVES[:mm]), _mth(LEAVES[:nn]))):
                        assert merkle.verify_consistency(mm, nn, o, w, p) is \
                            ref_verify_consistency(mm, nn, o, w, p), (mm, nn, len(p))
