# mypy: disable-error-code="no-untyped-def"
"""Direction-optimising breadth-first search (Beamer, Asanović, Patterson, SC 2012): hop depths.

Every level runs one of three steps, chosen from the frontier's size:

* **top-down, queued**: the frontier is a queue; its out-edges are scanned and unseen
  vertices are appended behind it in the order found.  Sparse levels (a frontier with
  fewer than ``n / DENSE_SHARE`` out-edges: most levels of most searches).
* **top-down, dense**: the same scan, split over the threads; a new vertex is only marked
  in the one-byte ``state`` map (two threads marking it both write the same value), then
  one pass over the map appends the marked vertices to the queue in index order.  That pass reads all ``n`` states, so it runs only on dense levels; the index
  order lets the next level read the CSR front to back.
* **bottom-up**, split over the threads: every unvisited vertex scans its in-edges for a
  parent in the frontier and stops at the first one.  It needs the in-CSR.  In the middle
  levels of a small-world graph nearly every unvisited vertex finds a parent within a few
  edges, so it checks far fewer edges than the top-down step would.

Switching follows Beamer: top-down → bottom-up when the frontier's out-edges exceed
``1 / ALPHA`` of the edges not yet reached (estimated, as GAP does, as ``m`` minus the
out-edges of every visited vertex); bottom-up → top-down once the frontier stops growing
and holds fewer than ``n / BETA`` vertices.  One guard is added: bottom-up runs only from
a dense level and leaves as soon as its frontier is small and sparse, else the last
levels of a long path, whose one edge exceeds ``1 / ALPHA`` of the few still unexplored,
would each read all ``n`` states.  The depths are the same whichever steps run: a vertex
at depth ``d + 1`` is exactly an unvisited vertex with an edge from depth ``d``.
"""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []

#: ``state`` values: not reached; reached in an earlier level; in the current (bottom-up)
#: frontier; reached in the level being built.
UNSEEN, SEEN, FRONT, NEXT = 0, 1, 2, 3

#: Beamer's switch parameters (the paper's and GAP's defaults).
ALPHA = 14
BETA = 24

#: A level is dense when its frontier's out-edges number at least ``n / DENSE_SHARE``: only
#: then does a step that reads all ``n`` states (bottom-up, or collecting a parallel
#: top-down level) cost less than its edges.
DENSE_SHARE = 4

#: A dense top-down level also needs at least this many out-edges (below it the queued step
#: costs less than starting the threads).
PARALLEL_EDGES = 1 << 15


@nb.njit(**OPTS)
def _top_down(indptr, indices, queue, lo, hi, state, depth, d):
    """Queued top-down step from ``queue[lo:hi]``; returns the new end and the new
    frontier's out-edges."""
    t = hi
    edges = 0
    for i in range(lo, hi):
        v = queue[i]
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            if state[u] == UNSEEN:
                state[u] = SEEN
                depth[u] = d
                queue[t] = u
                t += 1
                edges += indptr[u + 1] - indptr[u]
    return t, edges


