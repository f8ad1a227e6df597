# mypy: disable-error-code="no-untyped-def"
"""Compiled InfoMap local moving (map-equation deltas)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb
from graphmill.engine.algorithms.community.louvain_kernels import (
    group_scratch,
    group_sum,
    neighbour_groups,
    next_visit,
)

__all__: list[str] = []


@nb.njit(inline="always", **OPTS)
def _plogp(x):
    return x * np.log2(x) if x > 0.0 else 0.0


@nb.njit(inline="always", **OPTS)
def _move_delta(sum_q, sq_new, base_new_i, base_old_i, qj, pj, qj_new, pj_new):
    """Map-equation change of a move into module j (``base_*_i``: the source module's terms)."""
    return (
        _plogp(sq_new)
        - _plogp(sum_q)
        + base_new_i
        - base_old_i
        - 2.0 * _plogp(qj_new)
        + _plogp(qj_new + pj_new)
        + 2.0 * _plogp(qj)
        - _plogp(qj + pj)
    )


@nb.njit(**OPTS)
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
    slot_of, touched, acc = group_scratch(n)
    total_moves = 0
    sweeps = 0
    visit = 0
    for _sweep in range(max_sweeps):
        sweeps += 1
        moves = 0
        for oi in range(n):
            v = order[oi]
            i = mod[v]
            visit = next_visit(visit, slot_of)
            nt = neighbour_groups(v, ptr, idx, f, mod, visit, slot_of, touched, acc)
            ov = o[v]
            pv = p[v]
            fi = group_sum(i, visit, slot_of, acc)
            qi_new = qm[i] - ov + 2.0 * fi
            pi_new = pm[i] - pv
            base_old_i = -2.0 * _plogp(qm[i]) + _plogp(qm[i] + pm[i])
            base_new_i = -2.0 * _plogp(qi_new) + _plogp(qi_new + pi_new)
            best = i
            best_t = -1
            best_delta = 0.0
            for t in range(nt):
                j = touched[t]
                if j == i:
                    continue
                qj_new = qm[j] + ov - 2.0 * acc[t]
                sq_new = sum_q - qm[i] - qm[j] + qi_new + qj_new
                delta = _move_delta(sum_q, sq_new, base_new_i, base_old_i, qm[j], pm[j], qj_new, pm[j] + pv)
                if delta < best_delta - 1e-12:
                    best = j
                    best_t = t
                    best_delta = delta
            if best != i:
                j = best
                qj_new = qm[j] + ov - 2.0 * acc[best_t]
                sum_q = sum_q - qm[i] - qm[j] + qi_new + qj_new
                qm[i] = qi_new
                pm[i] = pi_new
                qm[j] = qj_new
                pm[j] += pv
                mod[v] = j
                moves += 1
        total_moves += moves
        if moves == 0:
            break
    return mod, sweeps, total_moves
