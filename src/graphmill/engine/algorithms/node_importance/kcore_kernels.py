# mypy: disable-error-code="no-untyped-def"
"""Compiled k-core peeling.

Level-synchronous peeling: at level ``k`` every remaining vertex of degree ``k`` is
final; removing it lowers its neighbours' degrees, and a neighbour that reaches ``k``
joins the same level.  One random read-modify-write per edge copy (Batagelj–Zaversnik's
bucket swaps cost four), the remaining vertices are compacted as levels pass, and empty
levels are skipped.  Core numbers are unique, so the result equals any exact peeling.
"""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(parallel=True, **OPTS)
def _degrees(optr, oidx, iptr, iidx, use_in):
    """Stored edge copies at every vertex (out, plus in with ``use_in``), self-loops left out."""
    n = optr.shape[0] - 1
    deg = np.zeros(n, dtype=np.int64)
    for v in nb.prange(n):
        d = 0
        for k in range(optr[v], optr[v + 1]):
            if oidx[k] != v:
                d += 1
        if use_in:
            for k in range(iptr[v], iptr[v + 1]):
                if iidx[k] != v:
                    d += 1
        deg[v] = d
    return deg


@nb.njit(inline="always", **OPTS)
def _lower(deg, u, level, frontier, size):
    """One edge copy to ``u`` removed: lower its degree; at ``level`` it joins the frontier."""
    if deg[u] > level:
        deg[u] -= 1
        if deg[u] == level:
            frontier[size] = u
            return size + 1
    return size


@nb.njit(**OPTS)
def core_numbers_csr(optr, oidx, iptr, iidx, use_in):
    """Core numbers of the undirected multigraph given by out- (and, with ``use_in``, in-) lists.

    Every stored edge copy counts once for each endpoint; self-loops are ignored.
    """
    deg = _degrees(optr, oidx, iptr, iidx, use_in)
    n = deg.shape[0]
    remaining = np.arange(n)
    frontier = np.empty(n, dtype=np.int64)
    left = n
    level = 0
    while left > 0:
        size = 0
        kept = 0
        for i in range(left):  # degrees below the level are final already
            v = remaining[i]
            if deg[v] == level:
                frontier[size] = v
                size += 1
            elif deg[v] > level:
                remaining[kept] = v
                kept += 1
        left = kept
        head = 0
        while head < size:
            v = frontier[head]
            head += 1
            for k in range(optr[v], optr[v + 1]):
                if oidx[k] != v:
                    size = _lower(deg, oidx[k], level, frontier, size)
            if use_in:
                for k in range(iptr[v], iptr[v + 1]):
                    if iidx[k] != v:
                        size = _lower(deg, iidx[k], level, frontier, size)
        nxt = -1
        for i in range(left):  # skip empty levels
            d = deg[remaining[i]]
            if d > level and (nxt < 0 or d < nxt):
                nxt = d
        level = nxt if nxt > 0 else level + 1
    return deg
