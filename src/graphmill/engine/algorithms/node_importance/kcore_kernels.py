# mypy: disable-error-code="no-untyped-def"
"""Compiled k-core peeling."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def _peel(deg, bins, pos, vert, u, dv):
    if deg[u] > dv:
        du = deg[u]
        pu = pos[u]
        pw = bins[du]
        w = vert[pw]
        if u != w:
            pos[u] = pw
            vert[pu] = w
            pos[w] = pu
            vert[pw] = u
        bins[du] += 1
        deg[u] -= 1


@nb.njit(**OPTS)
def core_numbers_csr(optr, oidx, iptr, iidx, use_in):
    """Core numbers of the undirected multigraph given by out- (and, with ``use_in``, in-) lists.

    Every stored edge copy counts once for each endpoint; self-loops are ignored.
    Batagelj–Zaversnik bucket peeling, O(n + m).
    """
    n = optr.shape[0] - 1
    deg = np.zeros(n, dtype=np.int64)
    for v in range(n):
        for k in range(optr[v], optr[v + 1]):
            if oidx[k] != v:
                deg[v] += 1
        if use_in:
            for k in range(iptr[v], iptr[v + 1]):
                if iidx[k] != v:
                    deg[v] += 1
    md = 0
    for v in range(n):
        if deg[v] > md:
            md = deg[v]
    bins = np.zeros(md + 2, dtype=np.int64)
    for v in range(n):
        bins[deg[v]] += 1
    start = 0
    for d in range(md + 1):
        num = bins[d]
        bins[d] = start
        start += num
    pos = np.empty(n, dtype=np.int64)
    vert = np.empty(n, dtype=np.int64)
    for v in range(n):
        pos[v] = bins[deg[v]]
        vert[pos[v]] = v
        bins[deg[v]] += 1
    for d in range(md, 0, -1):
        bins[d] = bins[d - 1]
    bins[0] = 0
    for i in range(n):
        v = vert[i]
        dv = deg[v]
        for k in range(optr[v], optr[v + 1]):
            if oidx[k] != v:
                _peel(deg, bins, pos, vert, oidx[k], dv)
        if use_in:
            for k in range(iptr[v], iptr[v + 1]):
                if iidx[k] != v:
                    _peel(deg, bins, pos, vert, iidx[k], dv)
    return deg
