# mypy: disable-error-code="no-untyped-def"
"""Compiled connected-component kernels: weak (union-find) and strong (Tarjan, iterative)."""

from __future__ import annotations

import numpy as np

from graphmill.engine._numba import OPTS, nb

__all__: list[str] = []


@nb.njit(**OPTS)
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving
        x = parent[x]
    return x


@nb.njit(**OPTS)
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


@nb.njit(**OPTS)
def strong_min_labels(indptr, indices):
    """Tarjan's strongly connected components (iterative); label = smallest vertex index of the component.

    Bookkeeping is in the CSR's index type (half the memory traffic for ``int32`` graphs).
    A vertex leaving the stack gets ``order = n``, above every ``low``, so "on the stack and
    earlier" is one comparison and no separate on-stack array is read.  Two measured savings
    (CPU at 16.8 M edges, one A/B; bench/RESULTS.md, "BFS and SCC kernels"):

    * a vertex's edges are scanned in a tight loop that keeps its ``low`` in a register and
      leaves only to descend (the older loop went back through the call stack for every
      edge): -27 %;
    * vertices without out-edges are trimmed first: each is its own component, marked done
      before the search, so no edge into one opens a frame (15 % of R-MAT's vertices): -10 %.
      Trimming vertices without in-edges as well would need the in-degrees, a pass over
      every edge that costs more than the frames it saves (their out-edges are < 1 % of all).
    """
    n = indptr.shape[0] - 1
    done = n  # order of a vertex already assigned to a component
    order = np.full(n, -1, dtype=indices.dtype)
    low = np.empty(n, dtype=indices.dtype)
    label = np.empty(n, dtype=np.int64)
    for v in range(n):
        if indptr[v + 1] == indptr[v]:
            order[v] = done
            label[v] = v
    stack = np.empty(n, dtype=indices.dtype)
    call_v = np.empty(n, dtype=indices.dtype)
    call_e = np.empty(n, dtype=np.int64)
    sp = 0
    counter = 0
    for s in range(n):
        if order[s] >= 0:
            continue
        order[s] = counter
        low[s] = counter
        counter += 1
        stack[sp] = s
        sp += 1
        call_v[0] = s
        call_e[0] = indptr[s]
        cs = 1
        while cs > 0:
            v = call_v[cs - 1]
            e = call_e[cs - 1]
            end = indptr[v + 1]
            lv = low[v]
            w = v
            while e < end:
                w = indices[e]
                e += 1
                ow = order[w]
                if ow < 0:
                    break
                if ow < lv:
                    lv = ow
            low[v] = lv
            if order[w] < 0:  # descend into w; v resumes after that edge
                call_e[cs - 1] = e
                order[w] = counter
                low[w] = counter
                counter += 1
                stack[sp] = w
                sp += 1
                call_v[cs] = w
                call_e[cs] = indptr[w]
                cs += 1
                continue
            cs -= 1
            if cs > 0:
                u = call_v[cs - 1]
                if lv < low[u]:
                    low[u] = lv
            if lv == order[v]:
                sp = _pop_component(stack, sp, v, label, order, done)
    return label


@nb.njit(inline="always", **OPTS)
def _pop_component(stack, sp, root, label, order, done):
    """Pop the component whose root is ``root`` off Tarjan's stack: label every member with
    its smallest index and mark it done; returns the new stack height."""
    top = sp
    smallest = root
    while True:
        sp -= 1
        w = stack[sp]
        if w < smallest:
            smallest = w
        if w == root:
            break
    for i in range(sp, top):
        w = stack[i]
        label[w] = smallest
        order[w] = done
    return sp
