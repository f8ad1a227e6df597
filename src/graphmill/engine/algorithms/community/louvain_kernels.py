# mypy: disable-error-code="no-untyped-def"
"""Compiled Louvain local moving and the graph aggregation Louvain and InfoMap share."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def neighbour_groups(v, ptr, idx, w, group, visit, slot_of, touched, acc):
    """Sum the weights of ``v``'s adjacency entries by the neighbour's group; returns the count.

    Self-loops are skipped.  The groups met go to ``touched[:nt]`` in order of first
    appearance and their sums to ``acc[:nt]`` (added in adjacency order, as a per-group
    array would); ``slot_of[g] = visit << 32 | t`` marks group ``g``'s slot for this visit,
    so nothing needs clearing afterwards and each entry costs one random access.
    """
    key = np.int64(visit) << 32
    nt = 0
    for e in range(ptr[v], ptr[v + 1]):
        u = idx[e]
        if u == v:
            continue
        c = group[u]
        s = slot_of[c]
        if (s >> 32) == visit:
            acc[s & 0xFFFFFFFF] += w[e]
        else:
            slot_of[c] = key | nt
            touched[nt] = c
            acc[nt] = w[e]
            nt += 1
    return nt


@nb.njit(inline="always", **OPTS)
def group_sum(g, visit, slot_of, acc):
    """The sum ``neighbour_groups`` gave group ``g`` on this visit (0.0 if no neighbour is in it)."""
    s = slot_of[g]
    return acc[s & 0xFFFFFFFF] if (s >> 32) == visit else 0.0


@nb.njit(inline="always", **OPTS)
def next_visit(visit, slot_of):
    """The next visit number, restarting (and clearing the slots) before ``visit << 32`` overflows."""
    if visit >= 1 << 30:
        slot_of[:] = -1
        return 1
    return visit + 1


@nb.njit(**OPTS)
def group_scratch(n):
    """(slot_of, touched, acc) for ``neighbour_groups`` over ``n`` groups."""
    return np.full(n, -1, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float64)


@nb.njit(**OPTS)
def louvain_move(ptr, idx, w, k, two_m, order, max_sweeps):
    """Louvain phase 1 on a symmetric weighted graph (sequential, in ``order``).

    Returns ``(community, sweeps, moves)``; a vertex moves only on a strict modularity
    gain.  After the first sweep only vertices with a neighbour that moved are revisited.
    """
    n = ptr.shape[0] - 1
    comm = np.arange(n).astype(idx.dtype)
    tot = k.copy()
    slot_of, touched, acc = group_scratch(n)
    active = np.ones(n, dtype=np.bool_)
    nxt = np.zeros(n, dtype=np.bool_)
    total_moves = 0
    sweeps = 0
    visit = 0
    for _sweep in range(max_sweeps):
        sweeps += 1
        moves = 0
        for oi in range(n):
            v = order[oi]
            if not active[v]:
                continue
            active[v] = False
            visit = next_visit(visit, slot_of)
            nt = neighbour_groups(v, ptr, idx, w, comm, visit, slot_of, touched, acc)
            cv = comm[v]
            kv = k[v]
            tot[cv] -= kv
            best = cv
            best_gain = group_sum(cv, visit, slot_of, acc) - tot[cv] * kv / two_m
            for t in range(nt):
                c = touched[t]
                gain = acc[t] - tot[c] * kv / two_m
                if gain > best_gain + 1e-12 * max(1.0, abs(best_gain)):
                    best = c
                    best_gain = gain
            tot[best] += kv
            comm[v] = best
            if best != cv:
                moves += 1
                for e in range(ptr[v], ptr[v + 1]):
                    nxt[idx[e]] = True
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
