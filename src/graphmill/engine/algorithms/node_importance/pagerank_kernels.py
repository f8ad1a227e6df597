# mypy: disable-error-code="no-untyped-def"
"""Compiled PageRank iterations: pull over the in-CSR and push over the out-CSR."""

from __future__ import annotations

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(parallel=True, **OPTS)
def pagerank_step(in_ptr, in_src, inv_out, rank, contrib, damping, base, out):
    """One pull iteration ``out[v] = base + d * sum_{u->v} rank[u] * inv_out[u]``; returns the L1 change."""
    n = rank.shape[0]
    for v in nb.prange(n):
        contrib[v] = rank[v] * inv_out[v]
    delta = 0.0
    for v in nb.prange(n):
        s = 0.0
        for k in range(in_ptr[v], in_ptr[v + 1]):
            s += contrib[in_src[k]]
        x = base + damping * s
        out[v] = x
        delta += abs(x - rank[v])
    return delta


@nb.njit(parallel=True, **OPTS)
def pagerank_push(indptr, indices, bounds, inv_out, rank, acc, damping, base, out):
    """One push iteration over the out-CSR (no transpose needed); returns the L1 change.

    Block ``b`` scatters ``rank[u] * inv_out[u]`` of the sources ``bounds[b]..bounds[b+1]``
    into its own row ``acc[b]``; the rows are then summed in block order, so the result
    does not depend on thread scheduling.
    """
    nb_ = bounds.shape[0] - 1
    n = rank.shape[0]
    for b in nb.prange(nb_):
        row = acc[b]
        for v in range(n):
            row[v] = 0.0
        for u in range(bounds[b], bounds[b + 1]):
            c = rank[u] * inv_out[u]
            for k in range(indptr[u], indptr[u + 1]):
                row[indices[k]] += c
    delta = 0.0
    for v in nb.prange(n):
        s = 0.0
        for b in range(nb_):
            s += acc[b, v]
        x = base + damping * s
        out[v] = x
        delta += abs(x - rank[v])
    return delta