@nb.njit(parallel=True, **OPTS)
def _top_down_marks(indptr, indices, queue, lo, hi, state, blocks):
    """Dense top-down step from ``queue[lo:hi]`` over ``blocks`` threads: new vertices get ``NEXT``."""
    size = hi - lo
    for b in nb.prange(blocks):
        for i in range(lo + size * b // blocks, lo + size * (b + 1) // blocks):
            v = queue[i]
            for k in range(indptr[v], indptr[v + 1]):
                u = indices[k]
                if state[u] == UNSEEN:
                    state[u] = NEXT


@nb.njit(parallel=True, **OPTS)
def _bottom_up(in_ptr, in_idx, indptr, state, depth, d):
    """Parallel bottom-up step: every unvisited vertex with an in-edge from ``FRONT`` gets
    ``NEXT`` and depth ``d``; returns how many did and their out-edges.

    A vertex turning ``NEXT`` while another thread reads it as a possible parent is harmless:
    neither ``UNSEEN`` nor ``NEXT`` is ``FRONT``.
    """
    n = state.shape[0]
    found = 0
    edges = 0
    for v in nb.prange(n):
        if state[v] == UNSEEN:
            for k in range(in_ptr[v], in_ptr[v + 1]):
                if state[in_idx[k]] == FRONT:
                    state[v] = NEXT
                    depth[v] = d
                    found += 1
                    edges += indptr[v + 1] - indptr[v]
                    break
    return found, edges


@nb.njit(**OPTS)
def _advance(state):
    """Bottom-up to bottom-up: the frontier becomes ``SEEN``, the new level ``FRONT``.

    This pass and ``_collect`` read one byte per vertex (under a millisecond at 646 K
    vertices) and stay sequential: every ``prange`` loop adds seconds to the kernels'
    first compilation (tens of seconds on the loaded test machine), where a task waits.
    """
    for v in range(state.shape[0]):
        s = state[v]
        if s == FRONT:
            state[v] = SEEN
        elif s == NEXT:
            state[v] = FRONT


@nb.njit(**OPTS)
def _collect(state, queue, t, indptr, depth, d):
    """Append every ``NEXT`` vertex to ``queue`` from ``t`` with depth ``d`` and make it and
    any ``FRONT`` vertex ``SEEN``; returns the new end and the appended vertices' out-edges.

    The queue comes out in index order, so the next level reads the CSR front to back: at
    16.8 M edges, top-down levels collected this way took a third of the CPU of the same
    scan over a queue in discovery order (one thread each; bench/bfs_scc.py).
    """
    edges = 0
    for v in range(state.shape[0]):
        s = state[v]
        if s == NEXT:
            queue[t] = v
            depth[v] = d
            t += 1
            edges += indptr[v + 1] - indptr[v]
            state[v] = SEEN
        elif s == FRONT:
            state[v] = SEEN
    return t, edges


@nb.njit(**OPTS)
def _mark_front(queue, lo, hi, state):
    for i in range(lo, hi):
        state[queue[i]] = FRONT


@nb.njit(**OPTS)
def bfs_depths(indptr, indices, in_ptr, in_idx, bottom_up, root, blocks, alpha, beta, parallel_edges):
    """Hop depth of every vertex from ``root`` along out-edges (``-1`` where unreachable).

    ``in_ptr``/``in_idx`` are the in-CSR, read only when ``bottom_up`` is true (pass the
    out-CSR of an undirected graph, whose in-edges are its out-edges).  ``blocks``: threads
    to split dense levels over.  ``alpha``, ``beta`` and ``parallel_edges`` are the switch
    points (``ALPHA``, ``BETA``, ``PARALLEL_EDGES``; tests move them to force each step).
    Returns the depths and how many levels each step built (top-down queued, top-down
    dense, bottom-up).
    """
    n = indptr.shape[0] - 1
    m = indptr[n]
    depth = np.full(n, -1, dtype=np.int64)
    state = np.zeros(n, dtype=np.uint8)
    queue = np.empty(n, dtype=indices.dtype)
    steps = np.zeros(3, dtype=np.int64)
    state[root] = SEEN
    depth[root] = 0
    queue[0] = root
    lo, hi = 0, 1
    frontier = 1  # vertices in the frontier
    edges = indptr[root + 1] - indptr[root]  # its out-edges
    unexplored = m - edges  # edges not yet reached (GAP's estimate)
    in_bottom_up = False
    d = 0
    while frontier > 0:
        d += 1
        dense = edges * DENSE_SHARE >= n
        if bottom_up and not in_bottom_up and dense and edges * alpha > unexplored:
            _mark_front(queue, lo, hi, state)
            in_bottom_up = True
        if in_bottom_up:
            previous = frontier
            steps[2] += 1
            frontier, edges = _bottom_up(in_ptr, in_idx, indptr, state, depth, d)
            sparse = edges * DENSE_SHARE < n
            if frontier * beta < n and (frontier < previous or sparse):
                lo = hi
                hi, edges = _collect(state, queue, hi, indptr, depth, d)
                in_bottom_up = False
            else:
                _advance(state)
        else:
            if dense and edges >= parallel_edges:
                _top_down_marks(indptr, indices, queue, lo, hi, state, blocks)
                steps[1] += 1
                start = hi
                hi, edges = _collect(state, queue, hi, indptr, depth, d)
            else:
                start = hi
                hi, edges = _top_down(indptr, indices, queue, lo, hi, state, depth, d)
                steps[0] += 1
            lo = start
            frontier = hi - lo
        unexplored -= edges
    return depth, steps
