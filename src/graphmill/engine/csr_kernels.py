# mypy: disable-error-code="no-untyped-def"
"""Compiled CSR construction kernels: the in-CSR transpose.

Imported lazily (numba loads on first use); see :mod:`graphmill.engine._numba`."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
def transpose(indptr, indices, in_degree):
    """In-CSR of an out-CSR by counting sort: ``(in_ptr, sources, edge_ids)``; rows sorted by source."""
    n = indptr.shape[0] - 1
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        in_ptr[v + 1] = in_ptr[v] + in_degree[v]
    pos = in_ptr[:n].copy()
    m = indices.shape[0]
    sources = np.empty(m, dtype=indices.dtype)
    edge_ids = np.empty(m, dtype=np.int64)
    for u in range(n):
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            p = pos[v]
            sources[p] = u
            edge_ids[p] = k
            pos[v] = p + 1
    return in_ptr, sources, edge_ids
