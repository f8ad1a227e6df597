# mypy: disable-error-code="no-untyped-def"
"""Compiled BFS-based kernels: Brandes dependencies (betweenness) and distance sums (closeness)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb
from graphmill.engine.algorithms.bfs_kernels import bfs_levels

__all__: list[str] = []


@nb.njit(**OPTS)
def _dependencies(ptr, idx, s, delta):
    """Brandes' single-source pass from ``s``: adds delta_s(v) to ``delta[v]`` for every v."""
    n = ptr.shape[0] - 1
    sigma = np.zeros(n, dtype=np.float64)
    dist = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    sigma[s] = 1.0
    dist[s] = 0
    stack[0] = s
    head = 0
    tail = 1
    while head < tail:
        v = stack[head]
        head += 1
        dv = dist[v] + 1
        for k in range(ptr[v], ptr[v + 1]):
            u = idx[k]
            if dist[u] < 0:
                dist[u] = dv
                stack[tail] = u
                tail += 1
            if dist[u] == dv:
                sigma[u] += sigma[v]
    for i in range(tail - 1, 0, -1):
        v = stack[i]
        dv = dist[v] + 1
        for k in range(ptr[v], ptr[v + 1]):
            u = idx[k]
            if dist[u] == dv:
                delta[v] += sigma[v] / sigma[u] * (1.0 + delta[u])


@nb.njit(parallel=True, **OPTS)
def brandes(ptr, idx, sources, nthreads):
    """Brandes dependencies summed over ``sources`` (unweighted; parallel edges multiply path counts).

    ``bc[v]`` = sum over sources s != v of delta_s(v).
    """
    n = ptr.shape[0] - 1
    acc = np.zeros((nthreads, n), dtype=np.float64)
    ns = sources.shape[0]
    for si in nb.prange(ns):
        delta = np.zeros(n, dtype=np.float64)
        _dependencies(ptr, idx, sources[si], delta)
        acc[nb.get_thread_id()] += delta
    bc = np.zeros(n, dtype=np.float64)
    for t in range(nthreads):
        bc += acc[t]
    return bc


@nb.njit(parallel=True, **OPTS)
def brandes_each(ptr, idx, sources, chosen):
    """Per source: the full dependency vector (rows) — used by the sampled (Bader) mode."""
    n = ptr.shape[0] - 1
    ns = sources.shape[0]
    out = np.zeros((ns, n), dtype=np.float64)
    for si in nb.prange(ns):
        _dependencies(ptr, idx, sources[si], out[si])
    return out


@nb.njit(parallel=True, **OPTS)
def bfs_distance_sums(ptr, idx, sources, nthreads):
    """Per vertex: sum of hop distances from ``sources`` that reach it, and how many reach it."""
    n = ptr.shape[0] - 1
    total = np.zeros((nthreads, n), dtype=np.float64)
    count = np.zeros((nthreads, n), dtype=np.int64)
    ns = sources.shape[0]
    for si in nb.prange(ns):
        t = nb.get_thread_id()
        queue = np.empty(n, dtype=np.int64)
        ends = np.empty(n, dtype=np.int64)
        levels = bfs_levels(ptr, idx, sources[si], np.zeros(n, dtype=np.uint8), queue, ends)
        for d in range(1, levels):
            for i in range(ends[d - 1], ends[d]):
                total[t, queue[i]] += d
                count[t, queue[i]] += 1
    s_out = np.zeros(n, dtype=np.float64)
    c_out = np.zeros(n, dtype=np.int64)
    for t in range(nthreads):
        s_out += total[t]
        c_out += count[t]
    return s_out, c_out
