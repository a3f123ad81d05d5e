"""The Merkle tree over the sequenced audit events (RFC 9162, section 2.1): the root of a tree of any
size, the compact "frontier" the sequencer keeps to extend it batch by batch, and the inclusion and
consistency proofs a customer checks with verifier.py. Pure: standard library only."""

from __future__ import annotations

from escalade.audit.verifier import EMPTY_ROOT, node_hash


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """The leaf hashes of a log, with the subtree hashes computed once and kept (a proof for each of
    many leaves then costs only its path)."""

    def __init__(self, leaves: list[bytes]):
        self.leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def hash(self, start: int = 0, end: int | None = None) -> bytes:
        """MTH(D[start:end]) of RFC 9162."""
        end = len(self.leaves) if end is None else end
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n == 1:
            return self.leaves[start]
        key = (start, end)
        if key not in self._memo:
            k = _split(n)
            self._memo[key] = node_hash(self.hash(start, start + k), self.hash(start + k, end))
        return self._memo[key]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[0:size]): the audit path of leaf `index` in the tree of the first `size` leaves."""
        if not 0 <= index < size <= len(self.leaves):
            raise ValueError(f"no leaf {index} in a tree of {size}")
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return self._path(m, start, start + k) + [self.hash(start + k, end)]
        return self._path(m - k, start + k, end) + [self.hash(start, start + k)]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[0:second]): that the tree of `second` leaves extends the tree of `first`."""
        if not 0 < first <= second <= len(self.leaves):
            raise ValueError(f"no consistency proof from {first} to {second}")
        if first == second:
            return []
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.hash(start, end)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, start, start + k, complete) + [self.hash(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self.hash(start, start + k)]


def extend(frontier: list[bytes], size: int, leaves: list[bytes]) -> tuple[list[bytes], int]:
    """Append `leaves` to a tree of `size` leaves given by its frontier (the roots of its perfect
    subtrees, largest first: one per set bit of `size`). Returns the new frontier and size."""
    frontier = list(frontier)
    for leaf in leaves:
        h, s = leaf, size
        while s & 1:
            h = node_hash(frontier.pop(), h)
            s >>= 1
        frontier.append(h)
        size += 1
    return frontier, size


def frontier_root(frontier: list[bytes]) -> bytes:
    """The root of the tree a frontier describes (folded from the right, as MTH splits)."""
    if not frontier:
        return EMPTY_ROOT
    h = frontier[-1]
    for left in reversed(frontier[:-1]):
        h = node_hash(left, h)
    return h
