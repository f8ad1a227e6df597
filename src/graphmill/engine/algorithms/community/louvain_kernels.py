# mypy: disable-error-code="no-untyped-def"
"""Compiled Louvain local moving and the graph aggregation Louvain and InfoMap share."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def _tally(g, weight, key, visit, slot_of, touched, acc, nt):
    """Add ``weight`` to group ``g``'s slot of this visit (opening the slot at ``nt`` if new); the new count."""
    s = slot_of[g]
    if (s >> 32) == visit:
        acc[s & 0xFFFFFFFF] += weight
        return nt
    slot_of[g] = key | nt
    touched[nt] = g
    acc[nt] = weight
    return nt + 1


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
        if u != v:
            nt = _tally(group[u], w[e], key, visit, slot_of, touched, acc, nt)
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


#: Sweeps over at least this many active vertices decide their moves in parallel; smaller
#: ones run sequentially (a parallel launch per chunk would cost more than it saves).
PARALLEL_ACTIVE = 2048
#: A parallel sweep is cut into this many chunks of its active vertices, in sweep order
#: (more chunks: decisions see fresher state, but every chunk is one wait for all threads,
#: which costs most on a loaded machine).
CHUNKS = 16
#: A chunk with fewer adjacency entries than this is decided by the calling thread alone.
PARALLEL_ENTRIES = 1 << 18


@nb.njit(inline="always", **OPTS)
def best_community(v, ptr, idx, w, k, comm, tot, size, two_m, visit, slot_of, touched, acc, guard):
    """The community ``v`` should join (its own if no strict modularity gain), given ``comm``/``tot``.

    ``tot`` includes ``v``'s own strength in its community.  With ``guard`` (moves decided
    side by side on one snapshot), a vertex alone in its community does not join another
    lone vertex with a larger community id, so two lone neighbours cannot swap.
    """
    nt = neighbour_groups(v, ptr, idx, w, comm, visit, slot_of, touched, acc)
    cv = comm[v]
    share = k[v] / two_m
    best = cv
    best_gain = group_sum(cv, visit, slot_of, acc) - (tot[cv] - k[v]) * share
    bar = best_gain + 1e-12 * max(1.0, abs(best_gain))
    for t in range(nt):
        gain = acc[t] - tot[touched[t]] * share
        if gain > bar and touched[t] != cv:
            best = touched[t]
            best_gain = gain
            bar = best_gain + 1e-12 * max(1.0, abs(best_gain))
    if guard and best > cv and size[cv] == 1 and size[best] == 1:
        return cv
    return best


@nb.njit(inline="always", **OPTS)
def _cut(cum, lo, hi, b, blocks):
    """Start of block ``b`` of ``blocks`` over active positions ``[lo, hi)``, split by adjacency entries."""
    if b == 0:
        return lo
    if b == blocks:
        return hi
    goal = cum[lo] + (cum[hi] - cum[lo]) * b // blocks
    return max(lo, min(hi, np.searchsorted(cum[lo : hi + 1], goal) + lo))


@nb.njit(**OPTS)
def _decide_block(active, lo, hi, graph, state, target, visit, slot_of, touched, acc):
    """``target[i]`` for ``active[lo:hi]`` with one scratch (see ``_sweep``); returns the last visit."""
    ptr, idx, w, k, two_m = graph
    comm, tot, size = state
    for i in range(lo, hi):
        visit = next_visit(visit, slot_of)
        target[i] = best_community(
            active[i], ptr, idx, w, k, comm, tot, size, two_m, visit, slot_of, touched, acc, True
        )
    return visit


@nb.njit(parallel=True, **OPTS)
def _decide(active, cum, lo, hi, graph, state, target, visits, slot_of, touched, acc):
    """``_decide_block`` for ``active[lo:hi]`` split over thread blocks by adjacency entries."""
    blocks = visits.shape[0]
    for b in nb.prange(blocks):
        a = _cut(cum, lo, hi, b, blocks)
        z = _cut(cum, lo, hi, b + 1, blocks)
        visits[b] = _decide_block(
            active, a, z, graph, state, target, visits[b], slot_of[b], touched[b], acc[b]
        )


@nb.njit(inline="always", **OPTS)
def _join(v, c, k, comm, tot, size):
    """Move ``v`` into community ``c``; True if it changed community."""
    cv = comm[v]
    if c == cv:
        return False
    tot[cv] -= k[v]
    tot[c] += k[v]
    size[cv] -= 1
    size[c] += 1
    comm[v] = c
    return True


@nb.njit(inline="always", **OPTS)
def _wake_one(v, ptr, idx, comm, flag):
    """Flag every neighbour of moved vertex ``v`` that is not in ``v``'s (new) community."""
    c = comm[v]
    for e in range(ptr[v], ptr[v + 1]):
        if comm[idx[e]] != c:
            flag[idx[e]] = True


