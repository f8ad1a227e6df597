# mypy: disable-error-code="no-untyped-def"
"""Compiled path kernels: bucket-queue shortest paths (BFS depths are in ``depth_kernels``)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
def positive_range(weights):
    """The smallest and largest positive finite weight (``inf, 0.0`` when there is none)."""
    smallest = np.inf
    largest = 0.0
    for w in weights:
        if w > 0 and w < np.inf:
            smallest = min(smallest, w)
            largest = max(largest, w)
    return smallest, largest


@nb.njit(**OPTS)
def _bucket_of(dist, delta, nbuckets):
    q = dist / delta
    if q < 4.0e18:
        return np.int64(q) % nbuckets
    return np.int64(np.fmod(q, np.float64(nbuckets)))


#: Entries per chunk of a bucket queue.
CHUNK = 256


@nb.njit(**OPTS)
def bucket_sssp(indptr, indices, weights, root, delta, nbuckets):
    """Single-source shortest paths over non-negative weights with a circular bucket queue.

    Bucket ``b`` holds the vertices whose tentative distance lies in ``[b*delta, (b+1)*delta)``;
    the buckets are visited in order, each emptied (vertices improved into the bucket being
    emptied go back into it).  An entry carries the distance it was queued with and is
    dropped when the vertex has improved since, so a vertex relaxes its out-edges once per
    distinct distance it reaches; every order of that work ends at the same fixed point,
    the smallest left-to-right sum of weights over all paths, which is exactly Dijkstra's
    result.  With ``delta`` at most the smallest weight no vertex relaxes twice (as in
    Dijkstra), and each queue operation is O(1) instead of a heap's O(log n).  Every live
    entry lies within ``nbuckets`` buckets of the current one (``nbuckets > max weight /
    delta``).  A bucket is a stack of ``CHUNK``-entry chunks, so popping reads memory in
    order (a list of single entries chased pointers and cost 2.5x); emptied chunks are reused.
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    top_chunk = np.full(nbuckets, -1, dtype=np.int64)  # each bucket's partly filled chunk
    fill = np.zeros(nbuckets, dtype=np.int64)  # entries in that chunk
    chunks = max(4, n // (4 * CHUNK))
    vertex = np.empty(chunks * CHUNK, dtype=np.int64)
    queued = np.empty(chunks * CHUNK, dtype=np.float64)
    below = np.empty(chunks, dtype=np.int64)  # the chunk under each one, or the next free chunk
    state = np.array([-1, 0], dtype=np.int64)  # first free chunk, chunks ever used
    dist[root] = 0.0
    _push(vertex, queued, below, top_chunk, fill, state, 0, root, 0.0)
    pending = 1
    cur = 0
    while pending > 0:
        slot = cur % nbuckets
        while top_chunk[slot] >= 0:
            c = top_chunk[slot]
            if fill[slot] == 0:  # chunk used up: the one under it is full
                top_chunk[slot] = below[c]
                below[c] = state[0]
                state[0] = c
                fill[slot] = CHUNK
                continue
            fill[slot] -= 1
            v = vertex[c * CHUNK + fill[slot]]
            d = queued[c * CHUNK + fill[slot]]
            pending -= 1
            if d != dist[v]:
                continue  # improved since it was queued: a later entry carries the new distance
            if state[1] + indptr[v + 1] - indptr[v] > below.shape[0]:  # each push takes <= 1 chunk
                vertex, queued, below = _grow(vertex, queued, below, state[1] + indptr[v + 1] - indptr[v])
            for k in range(indptr[v], indptr[v + 1]):
                u = indices[k]
                nd = d + weights[k]
                if nd < dist[u]:
                    dist[u] = nd
                    _push(
                        vertex, queued, below, top_chunk, fill, state, _bucket_of(nd, delta, nbuckets), u, nd
                    )
                    pending += 1
        cur += 1
    return dist


@nb.njit(inline="always", **OPTS)
def _push(vertex, queued, below, top_chunk, fill, state, b, v, d):
    """Put (v, d) on bucket ``b``, taking a free chunk (or a never-used one) when its top is full."""
    c = top_chunk[b]
    if c < 0 or fill[b] == CHUNK:
        fresh = state[0]
        if fresh >= 0:
            state[0] = below[fresh]
        else:
            fresh = state[1]
            state[1] += 1
        below[fresh] = c
        top_chunk[b] = fresh
        fill[b] = 0
        c = fresh
    vertex[c * CHUNK + fill[b]] = v
    queued[c * CHUNK + fill[b]] = d
    fill[b] += 1


@nb.njit(**OPTS)
def _grow(vertex, queued, below, needed):
    """The chunk pool with room for at least ``needed`` chunks (at least twice as many)."""
    chunks = max(2 * below.shape[0], needed)
    new_vertex = np.empty(chunks * CHUNK, dtype=np.int64)
    new_queued = np.empty(chunks * CHUNK, dtype=np.float64)
    new_below = np.empty(chunks, dtype=np.int64)
    new_vertex[: vertex.shape[0]] = vertex
    new_queued[: queued.shape[0]] = queued
    new_below[: below.shape[0]] = below
    return new_vertex, new_queued, new_below
