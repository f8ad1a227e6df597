# mypy: disable-error-code="no-untyped-def"
"""Compiled label-propagation rounds (LPA / CDLP and HANP)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, hash4, nb

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
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


@nb.njit(parallel=True, **OPTS)
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


@nb.njit(parallel=True, **OPTS)
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