@nb.njit(parallel=True, **OPTS)
def _wake(movers, count, ptr, idx, comm, flag):
    """``_wake_one`` for every mover, on all threads."""
    for i in nb.prange(count):
        _wake_one(movers[i], ptr, idx, comm, flag)


@nb.njit(**OPTS)
def _gather(order, flag, ptr, active, cum):
    """The flagged vertices in ``order`` into ``active`` (flags cleared), ``cum`` = their degree prefix."""
    na = 0
    for oi in range(order.shape[0]):
        v = order[oi]
        if flag[v]:
            flag[v] = False
            active[na] = v
            cum[na + 1] = cum[na] + ptr[v + 1] - ptr[v]
            na += 1
    return na


@nb.njit(**OPTS)
def _sweep(na, active, cum, graph, state, scratch, target, movers, chunks, min_parallel):
    """One local-moving sweep over ``active[:na]``; returns the number of moves (movers listed).

    Few active vertices: one at a time, each decision seeing every earlier move.  Many:
    ``chunks`` chunks in sweep order, each chunk's moves decided (in parallel when the chunk
    is large) on the state left by the chunks before it and then applied in order, so the
    result does not depend on the thread count.
    ``graph`` is ``(ptr, idx, w, k, two_m)``, ``state`` ``(comm, tot, size)`` and
    ``scratch`` what ``block_scratch`` returns.
    """
    ptr, idx, w, k, two_m = graph
    comm, tot, size = state
    visits, slot_of, touched, acc = scratch
    moves = 0
    if na < PARALLEL_ACTIVE:
        for i in range(na):
            v = active[i]
            visits[0] = next_visit(visits[0], slot_of[0])
            c = best_community(
                v, ptr, idx, w, k, comm, tot, size, two_m, visits[0], slot_of[0], touched[0], acc[0], False
            )
            if _join(v, c, k, comm, tot, size):
                movers[moves] = v
                moves += 1
        return moves
    for j in range(chunks):
        lo = na * j // chunks
        hi = na * (j + 1) // chunks
        if visits.shape[0] > 1 and cum[hi] - cum[lo] >= min_parallel:
            _decide(active, cum, lo, hi, graph, state, target, visits, slot_of, touched, acc)
        else:  # the same decisions, without waking the other threads for a small chunk
            visits[0] = _decide_block(
                active, lo, hi, graph, state, target, visits[0], slot_of[0], touched[0], acc[0]
            )
        for i in range(lo, hi):
            if _join(active[i], target[i], k, comm, tot, size):
                movers[moves] = active[i]
                moves += 1
    return moves


@nb.njit(**OPTS)
def louvain_move(ptr, idx, w, k, two_m, order, max_sweeps, blocks, min_parallel=PARALLEL_ENTRIES):
    """Louvain phase 1 on a symmetric weighted graph, in ``order``; ``blocks`` threads for
    chunks of at least ``min_parallel`` adjacency entries.

    Returns ``(community, sweeps, moves)``; a vertex moves only on a strict modularity
    gain (see ``_sweep`` for how a sweep is split).  After the first sweep only the
    neighbours of moved vertices that are outside the mover's new community are revisited.
    """
    n = ptr.shape[0] - 1
    comm = np.arange(n).astype(idx.dtype)
    tot = k.copy()
    size = np.ones(n, dtype=idx.dtype)
    graph = (ptr, idx, w, k, two_m)
    state = (comm, tot, size)
    scratch = block_scratch(blocks, n, idx.dtype)
    flag = np.ones(n, dtype=np.bool_)
    active = np.empty(n, dtype=np.int64)
    cum = np.zeros(n + 1, dtype=np.int64)
    target = np.empty(n, dtype=idx.dtype)
    movers = np.empty(n, dtype=np.int64)
    total_moves = 0
    sweeps = 0
    for _sweep_no in range(max_sweeps):
        na = _gather(order, flag, ptr, active, cum)
        if na == 0:
            break
        sweeps += 1
        moves = _sweep(na, active, cum, graph, state, scratch, target, movers, CHUNKS, min_parallel)
        total_moves += moves
        if moves == 0:
            break
        if blocks > 1 and moves >= PARALLEL_ACTIVE:
            _wake(movers, moves, ptr, idx, comm, flag)
        else:
            for i in range(moves):
                _wake_one(movers[i], ptr, idx, comm, flag)
    return comm, sweeps, total_moves


@nb.njit(inline="always", **OPTS)
def _community_groups(c, start, members, ptr, idx, w, comm, visit, slot_of, touched, acc):
    """``neighbour_groups`` for all members of community ``c`` together, self-loops included."""
    key = np.int64(visit) << 32
    nt = 0
    for mi in range(start[c], start[c + 1]):
        v = members[mi]
        for e in range(ptr[v], ptr[v + 1]):
            nt = _tally(comm[idx[e]], w[e], key, visit, slot_of, touched, acc, nt)
    return nt


