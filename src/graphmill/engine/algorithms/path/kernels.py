# mypy: disable-error-code="no-untyped-def"
"""Compiled path kernels: BFS depths and Dijkstra."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
def bfs_depth(indptr, indices, root):
    """Hop depth of every vertex from ``root`` along out-edges (``-1`` unreachable); FIFO queue."""
    n = indptr.shape[0] - 1
    depth = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    depth[root] = 0
    queue[0] = root
    head = 0
    tail = 1
    while head < tail:
        v = queue[head]
        head += 1
        d = depth[v] + 1
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            if depth[u] < 0:
                depth[u] = d
                queue[tail] = u
                tail += 1
    return depth


@nb.njit(**OPTS)
def dijkstra(indptr, indices, weights, root):
    """Single-source shortest paths with a binary heap (lazy deletion); parallel edges are fine."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    cap = 1024
    hd = np.empty(cap, dtype=np.float64)
    hv = np.empty(cap, dtype=np.int64)
    size = 0
    dist[root] = 0.0
    hd[0] = 0.0
    hv[0] = root
    size = 1
    while size > 0:
        d = hd[0]
        v = hv[0]
        size -= 1
        if size > 0:  # move last to top and sift down
            ld = hd[size]
            lv = hv[size]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                if c + 1 < size and hd[c + 1] < hd[c]:
                    c += 1
                if hd[c] < ld:
                    hd[i] = hd[c]
                    hv[i] = hv[c]
                    i = c
                else:
                    break
            hd[i] = ld
            hv[i] = lv
        if done[v]:
            continue
        done[v] = True
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            nd = d + weights[k]
            if nd < dist[u]:
                dist[u] = nd
                if size == cap:
                    cap *= 2
                    nhd = np.empty(cap, dtype=np.float64)
                    nhv = np.empty(cap, dtype=np.int64)
                    nhd[:size] = hd[:size]
                    nhv[:size] = hv[:size]
                    hd = nhd
                    hv = nhv
                i = size
                size += 1
                while i > 0:  # sift up
                    p = (i - 1) // 2
                    if hd[p] > nd:
                        hd[i] = hd[p]
                        hv[i] = hv[p]
                        i = p
                    else:
                        break
                hd[i] = nd
                hv[i] = u
    return dist
