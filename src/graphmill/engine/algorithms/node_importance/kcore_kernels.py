# mypy: disable-error-code="no-untyped-def"
"""Compiled k-core peeling.

Level-synchronous peeling: at level ``k`` every remaining vertex of degree ``k`` is
final; removing it lowers its neighbours' degrees, and a neighbour that reaches ``k``
joins the same level.  One scan per level compacts the remaining vertices and finds the
next level and its frontier, so empty levels cost nothing.

Each level is peeled in rounds, a round being the vertices the one before queued.  Where
the time goes (bench/RESULTS.md, "KCore peeling"): the walks over removed vertices' edge
lists, nearly all of it in the last levels of a skewed graph, which hold few vertices but
most of the edges.  So:

- A round is split over the threads when it has many *edge copies* to walk, not many
  vertices; each block takes an equal share of them (a hub's list may be cut between
  blocks) and lowers degrees with atomic decrements (one that lands at ``k`` or below is
  given back, so exactly one block sees a vertex reach ``k`` and queues it).
- Smaller rounds run sequentially and branch-free: whether a neighbour is still above
  ``k`` is data the branch predictor cannot learn, and a mispredicted branch per edge
  copy cost three times the arithmetic that replaces it.

Core numbers are unique, so the result equals any exact peeling.
"""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, atomic_add, nb

__all__: list[str] = []

#: Rounds with at least this many edge copies to walk are split over the threads (a
#: launch costs more below it).
PARALLEL_EDGES = 32768


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
def _walk_alone(idx, start, stop, deg, level, queue, size):
    """Lower the degrees of ``idx[start:stop]`` above ``level``; queue those reaching it.

    Without branches: every copy writes its degree back (unchanged when not above
    ``level``) and its vertex into the queue's next slot, which only counts when it reached
    ``level``.  A self-loop's own end is at ``level`` already, so it changes nothing.
    """
    for k in range(start, stop):
        u = idx[k]
        d = deg[u]
        above = d > level
        d -= above
        deg[u] = d
        queue[size] = u
        size += above & (d == level)
    return size


@nb.njit(inline="always", **OPTS)
def _walk_shared(idx, start, stop, deg, level, queue, size):
    """:func:`_walk_alone` while other threads lower the same degrees (atomic decrements)."""
    for k in range(start, stop):
        u = idx[k]
        if deg[u] > level:
            old = atomic_add(deg, u, -1)
            if old == level + 1:
                queue[size] = u
                size += 1
            elif old <= level:
                atomic_add(deg, u, 1)
    return size


@nb.njit(inline="always", **OPTS)
def _copies(v, optr, iptr, use_in):
    """Edge copies stored at ``v`` (out-list, plus in-list with ``use_in``)."""
    c = optr[v + 1] - optr[v]
    if use_in:
        c += iptr[v + 1] - iptr[v]
    return c


@nb.njit(inline="always", **OPTS)
def _remove(v, a, e, optr, oidx, iptr, iidx, use_in, deg, level, queue, size, shared):
    """Remove edge copies ``a:e`` of ``v`` (its out-list, then its in-list, as one sequence)."""
    o0 = optr[v]
    out = optr[v + 1] - o0
    if a < out:
        if shared:
            size = _walk_shared(oidx, o0 + a, o0 + min(e, out), deg, level, queue, size)
        else:
            size = _walk_alone(oidx, o0 + a, o0 + min(e, out), deg, level, queue, size)
    if use_in and e > out:
        i0 = iptr[v] - out  # copy ``c >= out`` of ``v`` is ``iidx[i0 + c]``
        if shared:
            size = _walk_shared(iidx, i0 + max(a, out), i0 + e, deg, level, queue, size)
        else:
            size = _walk_alone(iidx, i0 + max(a, out), i0 + e, deg, level, queue, size)
    return size


@nb.njit(parallel=True, **OPTS)
def _peel_parallel(optr, oidx, iptr, iidx, use_in, deg, level, frontier, head, cum, queues, counts):
    """Remove ``frontier[head:]`` over the thread blocks, block ``b`` taking an equal share of
    the edge copies (``cum``: copies before each vertex) and queueing in ``queues[b]``."""
    blocks = counts.shape[0]
    rows = cum.shape[0] - 1
    total = cum[rows]
    for b in nb.prange(blocks):
        lo = total * b // blocks
        hi = total * (b + 1) // blocks
        i = np.searchsorted(cum, lo, side="right") - 1
        c = 0
        while i < rows and cum[i] < hi:
            a = max(lo, cum[i]) - cum[i]
            e = min(hi, cum[i + 1]) - cum[i]
            c = _remove(
                frontier[head + i], a, e, optr, oidx, iptr, iidx, use_in, deg, level, queues[b], c, True
            )
            i += 1
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
def _round_copies(frontier, head, end, optr, iptr, use_in, cum):
    """``cum[i]``: edge copies of ``frontier[head:head + i]``; returns the round's total."""
    cum[0] = 0
    for i in range(head, end):
        cum[i - head + 1] = cum[i - head] + _copies(frontier[i], optr, iptr, use_in)
    return cum[end - head]


@nb.njit(**OPTS)
def core_numbers_csr(optr, oidx, iptr, iidx, use_in, deg, blocks, min_parallel):
    """Core numbers, written into ``deg``, of the undirected multigraph given by out- (and,
    with ``use_in``, in-) lists, splitting rounds of ``min_parallel`` or more edge copies
    (:data:`PARALLEL_EDGES`; tests force other splits) over ``blocks`` threads.

    Every stored edge copy counts once for each endpoint; self-loops are ignored.
    """
    _degrees(optr, oidx, iptr, iidx, use_in, deg)
    n = deg.shape[0]
    remaining = np.arange(n).astype(deg.dtype)
    # the level's vertices in peeling order; the sequential walk writes one slot past the end
    frontier = np.empty(n + 1, dtype=deg.dtype)
    cum = np.empty(n + 1 if blocks > 1 else 0, dtype=np.int64)
    queues = np.empty((blocks, n + 1 if blocks > 1 else 0), dtype=deg.dtype)
    counts = np.zeros(blocks, dtype=np.int64)
    left, level, size = _next_level(remaining, n, deg, -1, frontier)
    while left > 0:
        head = 0
        while head < size:
            end = size
            if blocks > 1 and _round_copies(frontier, head, end, optr, iptr, use_in, cum) >= min_parallel:
                _peel_parallel(
                    optr,
                    oidx,
                    iptr,
                    iidx,
                    use_in,
                    deg,
                    level,
                    frontier,
                    head,
                    cum[: end - head + 1],
                    queues,
                    counts,
                )
                for b in range(blocks):
                    frontier[size : size + counts[b]] = queues[b, : counts[b]]
                    size += counts[b]
            else:
                for i in range(head, end):
                    v = frontier[i]
                    e = _copies(v, optr, iptr, use_in)
                    size = _remove(v, 0, e, optr, oidx, iptr, iidx, use_in, deg, level, frontier, size, False)
            head = end
        left, level, size = _next_level(remaining, left, deg, level, frontier)
