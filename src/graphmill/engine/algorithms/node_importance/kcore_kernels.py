# mypy: disable-error-code="no-untyped-def"
"""Compiled k-core peeling.

Level-synchronous peeling: at level ``k`` every remaining vertex of degree ``k`` is
final; removing it lowers its neighbours' degrees, and a neighbour that reaches ``k``
joins the same level.  One read-modify-write per edge copy (Batagelj–Zaversnik's bucket
swaps cost four).  A large frontier is peeled in parallel, each thread lowering degrees
with atomic decrements (a decrement that overshoots below ``k`` is given back, so exactly
one thread sees a vertex reach ``k`` and queues it); small frontiers run sequentially.
One scan per level compacts the remaining vertices and finds the next level and its
frontier, so empty levels cost nothing.  Core numbers are unique, so the result equals
any exact peeling.
"""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, atomic_add, nb

__all__: list[str] = []

#: Frontiers at least this long are peeled in parallel (a launch costs more below it).
PARALLEL_FRONTIER = 4096


@nb.njit(parallel=True, **OPTS)
def _degrees(optr, oidx, iptr, iidx, use_in, deg):
    """Stored edge copies at every vertex (out, plus in with ``use_in``), self-loops left out."""
    n = optr.shape[0] - 1
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


@nb.njit(inline="always", **OPTS)
def _lower(deg, u, level, queue, size, shared):
    """One edge copy to ``u`` removed: lower its degree; on reaching ``level`` it is queued.

    ``shared``: other threads lower the same degrees (atomic decrement; one that lands
    below ``level`` is undone, so only the thread that took it to ``level`` queues it).
    """
    if deg[u] > level:
        if shared:
            old = atomic_add(deg, u, -1)
            if old == level + 1:
                queue[size] = u
                return size + 1
            if old <= level:
                atomic_add(deg, u, 1)
        else:
            deg[u] -= 1
            if deg[u] == level:
                queue[size] = u
                return size + 1
    return size


@nb.njit(inline="always", **OPTS)
def _remove(v, optr, oidx, iptr, iidx, use_in, deg, level, queue, size, shared):
    """Remove ``v``: lower the degree of every other endpoint of its edge copies."""
    for k in range(optr[v], optr[v + 1]):
        if oidx[k] != v:
            size = _lower(deg, oidx[k], level, queue, size, shared)
    if use_in:
        for k in range(iptr[v], iptr[v + 1]):
            if iidx[k] != v:
                size = _lower(deg, iidx[k], level, queue, size, shared)
    return size


@nb.njit(parallel=True, **OPTS)
def _peel_parallel(optr, oidx, iptr, iidx, use_in, deg, level, frontier, size, queues, counts):
    """Remove ``frontier[:size]`` in parallel; thread block ``b`` queues in ``queues[b]``."""
    blocks = counts.shape[0]
    for b in nb.prange(blocks):
        c = 0
        for i in range(size * b // blocks, size * (b + 1) // blocks):
            c = _remove(frontier[i], optr, oidx, iptr, iidx, use_in, deg, level, queues[b], c, True)
        counts[b] = c


@nb.njit(**OPTS)
def _next_level(remaining, left, deg, level, frontier):
    """Keep the vertices above ``level``; ``(kept, next level, its frontier size)``."""
    kept = 0
    nxt = -1
    size = 0
    for i in range(left):
        v = remaining[i]
        d = deg[v]
        if d > level:
            remaining[kept] = v
            kept += 1
            if nxt < 0 or d < nxt:
                nxt = d
                size = 0
            if d == nxt:
                frontier[size] = v
                size += 1
    return kept, nxt, size


@nb.njit(**OPTS)
def core_numbers_csr(optr, oidx, iptr, iidx, use_in, deg, blocks):
    """Core numbers, written into ``deg``, of the undirected multigraph given by out- (and,
    with ``use_in``, in-) lists, peeling large frontiers over ``blocks`` threads.

    Every stored edge copy counts once for each endpoint; self-loops are ignored.
    """
    _degrees(optr, oidx, iptr, iidx, use_in, deg)
    n = deg.shape[0]
    remaining = np.arange(n).astype(deg.dtype)
    frontier = np.empty(n, dtype=deg.dtype)
    queues = np.empty((blocks, n), dtype=deg.dtype)
    counts = np.zeros(blocks, dtype=np.int64)
    left, level, size = _next_level(remaining, n, deg, -1, frontier)
    while left > 0:
        while size >= PARALLEL_FRONTIER:
            _peel_parallel(optr, oidx, iptr, iidx, use_in, deg, level, frontier, size, queues, counts)
            size = 0
            for b in range(blocks):
                frontier[size : size + counts[b]] = queues[b, : counts[b]]
                size += counts[b]
        head = 0
        while head < size:
            size = _remove(frontier[head], optr, oidx, iptr, iidx, use_in, deg, level, frontier, size, False)
            head += 1
        left, level, size = _next_level(remaining, left, deg, level, frontier)
