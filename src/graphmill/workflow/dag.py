"""Pure DAG logic over task ids: no I/O, no asyncio."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping


def upstream_map(task_ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each task id → the task ids it depends on (in the order the edges list them)."""
    ups: dict[str, list[str]] = {t: [] for t in task_ids}
    for src, dst in edges:
        if dst in ups and src not in ups[dst]:
            ups[dst].append(src)
    return ups


def find_cycle(upstream: Mapping[str, list[str]]) -> list[str] | None:
    """A list of task ids forming a cycle (first id repeated at the end), or None."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(upstream, white)
    for start in upstream:
        if colour[start] != white:
            continue
        # Iterative DFS: a stack of (node, iterator over its upstreams).
        path = [start]
        colour[start] = grey
        stack = [iter(upstream[start])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                colour[path.pop()] = black
                stack.pop()
                continue
            if nxt not in colour:
                continue
            if colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append(iter(upstream[nxt]))
    return None


def topological_order(upstream: Mapping[str, list[str]]) -> list[str]:
    """Task ids with every task after its upstreams; among ready tasks, the schema's order first.

    Kahn's algorithm with a heap of schema positions: O((tasks + deps) log tasks).
    """
    position = {t: i for i, t in enumerate(upstream)}
    waiting = {t: sum(1 for u in set(ups) if u in position) for t, ups in upstream.items()}
    down: dict[str, list[str]] = {t: [] for t in upstream}
    for t, ups in upstream.items():
        for u in set(ups):
            if u in position:
                down[u].append(t)
    ready = [position[t] for t, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ids = list(upstream)
    order: list[str] = []
    while ready:
        t = ids[heapq.heappop(ready)]
        order.append(t)
        for d in down[t]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, position[d])
    if len(order) != len(ids):
        raise ValueError("the graph has a cycle")
    return order


def downstream_closure(upstream: Mapping[str, list[str]], roots: Iterable[str]) -> set[str]:
    """Every task that depends, directly or not, on one of ``roots`` (roots excluded)."""
    down: dict[str, list[str]] = {t: [] for t in upstream}
    for t, ups in upstream.items():
        for u in ups:
            down.setdefault(u, []).append(t)
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        for d in down.get(todo.pop(), []):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen
