# mypy: disable-error-code="no-untyped-def"
"""Compiled (numba) kernels for the algorithms no library offers with NA semantics.

Imported lazily by the algorithm modules (``from graphmill.engine.algorithms import
_kernels`` inside a run function), so importing the registry never loads numba.  Every
kernel is ``cache=True`` (compiled once per machine, then loaded from numba's cache) and
works on plain CSR arrays.  ``parallel=True`` kernels split vertices or sources over the
cores with ``prange``; their results do not depend on the thread count (per-thread
accumulators are summed at the end; random choices come from a counter-based hash, not
from a shared generator).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

nb: Any = numba  # kernels are untyped for mypy (numba's stubs cannot type @njit(**options))

__all__: list[str] = []

_OPTS: dict[str, Any] = {"cache": True, "nogil": True}

# -- hashing (deterministic randomness independent of threads) ------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@nb.njit(inline="always", **_OPTS)
def mix64(x):
    """splitmix64 finaliser of a uint64."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(inline="always", **_OPTS)
def hash4(seed, a, b, c):
    """A 64-bit hash of four integers."""
    h = mix64(np.uint64(seed))
    h = mix64(h ^ np.uint64(a))
    h = mix64(h ^ np.uint64(b))
    return mix64(h ^ np.uint64(c))


