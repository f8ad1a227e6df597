# mypy: disable-error-code="no-untyped-def"
"""Compiled label-propagation rounds: one synchronous round kernel for LPA / CDLP and HANP.

A vertex tallies its neighbours' votes by label (out- and, with ``use_in``, in-neighbours;
a reciprocal neighbour counts twice; parallel edges each) and takes the label with the
highest total.  Labels are tallied in order of first appearance, so the sums and the
comparisons are the same, operation for operation, as a tally over a gathered list.

Only vertices whose choice can differ from the previous round are recomputed: those with
a neighbour that changed label, and those whose last choice went through a hashed tie
(the hash depends on the round).  Any other vertex would tally the same votes in the same
order and pick the same label, so skipping it changes nothing.
"""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, hash3, mix64, nb

__all__: list[str] = []

#: How a neighbour u's vote over adjacency entry k is weighed.
UNIT = 0  # 1.0 (unweighted LPA / CDLP): no weight array is read
WEIGHTED = 1  # w[k]
SCALED = 2  # vote[u] * w[k] (HANP: score * degree ** preference, times the edge weight)


@nb.njit(inline="always", **OPTS)
def _tally(lo, hi, idx, w, vote, mode, labels, acc, stamp, mark, touched, nt):
    """Add the votes of adjacency entries ``lo:hi`` to ``acc`` by label.

    A label not yet stamped with ``mark`` (this vertex, this round) starts a fresh sum and
    is appended to ``touched``; returns the new count of touched labels.
    """
    for k in range(lo, hi):
        u = idx[k]
        lab = labels[u]
        if mode == UNIT:
            s = 1.0
        elif mode == WEIGHTED:
            s = w[k]
        else:
            s = vote[u] * w[k]
        if stamp[lab] != mark:
            stamp[lab] = mark
            acc[lab] = s
            touched[nt] = lab
            nt += 1
        else:
            acc[lab] += s
    return nt


@nb.njit(inline="always", **OPTS)
def _pick(touched, nt, acc, hprefix, random_ties):
    """``(label, tied)``: the highest total among ``touched[:nt]`` and whether a tie was met.

    Ties go to the smallest label or, with ``random_ties``, to the label of smallest
    ``mix64(hprefix ^ label)`` (= ``hash4(seed, v, it, label)``), hashed only when needed.
    """
    best = touched[0]
    best_s = acc[best]
    best_h = np.uint64(0)
    hashed = False
    tied = False
    for t in range(1, nt):
        lab = touched[t]
        s = acc[lab]
        if s > best_s + 1e-12 * abs(best_s):
            best = lab
            best_s = s
            hashed = False
        elif abs(s - best_s) <= 1e-12 * abs(best_s):
            tied = True
            if random_ties:
                if not hashed:
                    best_h = mix64(hprefix ^ np.uint64(best))
                    hashed = True
                h = mix64(hprefix ^ np.uint64(lab))
                if h < best_h:
                    best = lab
                    best_h = h
            elif lab < best:
                best = lab
    return best, tied


@nb.njit(inline="always", **OPTS)
def _wake(lo, hi, idx, nxt):
    for k in range(lo, hi):
        nxt[idx[k]] = True


@nb.njit(inline="always", **OPTS)
def _top_score(lo, hi, idx, labels, score, best, mx):
    """Largest ``score`` among the neighbours in ``lo:hi`` carrying label ``best`` (at least ``mx``)."""
    for k in range(lo, hi):
        u = idx[k]
        if labels[u] == best and score[u] > mx:
            mx = score[u]
    return mx


@nb.njit(parallel=True, **OPTS)
def vote_round(adj, use_in, mode, vote, labels, random_ties, seed, it, active, nxt, out, scratch, hanp):
    """One synchronous round over the ``active`` vertices; returns how many labels changed.

    ``adj`` = (out ptr, out idx, out w, in ptr, in idx, in w); ``scratch`` = per-thread
    (label sums, label stamps, touched labels), each thread's row ``n`` long; ``hanp`` =
    (score, hop_att, new score), used with ``mode == SCALED`` only: a vertex that changes
    label takes the largest score among the neighbours carrying its new label minus
    ``hop_att``, others keep theirs.  Vertices without neighbours keep their label.
    Vertices to recompute next round are flagged in ``nxt``.
    """
    optr, oidx, ow, iptr, iidx, iw = adj
    acc_t, stamp_t, touched_t = scratch
    score, hop_att, out_s = hanp
    n = labels.shape[0]
    changed = 0
    chunk = 256
    for ci in nb.prange((n + chunk - 1) // chunk):
        tid = nb.get_thread_id()
        acc, stamp, touched = acc_t[tid], stamp_t[tid], touched_t[tid]
        for v in range(ci * chunk, min(n, (ci + 1) * chunk)):
            old = labels[v]
            out[v] = old
            if mode == SCALED:
                out_s[v] = score[v]
            if not active[v]:
                continue
            mark = it * n + v + 1
            nt = _tally(optr[v], optr[v + 1], oidx, ow, vote, mode, labels, acc, stamp, mark, touched, 0)
            if use_in:
                nt = _tally(iptr[v], iptr[v + 1], iidx, iw, vote, mode, labels, acc, stamp, mark, touched, nt)
            if nt == 0:
                continue
            hprefix = hash3(seed, v, it) if random_ties else np.uint64(0)
            best, tied = _pick(touched, nt, acc, hprefix, random_ties)
            if tied and random_ties:
                nxt[v] = True
            if best == old:
                continue
            out[v] = best
            changed += 1
            _wake(optr[v], optr[v + 1], oidx, nxt)
            if use_in:
                _wake(iptr[v], iptr[v + 1], iidx, nxt)
            if mode == SCALED:
                mx = _top_score(optr[v], optr[v + 1], oidx, labels, score, best, -np.inf)
                if use_in:
                    mx = _top_score(iptr[v], iptr[v + 1], iidx, labels, score, best, mx)
                out_s[v] = mx - hop_att
    return changed