@nb.njit(**OPTS)
def _rows_block(
    lo, hi, start, members, ptr, idx, w, comm, nptr, write, nidx, nwt, visit, slot_of, touched, acc
):
    """``_community_rows`` for communities ``lo..hi-1`` with one scratch; returns the last visit."""
    for c in range(lo, hi):
        visit = next_visit(visit, slot_of)
        nt = _community_groups(c, start, members, ptr, idx, w, comm, visit, slot_of, touched, acc)
        if not write:
            nptr[c + 1] = nt
            continue
        pos = nptr[c]
        for d in np.sort(touched[:nt]):
            nidx[pos] = d
            nwt[pos] = group_sum(d, visit, slot_of, acc)
            pos += 1
    return visit


@nb.njit(parallel=True, **OPTS)
def _community_rows_parallel(
    start, members, ptr, idx, w, comm, cum, nptr, write, nidx, nwt, visits, slot_of, touched, acc
):
    """Per community, its distinct neighbour communities: counted into ``nptr[c + 1]``, or
    with ``write`` stored sorted, with summed weights, from ``nptr[c]``; thread blocks."""
    ncomm = start.shape[0] - 1
    blocks = visits.shape[0]
    for b in nb.prange(blocks):
        lo = _cut(cum, 0, ncomm, b, blocks)
        hi = _cut(cum, 0, ncomm, b + 1, blocks)
        visits[b] = _rows_block(
            lo,
            hi,
            start,
            members,
            ptr,
            idx,
            w,
            comm,
            nptr,
            write,
            nidx,
            nwt,
            visits[b],
            slot_of[b],
            touched[b],
            acc[b],
        )


@nb.njit(**OPTS)
def block_scratch(blocks, n, dtype):
    """(visits, slot_of, touched, acc): one ``neighbour_groups`` scratch per thread block, as rows."""
    return (
        np.zeros(blocks, dtype=np.int64),
        np.full((blocks, n), -1, dtype=np.int64),
        np.empty((blocks, n), dtype=dtype),
        np.empty((blocks, n), dtype=np.float64),
    )


@nb.njit(**OPTS)
def _community_rows(
    start, members, ptr, idx, w, comm, cum, nptr, write, nidx, nwt, visits, slot_of, touched, acc
):
    """``_community_rows_parallel``, or with one block the same work in the calling thread."""
    if visits.shape[0] > 1:
        _community_rows_parallel(
            start, members, ptr, idx, w, comm, cum, nptr, write, nidx, nwt, visits, slot_of, touched, acc
        )
        return
    ncomm = start.shape[0] - 1
    rows = (start, members, ptr, idx, w, comm, nptr, write, nidx, nwt)
    visits[0] = _rows_block(0, ncomm, *rows, visits[0], slot_of[0], touched[0], acc[0])


@nb.njit(**OPTS)
def aggregate(ptr, idx, w, comm, ncomm, blocks, min_parallel=PARALLEL_ENTRIES):
    """Community graph: one node per community, edge weights summed (self-loops = internal).

    Rows are sorted; each weight is summed in member order, then adjacency order.  Two
    passes over the communities on ``blocks`` threads (count, then fill; one thread below
    ``min_parallel`` adjacency entries) so the arrays are allocated at their final size.
    """
    n = ptr.shape[0] - 1
    start = np.zeros(ncomm + 1, dtype=np.int64)
    cum = np.zeros(ncomm + 1, dtype=np.int64)
    for v in range(n):
        start[comm[v] + 1] += 1
        cum[comm[v] + 1] += ptr[v + 1] - ptr[v]
    start = np.cumsum(start)
    cum = np.cumsum(cum)
    members = np.empty(n, dtype=np.int64)
    fill = start[:-1].copy()
    for v in range(n):
        members[fill[comm[v]]] = v
        fill[comm[v]] += 1
    nptr = np.zeros(ncomm + 1, dtype=np.int64)
    if ptr[n] < min_parallel:
        blocks = 1  # one thread: no wake-up of the others for a small graph
    visits, slot_of, touched, acc = block_scratch(blocks, ncomm, np.int64)
    _community_rows(
        start, members, ptr, idx, w, comm, cum, nptr, False, nptr[:0], w[:0], visits, slot_of, touched, acc
    )
    nptr = np.cumsum(nptr)
    nidx = np.empty(nptr[ncomm], dtype=np.int64)
    nwt = np.empty(nptr[ncomm], dtype=np.float64)
    _community_rows(
        start, members, ptr, idx, w, comm, cum, nptr, True, nidx, nwt, visits, slot_of, touched, acc
    )
    return nptr, nidx, nwt
