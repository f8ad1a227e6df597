# mypy: disable-error-code="no-untyped-def"
"""Compiled Louvain local moving and the graph aggregation Louvain and InfoMap share."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
def louvain_move(ptr, idx, w, k, two_m, order, max_sweeps):
    """Louvain phase 1 on a symmetric weighted graph (sequential, in ``order``).

    Returns ``(community, sweeps, moves)``; a vertex moves only on a strict modularity
    gain.  After the first sweep only vertices with a neighbour that moved are revisited.
    """
    n = ptr.shape[0] - 1
    comm = np.arange(n)
    tot = k.copy()
    nw = np.zeros(n, dtype=np.float64)
    seen = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    active = np.ones(n, dtype=np.bool_)
    nxt = np.zeros(n, dtype=np.bool_)
    total_moves = 0
    sweeps = 0
    for _sweep in range(max_sweeps):
        sweeps += 1
        moves = 0
        for oi in range(n):
            v = order[oi]
            if not active[v]:
                continue
            active[v] = False
            cv = comm[v]
            nt = 0
            for e in range(ptr[v], ptr[v + 1]):
                u = idx[e]
                if u == v:
                    continue
                c = comm[u]
                if not seen[c]:
                    seen[c] = True
                    touched[nt] = c
                    nt += 1
                nw[c] += w[e]
            kv = k[v]
            tot[cv] -= kv
            best = cv
            best_gain = nw[cv] - tot[cv] * kv / two_m
            for t in range(nt):
                c = touched[t]
                gain = nw[c] - tot[c] * kv / two_m
                if gain > best_gain + 1e-12 * max(1.0, abs(best_gain)):
                    best = c
                    best_gain = gain
            tot[best] += kv
            comm[v] = best
            if best != cv:
                moves += 1
                for e in range(ptr[v], ptr[v + 1]):
                    nxt[idx[e]] = True
            for t in range(nt):
                c = touched[t]
                nw[c] = 0.0
                seen[c] = False
        total_moves += moves
        if moves == 0:
            break
        active, nxt = nxt, active
    return comm, sweeps, total_moves


@nb.njit(**OPTS)
def aggregate(ptr, idx, w, comm, ncomm):
    """Community graph: one node per community, edge weights summed (self-loops = internal)."""
    n = ptr.shape[0] - 1
    count = np.zeros(ncomm + 1, dtype=np.int64)
    for v in range(n):
        count[comm[v] + 1] += 1
    start = np.cumsum(count)
    members = np.empty(n, dtype=np.int64)
    fill = start[:-1].copy()
    for v in range(n):
        c = comm[v]
        members[fill[c]] = v
        fill[c] += 1
    nptr = np.zeros(ncomm + 1, dtype=np.int64)
    nidx = np.empty(ptr[n], dtype=np.int64)
    nwt = np.empty(ptr[n], dtype=np.float64)
    acc = np.zeros(ncomm, dtype=np.float64)
    seen = np.zeros(ncomm, dtype=np.bool_)
    touched = np.empty(ncomm, dtype=np.int64)
    pos = 0
    for c in range(ncomm):
        nt = 0
        for mi in range(start[c], start[c + 1]):
            v = members[mi]
            for e in range(ptr[v], ptr[v + 1]):
                d = comm[idx[e]]
                if not seen[d]:
                    seen[d] = True
                    touched[nt] = d
                    nt += 1
                acc[d] += w[e]
        tl = np.sort(touched[:nt])
        for t in range(nt):
            d = tl[t]
            nidx[pos] = d
            nwt[pos] = acc[d]
            pos += 1
            acc[d] = 0.0
            seen[d] = False
        nptr[c + 1] = pos
    return nptr, nidx[:pos].copy(), nwt[:pos].copy()
