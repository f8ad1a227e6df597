# mypy: disable-error-code="no-untyped-def"
"""Compiled kernels of the shared graph views: the simple undirected view, its
orientation by rank, and the smallest member of each class."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(parallel=True, **OPTS)
def undirected_view(n, optr, oidx, ow, iptr, iidx, iw, use_in, keep_self):
    """Merge out- and in-neighbours into one sorted, duplicate-free undirected adjacency.

    Returns ``(ptr, idx, code, mult, wsum)`` per undirected neighbour ``x`` of ``v``:
    ``code`` bit 0 = an edge v->x is stored, bit 1 = an edge x->v is stored; ``mult`` =
    stored copies (v->x plus, when ``use_in``, x->v); ``wsum`` = their summed weights.
    ``use_in=False`` (graph stored with reverse edges) reads the out side only and sets
    both code bits.
    """
    cnt = np.zeros(n + 1, dtype=np.int64)
    for v in nb.prange(n):
        a = optr[v]
        ae = optr[v + 1]
        b = iptr[v] if use_in else 0
        be = iptr[v + 1] if use_in else 0
        last = -1
        c = 0
        while a < ae or b < be:
            if b >= be or (a < ae and oidx[a] <= iidx[b]):
                x = oidx[a]
                a += 1
            else:
                x = iidx[b]
                b += 1
            if x == v and not keep_self:
                continue
            if x != last:
                c += 1
                last = x
        cnt[v + 1] = c
    ptr = np.cumsum(cnt)
    total = ptr[n]
    idx = np.empty(total, dtype=oidx.dtype)
    code = np.zeros(total, dtype=np.uint8)
    mult = np.zeros(total, dtype=np.int64)
    wsum = np.zeros(total, dtype=np.float64)
    for v in nb.prange(n):
        a = optr[v]
        ae = optr[v + 1]
        b = iptr[v] if use_in else 0
        be = iptr[v + 1] if use_in else 0
        pos = ptr[v] - 1
        last = -1
        while a < ae or b < be:
            if b >= be or (a < ae and oidx[a] <= iidx[b]):
                x = oidx[a]
                bit = np.uint8(1) if use_in else np.uint8(3)
                wt = ow[a]
                a += 1
            else:
                x = iidx[b]
                bit = np.uint8(2)
                wt = iw[b]
                b += 1
            if x == v and not keep_self:
                continue
            if x != last:
                pos += 1
                idx[pos] = x
                last = x
            code[pos] |= bit
            mult[pos] += 1
            wsum[pos] += wt
    return ptr, idx, code, mult, wsum


@nb.njit(parallel=True, **OPTS)
def orient(ptr, idx, code, mult, rank):
    """Keep each undirected edge once, from the endpoint of lower ``rank`` (rows stay sorted)."""
    n = ptr.shape[0] - 1
    cnt = np.zeros(n + 1, dtype=np.int64)
    for v in nb.prange(n):
        c = 0
        for k in range(ptr[v], ptr[v + 1]):
            if rank[idx[k]] > rank[v]:
                c += 1
        cnt[v + 1] = c
    optr = np.cumsum(cnt)
    oidx = np.empty(optr[n], dtype=idx.dtype)
    ocode = np.empty(optr[n], dtype=np.uint8)
    omult = np.empty(optr[n], dtype=np.int64)
    for v in nb.prange(n):
        pos = optr[v]
        for k in range(ptr[v], ptr[v + 1]):
            if rank[idx[k]] > rank[v]:
                oidx[pos] = idx[k]
                ocode[pos] = code[k]
                omult[pos] = mult[k]
                pos += 1
    return optr, oidx, ocode, omult


@nb.njit(**OPTS)
def min_member(labels, count):
    """Per vertex, the smallest vertex index sharing its label (labels in ``0..count-1``)."""
    n = labels.shape[0]
    first = np.full(count, -1, dtype=np.int64)
    out = np.empty(n, dtype=np.int64)
    for v in range(n):
        c = labels[v]
        if first[c] < 0:
            first[c] = v
        out[v] = first[c]
    return out
