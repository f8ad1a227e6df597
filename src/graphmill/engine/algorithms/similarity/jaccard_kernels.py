# mypy: disable-error-code="no-untyped-def"
"""Compiled Jaccard rows."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
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
