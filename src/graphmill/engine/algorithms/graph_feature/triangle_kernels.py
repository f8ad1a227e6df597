# mypy: disable-error-code="no-untyped-def"
"""Compiled triangle kernels: per-vertex counts (with the clustering numerators) and the triangle list."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def _pop2(c):
    return (c & 1) + ((c >> 1) & 1)


@nb.njit(parallel=True, **OPTS)
def triangles(optr, oidx, ocode, omult, use_mult, nthreads):
    """Per-vertex triangle counts and directed-LCC numerators on an oriented simple graph.

    Every triangle {u, v, w} is found once from its lowest-rank vertex u: the out-
    neighbours of u are marked, then each out-neighbour v's list is scanned for marks.
    ``tri[x]`` adds 1 (or the product of the three edge multiplicities when ``use_mult``);
    ``lcc[x]`` adds the number of stored directed edges between the other two (0–2).
    """
    n = optr.shape[0] - 1
    tri_t = np.zeros((nthreads, n), dtype=np.int64)
    lcc_t = np.zeros((nthreads, n), dtype=np.int64)
    mark_t = np.full((nthreads, n), -1, dtype=np.int64)
    chunk = 64
    nchunks = (n + chunk - 1) // chunk
    for ci in nb.prange(nchunks):
        t = nb.get_thread_id()
        mark = mark_t[t]
        for u in range(ci * chunk, min(n, (ci + 1) * chunk)):
            for i in range(optr[u], optr[u + 1]):
                mark[oidx[i]] = i
            for a in range(optr[u], optr[u + 1]):
                v = oidx[a]
                cuv = ocode[a]
                for j in range(optr[v], optr[v + 1]):
                    w = oidx[j]
                    i = mark[w]
                    if i < 0:
                        continue
                    c = 1
                    if use_mult:
                        c = omult[a] * omult[i] * omult[j]
                    tri_t[t, u] += c
                    tri_t[t, v] += c
                    tri_t[t, w] += c
                    lcc_t[t, u] += _pop2(ocode[j])
                    lcc_t[t, v] += _pop2(ocode[i])
                    lcc_t[t, w] += _pop2(cuv)
            for i in range(optr[u], optr[u + 1]):
                mark[oidx[i]] = -1
    tri = np.zeros(n, dtype=np.int64)
    lcc = np.zeros(n, dtype=np.int64)
    for t in range(nthreads):
        tri += tri_t[t]
        lcc += lcc_t[t]
    return tri, lcc


@nb.njit(parallel=True, **OPTS)
def triangle_list(optr, oidx):
    """Every triangle once as three vertex indices (ascending within a row)."""
    n = optr.shape[0] - 1
    per = np.zeros(n + 1, dtype=np.int64)
    for u in nb.prange(n):
        c = 0
        for a in range(optr[u], optr[u + 1]):
            v = oidx[a]
            i = optr[u]
            j = optr[v]
            while i < optr[u + 1] and j < optr[v + 1]:
                if oidx[i] < oidx[j]:
                    i += 1
                elif oidx[i] > oidx[j]:
                    j += 1
                else:
                    c += 1
                    i += 1
                    j += 1
        per[u + 1] = c
    start = np.cumsum(per)
    out = np.empty((start[n], 3), dtype=np.int64)
    for u in nb.prange(n):
        pos = start[u]
        for a in range(optr[u], optr[u + 1]):
            v = oidx[a]
            i = optr[u]
            j = optr[v]
            while i < optr[u + 1] and j < optr[v + 1]:
                if oidx[i] < oidx[j]:
                    i += 1
                elif oidx[i] > oidx[j]:
                    j += 1
                else:
                    w = oidx[i]
                    a0, a1, a2 = u, v, w
                    if a0 > a1:
                        a0, a1 = a1, a0
                    if a1 > a2:
                        a1, a2 = a2, a1
                    if a0 > a1:
                        a0, a1 = a1, a0
                    out[pos, 0] = a0
                    out[pos, 1] = a1
                    out[pos, 2] = a2
                    pos += 1
                    i += 1
                    j += 1
    return out
