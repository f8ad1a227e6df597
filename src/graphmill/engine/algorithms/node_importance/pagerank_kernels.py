# mypy: disable-error-code="no-untyped-def"
"""Compiled PageRank: the locality layout (relabelling + sliced rows) and its pull iteration.

Layout
    Vertices are renumbered by in-degree, largest first (ties keep their old order), so
    the few vertices most edges touch share a small, cache-resident stretch of the rank
    arrays.  The in-edges are then stored as SELL-8 ("sliced ELLPACK"): rows in slices of
    :data:`LANES` consecutive (new) vertices, each slice padded to its longest row and
    stored column by column, so one step of the loop reads one in-edge of eight rows at
    once.  Rows sorted by length pad very little (measured +1–3 % on R-MAT), and the loop
    has no per-row branch: that branch (a mispredict at every row end) cost as much as
    the gathers themselves.  Padding slots point at vertex ``n``, whose contribution is 0.
    Within a row, sources keep ascending *old* index order, whatever the thread count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine._numba import OPTS, nb
from graphmill.engine.csr import row_blocks

__all__ = ["LANES", "PlainPull", "unsigned"]

#: Rows per slice of the SELL layout (and accumulators per step of the pull loop); the
#: kernels spell it as 8 (and shifts by 3) so the compiler sees a constant.
LANES = 8


@nb.njit(parallel=True, **OPTS)
def pagerank_step(in_ptr, in_src, bounds, inv_out, rank, contrib, damping, base, out, deltas):
    """One pull iteration over a plain in-CSR; returns the L1 change ``sum |out - rank|``.

    Block ``b`` owns the vertices ``bounds[b]..bounds[b+1]`` (balanced by in-edges, not by
    vertices: R-MAT's heavy rows are at no particular place).  Pass the indices unsigned
    (:class:`PlainPull` does): numba checks a signed index for a negative value at every
    gather, which made this loop 2.3x slower (59 against 25 ms CPU at 16.8 M edges); counting
    the vertices unsigned as well took another 8-19 % off (loaded runs).
    """
    blocks = bounds.shape[0] - 1
    one = np.uint64(1)
    # vertices counted unsigned too, so no per-row (or, in the first loop, per-vertex) wrap check
    for b in nb.prange(blocks):
        for v in range(np.uint64(bounds[b]), np.uint64(bounds[b + 1])):
            contrib[v] = rank[v] * inv_out[v]
    for b in nb.prange(blocks):
        change = 0.0
        for v in range(np.uint64(bounds[b]), np.uint64(bounds[b + 1])):
            s = 0.0
            for k in range(in_ptr[v], in_ptr[v + one]):
                s += contrib[in_src[k]]
            x = base + damping * s
            out[v] = x
            change += abs(x - rank[v])
        deltas[b] = change
    total = 0.0
    for b in range(blocks):
        total += deltas[b]
    return total


def unsigned(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The same integers viewed as unsigned (no copy; they are never negative)."""
    return values.view(np.dtype(f"u{values.dtype.itemsize}"))


class PlainPull:
    """``step(rank, damping, base, out) -> L1 change`` over a plain in-CSR, set up once."""

    def __init__(
        self,
        in_ptr: npt.NDArray[Any],
        in_src: npt.NDArray[Any],
        inv_out: npt.NDArray[np.float64],
        blocks: int,
        contrib_dtype: type[np.floating[Any]] = np.float64,
    ) -> None:
        n = in_ptr.shape[0] - 1
        blocks = max(1, min(blocks, in_src.shape[0] // 65536))
        self._args = (unsigned(in_ptr), unsigned(in_src), row_blocks(in_ptr, blocks), inv_out)
        self._contrib = np.empty(n, dtype=contrib_dtype)
        self._deltas = np.zeros(blocks, dtype=np.float64)

    def __call__(
        self, rank: npt.NDArray[np.float64], damping: float, base: float, out: npt.NDArray[np.float64]
    ) -> float:
        return float(pagerank_step(*self._args, rank, self._contrib, damping, base, out, self._deltas))


@nb.njit(**OPTS)
def degree_order(degree):
    """Vertices by ``degree`` descending, ties in index order (a counting sort): new → old."""
    n = degree.shape[0]
    top = 0
    for v in range(n):
        if degree[v] > top:
            top = degree[v]
    start = np.zeros(top + 2, dtype=np.int64)
    for v in range(n):
        start[top - degree[v] + 1] += 1
    for d in range(top + 1):
        start[d + 1] += start[d]
    order = np.empty(n, dtype=np.int64)
    for v in range(n):
        slot = top - degree[v]
        order[start[slot]] = v
        start[slot] += 1
    return order


@nb.njit(**OPTS)
def slice_offsets(row_length):
    """Start of every slice of 8 rows in the padded edge array (rows sorted longest first)."""
    n = row_length.shape[0]
    slices = (n + 7) >> 3
    offsets = np.zeros(slices + 1, dtype=np.int64)
    for c in range(slices):
        offsets[c + 1] = offsets[c] + (row_length[c << 3] << 3)
    return offsets


@nb.njit(parallel=True, **OPTS)
def sliced_in_edges(indptr, indices, new_of_old, offsets, bounds, pad):
    """The relabelled in-edges in SELL layout, filled by a parallel counting sort.

    Block ``b`` owns the old sources ``bounds[b]..bounds[b+1]``: it counts its edges per
    (new) destination, takes its own range of slots in every row (blocks in order), and
    writes there, so each row lists its sources in ascending old index order.
    """
    n = indptr.shape[0] - 1
    blocks = bounds.shape[0] - 1
    slot = np.zeros((blocks, n), dtype=np.int64)
    for b in nb.prange(blocks):
        row = slot[b]
        for k in range(indptr[bounds[b]], indptr[bounds[b + 1]]):
            row[new_of_old[indices[k]]] += 1
    for v in nb.prange(n):
        start = 0
        for b in range(blocks):
            count = slot[b, v]
            slot[b, v] = start
            start += count
    out = np.full(offsets[-1], pad, dtype=indices.dtype)
    for b in nb.prange(blocks):
        row = slot[b]
        for u in range(bounds[b], bounds[b + 1]):
            source = new_of_old[u]
            for k in range(indptr[u], indptr[u + 1]):
                v = new_of_old[indices[k]]
                j = row[v]
                row[v] = j + 1
                out[offsets[v >> 3] + (j << 3) + (v & 7)] = source
    return out


@nb.njit(parallel=True, **OPTS)
def pull_step(offsets, sources, bounds, inv_out, rank, contrib, damping, base, out, deltas):
    """One pull iteration over the SELL layout; returns the L1 change ``sum |out - rank|``.

    ``out[v] = base + damping * sum_{u->v} rank[u] * inv_out[u]``.  ``contrib`` has
    ``n + 1`` entries (the last, the padding target, stays 0); float32 ``contrib`` halves
    the bytes the gathers touch, sums stay float64.  Block ``b`` owns the slices
    ``bounds[b]..bounds[b+1]`` (balanced by stored edges); each row is summed in its
    stored order, so the result does not depend on the thread count.
    """
    n = rank.shape[0]
    blocks = bounds.shape[0] - 1
    # Lane offsets as unsigned integers: ``p + 1`` with a plain literal is a signed index, and
    # numba wraps a signed index that might be negative (a compare and a conditional move per
    # edge, spilled to the stack).  Unsigned, the loop is a load, a gather and an add per edge:
    # 13-48 % less CPU per iteration at 16.8 M edges, loaded runs (bench/RESULTS.md, "PageRank
    # against the bandwidth bound, round four").
    u1, u2, u3, u4 = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
    u5, u6, u7 = np.uint64(5), np.uint64(6), np.uint64(7)
    for b in nb.prange(blocks):
        # unsigned: a signed v made this a loop of vector gathers and scatters (the wrap check)
        for v in range(np.uint64(bounds[b] * 8), np.uint64(min(bounds[b + 1] * 8, n))):
            contrib[v] = rank[v] * inv_out[v]
    for b in nb.prange(blocks):
        change = 0.0
        for c in range(bounds[b], bounds[b + 1]):
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
            for p in range(offsets[c], offsets[c + 1], 8):  # offsets are unsigned, so is p
                s0 += contrib[sources[p]]
                s1 += contrib[sources[p + u1]]
                s2 += contrib[sources[p + u2]]
                s3 += contrib[sources[p + u3]]
                s4 += contrib[sources[p + u4]]
                s5 += contrib[sources[p + u5]]
                s6 += contrib[sources[p + u6]]
                s7 += contrib[sources[p + u7]]
            sums = (s0, s1, s2, s3, s4, s5, s6, s7)
            v0 = c * 8
            for lane in range(min(8, n - v0)):
                x = base + damping * sums[lane]
                change += abs(x - rank[v0 + lane])
                out[v0 + lane] = x
        deltas[b] = change
    total = 0.0
    for b in range(blocks):
        total += deltas[b]
    return total