@nb.njit(inline="always", **_OPTS)
def unit(h):
    """A uniform double in [0, 1) from a 64-bit hash."""
    return np.float64(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# -- PageRank ------------------------------------------------------------------------------------


@nb.njit(parallel=True, **_OPTS)
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


# -- simple undirected view ------------------------------------------------------------------


@nb.njit(parallel=True, **_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
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


# -- triangles ---------------------------------------------------------------------------------


@nb.njit(inline="always", **_OPTS)
def _pop2(c):
    return (c & 1) + ((c >> 1) & 1)


@nb.njit(parallel=True, **_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
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


# -- label propagation ------------------------------------------------------------------------


@nb.njit(inline="always", **_OPTS)
def _argbest(labs, scores, cnt, acc, seen, seed, v, it, random_ties):
    """Label with the highest summed score among ``labs[:cnt]`` (ties: smallest or hashed).

    ``acc``/``seen`` are per-thread scratch arrays indexed by label (left clean on return).
    """
    for i in range(cnt):
        acc[labs[i]] += scores[i]
    best = -1
    best_s = 0.0
    best_h = np.uint64(0)
    for i in range(cnt):
        lab = labs[i]
        if seen[lab]:
            continue
        seen[lab] = True
        s = acc[lab]
        if best < 0 or s > best_s + 1e-12 * abs(best_s):
            best = lab
            best_s = s
            if random_ties:
                best_h = hash4(seed, v, it, lab)
        elif abs(s - best_s) <= 1e-12 * abs(best_s):
            if random_ties:
                h = hash4(seed, v, it, lab)
                if h < best_h:
                    best = lab
                    best_h = h
            elif lab < best:
                best = lab
    for i in range(cnt):
        acc[labs[i]] = 0.0
        seen[labs[i]] = False
    return best


@nb.njit(parallel=True, **_OPTS)
def label_round(optr, oidx, ow, iptr, iidx, iw, use_in, labels, random_ties, seed, it, out, acc_t, seen_t):
    """One synchronous LPA round; returns the number of vertices whose label changed.

    A vertex scores each label by the summed weight of its neighbours carrying it (out-
    and, with ``use_in``, in-neighbours; a reciprocal neighbour counts twice) and takes
    the best; ties go to the smallest label or, with ``random_ties``, to the label of
    smallest ``hash(seed, v, it, label)``.  No neighbours: label kept.
    """
    n = labels.shape[0]
    changed = 0
    chunk = 256
    nchunks = (n + chunk - 1) // chunk
    for ci in nb.prange(nchunks):
        acc = acc_t[nb.get_thread_id()]
        seen = seen_t[nb.get_thread_id()]
        labs = np.empty(16, dtype=labels.dtype)
        scores = np.empty(16, dtype=np.float64)
        for v in range(ci * chunk, min(n, (ci + 1) * chunk)):
            d = optr[v + 1] - optr[v]
            if use_in:
                d += iptr[v + 1] - iptr[v]
            if d == 0:
                out[v] = labels[v]
                continue
            if d > labs.shape[0]:
                labs = np.empty(2 * d, dtype=labels.dtype)
                scores = np.empty(2 * d, dtype=np.float64)
            c = 0
            for k in range(optr[v], optr[v + 1]):
                labs[c] = labels[oidx[k]]
                scores[c] = ow[k]
                c += 1
            if use_in:
                for k in range(iptr[v], iptr[v + 1]):
                    labs[c] = labels[iidx[k]]
                    scores[c] = iw[k]
                    c += 1
            best = _argbest(labs, scores, c, acc, seen, seed, v, it, random_ties)
            out[v] = best
            if best != labels[v]:
                changed += 1
    return changed


@nb.njit(parallel=True, **_OPTS)
def hanp_round(
    optr,
    oidx,
    ow,
    iptr,
    iidx,
    iw,
    use_in,
    labels,
    score,
    degpow,
    hop_att,
    seed,
    it,
    out_l,
    out_s,
    acc_t,
    seen_t,
):
    """One synchronous HANP round (Leung et al.); returns the number of changed labels.

    Neighbour u votes for its label with ``score[u] * degpow[u] * w(u, v)``; the label with
    the highest sum wins (ties hashed by ``seed``); the new score is the largest score
    among the neighbours carrying the winning label minus ``hop_att`` (kept when the
    label does not change).
    """
    n = labels.shape[0]
    changed = 0
    chunk = 256
    nchunks = (n + chunk - 1) // chunk
    for ci in nb.prange(nchunks):
        acc = acc_t[nb.get_thread_id()]
        seen = seen_t[nb.get_thread_id()]
        labs = np.empty(16, dtype=labels.dtype)
        scores = np.empty(16, dtype=np.float64)
        for v in range(ci * chunk, min(n, (ci + 1) * chunk)):
            d = optr[v + 1] - optr[v]
            if use_in:
                d += iptr[v + 1] - iptr[v]
            if d == 0:
                out_l[v] = labels[v]
                out_s[v] = score[v]
                continue
            if d > labs.shape[0]:
                labs = np.empty(2 * d, dtype=labels.dtype)
                scores = np.empty(2 * d, dtype=np.float64)
            c = 0
            for k in range(optr[v], optr[v + 1]):
                u = oidx[k]
                labs[c] = labels[u]
                scores[c] = score[u] * degpow[u] * ow[k]
                c += 1
            if use_in:
                for k in range(iptr[v], iptr[v + 1]):
                    u = iidx[k]
                    labs[c] = labels[u]
                    scores[c] = score[u] * degpow[u] * iw[k]
                    c += 1
            best = _argbest(labs, scores, c, acc, seen, seed, v, it, True)
            out_l[v] = best
            if best == labels[v]:
                out_s[v] = score[v]
                continue
            changed += 1
            mx = -np.inf
            for k in range(optr[v], optr[v + 1]):
                u = oidx[k]
                if labels[u] == best and score[u] > mx:
                    mx = score[u]
            if use_in:
                for k in range(iptr[v], iptr[v + 1]):
                    u = iidx[k]
                    if labels[u] == best and score[u] > mx:
                        mx = score[u]
            out_s[v] = mx - hop_att
    return changed


# -- Louvain / InfoMap local moving and aggregation --------------------------------------------


@nb.njit(**_OPTS)
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


@nb.njit(inline="always", **_OPTS)
def _plogp(x):
    return x * np.log2(x) if x > 0.0 else 0.0


@nb.njit(**_OPTS)
def infomap_move(ptr, idx, f, p, o, order, max_sweeps):
    """Greedy two-level map-equation moves on a symmetric flow graph (sequential).

    ``f`` is the (symmetrised) flow of each adjacency entry, ``p`` node visit rates, ``o``
    node flow to other nodes.  Returns ``(module, sweeps, moves)``.
    """
    n = ptr.shape[0] - 1
    mod = np.arange(n)
    pm = p.copy()
    qm = o.copy()
    sum_q = 0.0
    for i in range(n):
        sum_q += qm[i]
    nw = np.zeros(n, dtype=np.float64)
    seen = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int64)
    total_moves = 0
    sweeps = 0
    for _sweep in range(max_sweeps):
        sweeps += 1
        moves = 0
        for oi in range(n):
            v = order[oi]
            i = mod[v]
            nt = 0
            for e in range(ptr[v], ptr[v + 1]):
                u = idx[e]
                if u == v:
                    continue
                c = mod[u]
                if not seen[c]:
                    seen[c] = True
                    touched[nt] = c
                    nt += 1
                nw[c] += f[e]
            ov = o[v]
            pv = p[v]
            fi = nw[i]
            qi_new = qm[i] - ov + 2.0 * fi
            pi_new = pm[i] - pv
            base_old_i = -2.0 * _plogp(qm[i]) + _plogp(qm[i] + pm[i])
            base_new_i = -2.0 * _plogp(qi_new) + _plogp(qi_new + pi_new)
            best = i
            best_delta = 0.0
            for t in range(nt):
                j = touched[t]
                if j == i:
                    continue
                fj = nw[j]
                qj_new = qm[j] + ov - 2.0 * fj
                pj_new = pm[j] + pv
                sq_new = sum_q - qm[i] - qm[j] + qi_new + qj_new
                delta = (
                    _plogp(sq_new)
                    - _plogp(sum_q)
                    + base_new_i
                    - base_old_i
                    - 2.0 * _plogp(qj_new)
                    + _plogp(qj_new + pj_new)
                    + 2.0 * _plogp(qm[j])
                    - _plogp(qm[j] + pm[j])
                )
                if delta < best_delta - 1e-12:
                    best = j
                    best_delta = delta
            if best != i:
                j = best
                fj = nw[j]
                qj_new = qm[j] + ov - 2.0 * fj
                sum_q = sum_q - qm[i] - qm[j] + qi_new + qj_new
                qm[i] = qi_new
                pm[i] = pi_new
                qm[j] = qj_new
                pm[j] += pv
                mod[v] = j
                moves += 1
            for t in range(nt):
                c = touched[t]
                nw[c] = 0.0
                seen[c] = False
        total_moves += moves
        if moves == 0:
            break
    return mod, sweeps, total_moves


@nb.njit(**_OPTS)
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


# -- BFS-based: betweenness, closeness --------------------------------------------------------


@nb.njit(**_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
def brandes_each(ptr, idx, sources, chosen):
    """Per source: the full dependency vector (rows) — used by the sampled (Bader) mode."""
    n = ptr.shape[0] - 1
    ns = sources.shape[0]
    out = np.zeros((ns, n), dtype=np.float64)
    for si in nb.prange(ns):
        _dependencies(ptr, idx, sources[si], out[si])
    return out


@nb.njit(parallel=True, **_OPTS)
def bfs_distance_sums(ptr, idx, sources, nthreads):
    """Per vertex: sum of hop distances from ``sources`` that reach it, and how many reach it."""
    n = ptr.shape[0] - 1
    total = np.zeros((nthreads, n), dtype=np.float64)
    count = np.zeros((nthreads, n), dtype=np.int64)
    ns = sources.shape[0]
    for si in nb.prange(ns):
        t = nb.get_thread_id()
        s = sources[si]
        dist = np.full(n, -1, dtype=np.int64)
        queue = np.empty(n, dtype=np.int64)
        dist[s] = 0
        queue[0] = s
        head = 0
        tail = 1
        while head < tail:
            v = queue[head]
            head += 1
            for k in range(ptr[v], ptr[v + 1]):
                u = idx[k]
                if dist[u] < 0:
                    dist[u] = dist[v] + 1
                    queue[tail] = u
                    tail += 1
        for i in range(1, tail):
            v = queue[i]
            total[t, v] += dist[v]
            count[t, v] += 1
    s_out = np.zeros(n, dtype=np.float64)
    c_out = np.zeros(n, dtype=np.int64)
    for t in range(nthreads):
        s_out += total[t]
        c_out += count[t]
    return s_out, c_out


# -- node2vec ------------------------------------------------------------------------------------


@nb.njit(inline="always", **_OPTS)
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


@nb.njit(inline="always", **_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
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


# -- Jaccard -----------------------------------------------------------------------------------------


@nb.njit(**_OPTS)
def jaccard_rows(ptr, idx, a, targets, all_targets):
    """Jaccard similarity of vertex ``a`` with ``targets`` (or with every vertex sharing a neighbour)."""
    n = ptr.shape[0] - 1
    mark = np.zeros(n, dtype=np.bool_)
    da = ptr[a + 1] - ptr[a]
    for k in range(ptr[a], ptr[a + 1]):
        mark[idx[k]] = True
    if all_targets:
        common = np.zeros(n, dtype=np.int64)
        cand = np.empty(n, dtype=np.int64)
        nc = 0
        for k in range(ptr[a], ptr[a + 1]):
            x = idx[k]
            for j in range(ptr[x], ptr[x + 1]):
                b = idx[j]
                if b == a:
                    continue
                if common[b] == 0:
                    cand[nc] = b
                    nc += 1
                common[b] += 1
        sel = np.sort(cand[:nc])
        vals = np.empty(nc, dtype=np.float64)
        for i in range(nc):
            b = sel[i]
            db = ptr[b + 1] - ptr[b]
            vals[i] = common[b] / (da + db - common[b])
        return sel, vals
    nt = targets.shape[0]
    vals = np.zeros(nt, dtype=np.float64)
    for i in range(nt):
        b = targets[i]
        db = ptr[b + 1] - ptr[b]
        c = 0
        for k in range(ptr[b], ptr[b + 1]):
            if mark[idx[k]]:
                c += 1
        union = da + db - c
        vals[i] = c / union if union > 0 else 0.0
    return targets, vals


# -- components and labels ------------------------------------------------------------------------


@nb.njit(**_OPTS)
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving
        x = parent[x]
    return x


@nb.njit(**_OPTS)
def weak_min_labels(indptr, indices):
    """Union–find over every edge, always linking the larger root under the smaller.

    The root of each weakly connected component is therefore its smallest vertex index,
    which is the label returned for every vertex.
    """
    n = indptr.shape[0] - 1
    parent = np.arange(n, dtype=np.int64)
    for u in range(n):
        for k in range(indptr[u], indptr[u + 1]):
            a = _find(parent, u)
            b = _find(parent, indices[k])
            if a < b:
                parent[b] = a
            elif b < a:
                parent[a] = b
    for v in range(n):
        parent[v] = _find(parent, v)
    return parent


@nb.njit(**_OPTS)
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


# -- Dijkstra ---------------------------------------------------------------------------------------


@nb.njit(**_OPTS)
def dijkstra(indptr, indices, weights, root):
    """Single-source shortest paths with a binary heap (lazy deletion); parallel edges are fine."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    cap = 1024
    hd = np.empty(cap, dtype=np.float64)
    hv = np.empty(cap, dtype=np.int64)
    size = 0
    dist[root] = 0.0
    hd[0] = 0.0
    hv[0] = root
    size = 1
    while size > 0:
        d = hd[0]
        v = hv[0]
        size -= 1
        if size > 0:  # move last to top and sift down
            ld = hd[size]
            lv = hv[size]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                if c + 1 < size and hd[c + 1] < hd[c]:
                    c += 1
                if hd[c] < ld:
                    hd[i] = hd[c]
                    hv[i] = hv[c]
                    i = c
                else:
                    break
            hd[i] = ld
            hv[i] = lv
        if done[v]:
            continue
        done[v] = True
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            nd = d + weights[k]
            if nd < dist[u]:
                dist[u] = nd
                if size == cap:
                    cap *= 2
                    nhd = np.empty(cap, dtype=np.float64)
                    nhv = np.empty(cap, dtype=np.int64)
                    nhd[:size] = hd[:size]
                    nhv[:size] = hv[:size]
                    hd = nhd
                    hv = nhv
                i = size
                size += 1
                while i > 0:  # sift up
                    p = (i - 1) // 2
                    if hd[p] > nd:
                        hd[i] = hd[p]
                        hv[i] = hv[p]
                        i = p
                    else:
                        break
                hd[i] = nd
                hv[i] = u
    return dist


# -- transpose --------------------------------------------------------------------------------------


@nb.njit(**_OPTS)
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


@nb.njit(parallel=True, **_OPTS)
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


# -- BFS and SCC ------------------------------------------------------------------------------------


@nb.njit(**_OPTS)
def bfs_depth(indptr, indices, root):
    """Hop depth of every vertex from ``root`` along out-edges (``-1`` unreachable); FIFO queue."""
    n = indptr.shape[0] - 1
    depth = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    depth[root] = 0
    queue[0] = root
    head = 0
    tail = 1
    while head < tail:
        v = queue[head]
        head += 1
        d = depth[v] + 1
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            if depth[u] < 0:
                depth[u] = d
                queue[tail] = u
                tail += 1
    return depth


@nb.njit(**_OPTS)
def strong_min_labels(indptr, indices):
    """Tarjan's strongly connected components (iterative); label = smallest vertex index of the component."""
    n = indptr.shape[0] - 1
    index = np.full(n, -1, dtype=np.int64)
    low = np.zeros(n, dtype=np.int64)
    onstack = np.zeros(n, dtype=np.bool_)
    label = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    call_v = np.empty(n, dtype=np.int64)
    call_e = np.empty(n, dtype=np.int64)
    sp = 0
    counter = 0
    for s in range(n):
        if index[s] >= 0:
            continue
        index[s] = counter
        low[s] = counter
        counter += 1
        stack[sp] = s
        sp += 1
        onstack[s] = True
        call_v[0] = s
        call_e[0] = indptr[s]
        cs = 1
        while cs > 0:
            v = call_v[cs - 1]
            e = call_e[cs - 1]
            if e < indptr[v + 1]:
                call_e[cs - 1] = e + 1
                w = indices[e]
                if index[w] < 0:
                    index[w] = counter
                    low[w] = counter
                    counter += 1
                    stack[sp] = w
                    sp += 1
                    onstack[w] = True
                    call_v[cs] = w
                    call_e[cs] = indptr[w]
                    cs += 1
                elif onstack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            cs -= 1
            if cs > 0:
                u = call_v[cs - 1]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == index[v]:
                top = sp
                smallest = v
                while True:
                    sp -= 1
                    w = stack[sp]
                    onstack[w] = False
                    if w < smallest:
                        smallest = w
                    if w == v:
                        break
                for i in range(sp, top):
                    label[stack[i]] = smallest
    return label


@nb.njit(inline="always", **_OPTS)
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


@nb.njit(**_OPTS)
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
