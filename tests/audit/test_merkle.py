"""The Merkle tree of the audit log against RFC 9162: roots, frontiers, inclusion and consistency
proofs, checked against a plain recursive definition and against tampering. No database."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalade.audit.merkle import Tree, extend, frontier_root
from escalade.audit.verifier import (
    EMPTY_ROOT,
    VerificationError,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def leaves(n: int) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + str(i).encode()).digest() for i in range(n)]


def mth(ls: list[bytes]) -> bytes:
    """MTH as RFC 9162 2.1.1 writes it."""
    if not ls:
        return EMPTY_ROOT
    if len(ls) == 1:
        return ls[0]
    k = 1
    while k * 2 < len(ls):
        k *= 2
    return node_hash(mth(ls[:k]), mth(ls[k:]))


def test_the_rfc_9162_example_tree_of_seven_leaves_has_the_published_shape():
    d = leaves(7)
    a, b, c = node_hash(d[0], d[1]), node_hash(d[2], d[3]), node_hash(d[4], d[5])
    assert Tree(d).hash() == node_hash(node_hash(a, b), node_hash(c, d[6]))
    # RFC 9162 2.1.5: the audit path for d0 is [b, h, l]; the consistency proof from 3 to 7 is [c, d, g, l].
    assert Tree(d).inclusion_proof(0, 7) == [d[1], b, node_hash(c, d[6])]
    assert Tree(d).consistency_proof(3, 7) == [d[2], d[3], a, node_hash(c, d[6])]


@given(st.integers(min_value=0, max_value=70), st.integers(min_value=0, max_value=70))
def test_a_frontier_extended_in_batches_gives_the_root_of_the_whole_tree(n, m):
    d = leaves(n + m)
    frontier, size = extend([], 0, d[:n])
    frontier, size = extend(frontier, size, d[n:])
    assert size == n + m
    assert frontier_root(frontier) == mth(d) == Tree(d).hash()


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_leaf_has_an_inclusion_proof_that_verifies_and_only_for_itself(size, data):
    d = leaves(size)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = Tree(d).inclusion_proof(index, size)
    verify_inclusion(index, size, d[index], proof, mth(d))
    wrong = hashlib.sha256(b"forged").digest()
    with pytest.raises(VerificationError):
        verify_inclusion(index, size, wrong, proof, mth(d))
    if size > 1:
        with pytest.raises(VerificationError):
            verify_inclusion((index + 1) % size, size, d[index], proof, mth(d))


@given(st.integers(min_value=1, max_value=70), st.data())
def test_a_later_tree_proves_it_extends_an_earlier_one(second, data):
    d = leaves(second)
    first = data.draw(st.integers(min_value=1, max_value=second))
    proof = Tree(d).consistency_proof(first, second)
    verify_consistency(first, second, mth(d[:first]), mth(d), proof)


@given(st.integers(min_value=2, max_value=70), st.data())
def test_a_tree_that_changed_an_old_leaf_cannot_prove_it_extends_the_old_tree(second, data):
    d = leaves(second)
    first = data.draw(st.integers(min_value=1, max_value=second - 1))
    victim = data.draw(st.integers(min_value=0, max_value=first - 1))
    changed = list(d)
    changed[victim] = hashlib.sha256(b"edited").digest()
    proof = Tree(changed).consistency_proof(first, second)
    with pytest.raises(VerificationError):
        verify_consistency(first, second, mth(d[:first]), mth(changed), proof)
