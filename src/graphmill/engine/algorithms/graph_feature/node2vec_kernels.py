# mypy: disable-error-code="no-untyped-def"
"""Compiled Node2Vec walks (second-order, rejection sampling)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, hash4, mix64, nb, unit

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def _has_edge(ptr, idx, a, b):
    lo = ptr[a]
    hi = ptr[a + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if idx[mid] < b:
            lo = mid + 1
        else:
            hi = mid
    return lo < ptr[a + 1] and idx[lo] == b


@nb.njit(inline="always", **OPTS)
def _pick(ptr, idx, cumw, weighted, v, r):
    lo = ptr[v]
    hi = ptr[v + 1]
    if not weighted:
        return idx[lo + min(int(r * (hi - lo)), hi - lo - 1)]
    base = cumw[lo - 1] if lo > 0 else 0.0
    target = base + r * (cumw[hi - 1] - base)
    a = lo
    b = hi - 1
    while a < b:
        mid = (a + b) // 2
        if cumw[mid] <= target:
            a = mid + 1
        else:
            b = mid
    return idx[a]


@nb.njit(parallel=True, **OPTS)
def node2vec_walks(ptr, idx, cumw, weighted, starts, length, p, q, seed, epoch):
    """Second-order biased walks (node2vec, rejection sampling); ``-1`` pads a walk that ends early."""
    nw = starts.shape[0]
    out = np.full((nw, length), -1, dtype=np.int64)
    inv_p = 1.0 / p
    inv_q = 1.0 / q
    amax = max(inv_p, 1.0, inv_q)
    for wi in nb.prange(nw):
        v = starts[wi]
        out[wi, 0] = v
        prev = -1
        for s in range(1, length):
            if ptr[v + 1] == ptr[v]:
                break
            attempt = 0
            while True:
                h = hash4(seed, epoch * nw + wi, s, attempt)
                x = _pick(ptr, idx, cumw, weighted, v, unit(h))
                if prev < 0:
                    break
                if x == prev:
                    alpha = inv_p
                elif _has_edge(ptr, idx, prev, x):
                    alpha = 1.0
                else:
                    alpha = inv_q
                if unit(mix64(h)) * amax < alpha:
                    break
                attempt += 1
            out[wi, s] = x
            prev = v
            v = x
    return out
