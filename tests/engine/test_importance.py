"""KCore, DegreeWithTime, Betweenness and Closeness against direct implementations of their definitions."""

from __future__ import annotations

from collections import deque
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphmill import errors
from graphmill.engine.algorithms.node_importance.degree import parse_time
from graphmill.engine.base import RecordingProgress
from graphmill.engine.graph import build_graph

from .conftest import random_edges
from .test_algorithms import CASES, _graph, _nx, _run

# -- KCore ------------------------------------------------------------------------------------


def _core_reference(el: Any) -> dict[Any, int]:
    """Peel the undirected multigraph (each input edge once, self-loops ignored) by minimum degree."""
    adj: dict[Any, list[Any]] = {v: [] for v in el.vertices}
    for s, d in zip(el.src, el.dst, strict=True):
        if s != d:
            adj[s].append(d)
            adj[d].append(s)
    alive = set(el.vertices)
    degree = {v: len(adj[v]) for v in el.vertices}
    core: dict[Any, int] = {}
    k = 0
    while alive:
        v = min(alive, key=lambda x: (degree[x], str(x)))
        k = max(k, degree[v])
        core[v] = k
        alive.remove(v)
        for u in adj[v]:
            if u in alive:
                degree[u] -= 1
    return core


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_kcore_vertex(seed: int, string_ids: bool, directed: bool) -> None:
    """Core numbers equal min-degree peeling of the undirected multigraph, whatever is_directed says."""
    el = random_edges(seed, string_ids=string_ids)
    out = _run("analytics_kcore", _graph(el, directed=directed), {"is_directed": directed})
    assert dict(zip(out["VID"], out["VALUE"], strict=True)) == _core_reference(el)


def test_kcore_matches_networkx_on_simple_graph() -> None:
    """On a simple graph the core numbers are networkx's."""
    g = nx.gnm_random_graph(80, 300, seed=4)
    src = np.array([u for u, v in g.edges()])
    dst = np.array([v for u, v in g.edges()])
    out = _run("analytics_kcore", build_graph(src, dst, vid_type="int64", directed=True), {})
    got = dict(zip(out["VID"], out["VALUE"], strict=True))
    expected = nx.core_number(g)
    assert all(got[v] == expected[v] for v in got)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize(("blocks", "min_parallel"), [(1, 1), (2, 1), (3, 1), (2, 40), (3, 400)])
def test_kcore_peeling_rounds_split_or_not(directed: bool, blocks: int, min_parallel: int) -> None:
    """Rounds of ``min_parallel`` or more edge copies are split over ``blocks`` threads by
    edge copies (a hub's lists cut between threads), smaller ones walked alone: on a skewed
    multigraph with parallel edges and self-loops the cores stay exact either way."""
    from types import SimpleNamespace

    from graphmill.engine.algorithms.node_importance.kcore import core_numbers

    rng = np.random.default_rng(5)
    src = np.minimum(rng.zipf(1.6, 1500), 120) - 1  # hubs at the low indices
    dst = rng.integers(0, 120, 1500)
    src[:12] = dst[:12]  # self-loops
    el = SimpleNamespace(
        src=src.tolist(), dst=dst.tolist(), vertices=sorted(set(src.tolist()) | set(dst.tolist()))
    )
    graph = build_graph(src, dst, vid_type="int64", directed=directed)
    core = core_numbers(graph, blocks=blocks, min_parallel=min_parallel)
    assert dict(zip(graph.ids.tolist(), core.tolist(), strict=True)) == _core_reference(el)


def test_kcore_subgraph_rows() -> None:
    """type=subgraph lists (vertex, neighbour) for vertices with core number in [kmin, kmax], by core."""
    el = random_edges(3, n=25, m=70)
    graph = _graph(el, directed=True)
    core = _core_reference(el)
    out = _run("analytics_kcore", graph, {"type": "subgraph", "kmin": 2, "kmax": 3})
    neighbours: dict[object, set[object]] = {v: set() for v in el.vertices}
    for s, d in zip(el.src, el.dst, strict=True):
        if s != d:
            neighbours[s].add(d)
            neighbours[d].add(s)
    expected = {(v, u) for v in el.vertices if 2 <= core[v] <= 3 for u in neighbours[v]}
    rows = list(zip(out["VID"], out["VALUE"], strict=True))
    assert set(rows) == expected
    assert len(rows) == len(expected)
    cores = [core[v] for v, _ in rows]
    assert cores == sorted(cores)


# -- DegreeWithTime ------------------------------------------------------------------------------


def test_parse_time_formats() -> None:
    """Times parse from 'yyyy-MM-dd HH:mm:ss.SSS' (UTC), shorter forms, and epoch numbers."""
    assert parse_time("1970-01-01 00:00:01.500") == 1.5
    assert parse_time("1970-01-02") == 86400.0
    assert parse_time("1625469277") == 1625469277.0
    with pytest.raises(ValueError, match="yyyy-MM-dd"):
        parse_time("yesterday")


@pytest.mark.parametrize("directed", [True, False])
def test_degree_with_time(directed: bool) -> None:
    """Only edges whose time (weight column) lies in [begin, end] are counted, parallel edges each."""
    el = random_edges(8, n=20, m=80)
    graph = _graph(el, directed=directed, weighted=True)
    ref = _nx(el, directed=directed)
    for begin, end in ((2.0, 6.0), (0.0, 10.0), (5.5, 5.5)):
        out = _run(
            "analytics_degree_with_time",
            graph,
            {"begin_time": str(begin), "end_time": end, "is_directed": directed},
        )
        ins = {v: 0 for v in el.vertices}
        outs = {v: 0 for v in el.vertices}
        for u, v, data in ref.edges(data=True):
            if begin <= data["weight"] <= end:
                outs[u] += 1
                ins[v] += 1
        assert out["OUT_DEGREE"] == [outs[v] for v in out["VID"]]
        assert out["IN_DEGREE"] == [ins[v] for v in out["VID"]]
        assert out["BOTH_DEGREE"] == [ins[v] + outs[v] for v in out["VID"]]


def test_degree_with_time_dates_and_units() -> None:
    """Date bounds become epoch seconds, or milliseconds with time_unit=ms; open bounds count all."""
    t0 = 1_600_000_000
    g = build_graph(
        np.array([1, 1, 2]),
        np.array([2, 3, 3]),
        np.array([t0 - 10, t0, t0 + 10], dtype=np.float64),
        vid_type="int64",
        directed=True,
    )
    out = _run("analytics_degree_with_time", g, {"begin_time": "2020-09-13 12:26:40.000", "type": "out"})
    assert out == {"VID": [1, 2, 3], "OUT_DEGREE": [1, 1, 0]}
    ms = build_graph(
        np.array([1, 1]), np.array([2, 3]), np.array([t0 * 1000.0, 0.0]), vid_type="int64", directed=True
    )
    out = _run(
        "analytics_degree_with_time",
        ms,
        {"begin_time": "2020-09-13 12:26:40", "time_unit": "ms", "type": "in"},
    )
    assert out == {"VID": [1, 2, 3], "IN_DEGREE": [0, 1, 0]}
    assert _run("analytics_degree_with_time", ms, {"type": "in"})["IN_DEGREE"] == [0, 1, 1]


# -- Betweenness -----------------------------------------------------------------------------------


def _brandes_reference(g: nx.MultiDiGraph, sources: list[Any]) -> dict[Any, float]:
    """Brandes on the multigraph (each edge copy is a path), summed over ``sources``."""
    bc = dict.fromkeys(g.nodes, 0.0)
    for s in sources:
        sigma = dict.fromkeys(g.nodes, 0.0)
        dist: dict[Any, int] = {s: 0}
        sigma[s] = 1.0
        order = []
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            for _, u in g.out_edges(v):
                if u not in dist:
                    dist[u] = dist[v] + 1
                    queue.append(u)
                if dist[u] == dist[v] + 1:
                    sigma[u] += sigma[v]
        delta = dict.fromkeys(g.nodes, 0.0)
        for v in reversed(order):
            for _, u in g.out_edges(v):
                if dist.get(u) == dist[v] + 1:
                    delta[v] += sigma[v] / sigma[u] * (1 + delta[u])
            if v != s:
                bc[v] += delta[v]
    return bc


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_betweenness_exact(seed: int, string_ids: bool, directed: bool) -> None:
    """iterations=0 is exact Brandes over every source (parallel edges multiply path counts)."""
    el = random_edges(seed, n=30, m=70, string_ids=string_ids)
    out = _run("analytics_bnc", _graph(el, directed=directed), {"iterations": 0, "is_directed": directed})
    ref = _nx(el, directed=directed)
    expected = _brandes_reference(ref, list(ref.nodes))
    got = dict(zip(out["VID"], out["VALUE"], strict=True))
    for v, value in expected.items():
        assert got[v] == pytest.approx(value, rel=1e-9, abs=1e-9)


def test_betweenness_matches_networkx_on_simple_graphs() -> None:
    """On simple graphs exact values are networkx's (undirected: twice, as pairs count both ways)."""
    g = nx.gnm_random_graph(40, 90, seed=2, directed=True)
    src = np.array([u for u, v in g.edges()])
    dst = np.array([v for u, v in g.edges()])
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    got = dict(zip(*_run("analytics_bnc", graph, {"iterations": 0}).values(), strict=True))
    expected = nx.betweenness_centrality(g, normalized=False)
    assert all(got[v] == pytest.approx(expected[v], abs=1e-9) for v in got)
    ug = nx.gnm_random_graph(40, 90, seed=3)
    usrc = np.array([u for u, v in ug.edges()])
    udst = np.array([v for u, v in ug.edges()])
    ugraph = build_graph(usrc, udst, vid_type="int64", directed=True)
    got_u = dict(
        zip(*_run("analytics_bnc", ugraph, {"iterations": 0, "is_directed": False}).values(), strict=True)
    )
    expected_u = nx.betweenness_centrality(ug, normalized=False)
    assert all(got_u[v] == pytest.approx(2 * expected_u[v], abs=1e-9) for v in got_u)


def test_betweenness_sampled_all_sources_is_exact() -> None:
    """Sampling every vertex of a connected graph (no early stop) gives the exact values."""
    g = nx.connected_watts_strogatz_graph(40, 4, 0.3, seed=1)
    src = np.array([u for u, v in g.edges()])
    dst = np.array([v for u, v in g.edges()])
    graph = build_graph(src, dst, vid_type="int64", directed=False)
    exact = _run("analytics_bnc", graph, {"iterations": 0, "is_directed": False})
    sampled = _run("analytics_bnc", graph, {"iterations": 1000, "constant": 1e9, "is_directed": False})
    assert sampled["VALUE"] == pytest.approx(exact["VALUE"], rel=1e-9)


def test_betweenness_sampling_is_seeded(progress: RecordingProgress) -> None:
    """Sampled betweenness is the same for the same seed and stops by the chosen vertex's dependency."""
    el = random_edges(17, n=60, m=200)
    graph = _graph(el, directed=False)
    raw = {"iterations": 30, "seed": 5, "is_directed": False, "constant": 0.5}
    a = _run("analytics_bnc", graph, raw, progress)
    b = _run("analytics_bnc", graph, raw)
    c = _run("analytics_bnc", graph, {**raw, "seed": 6})
    assert a == b
    assert a != c
    line = next(x for x in progress.lines if x.startswith("sampled "))
    assert int(line.split()[1]) < 30  # stopped by the dependency threshold
    chosen = _run("analytics_bnc", graph, {**raw, "chosen": el.src[0]})
    assert len(chosen["VALUE"]) == graph.n


def test_betweenness_unknown_chosen() -> None:
    """A chosen vertex that is not in the graph fails the task."""
    g = build_graph(np.array([1]), np.array([2]), vid_type="int64", directed=True)
    with pytest.raises(errors.TaskFailed, match="chosen"):
        _run("analytics_bnc", g, {"chosen": 9})


# -- Closeness -------------------------------------------------------------------------------------


@pytest.mark.parametrize("directed", [True, False])
def test_closeness_all_samples(directed: bool) -> None:
    """With every vertex sampled: (N-1) / sum of distances from all vertices, 0 when unreached."""
    el = random_edges(9, n=25, m=60)
    ref = _nx(el, directed=directed)
    big = max(nx.weakly_connected_components(ref), key=len)
    out = _run("analytics_cnc", _graph(el, directed=directed), {"num_samples": 1000, "is_directed": directed})
    got = dict(zip(out["VID"], out["VALUE"], strict=True))
    total = dict.fromkeys(ref.nodes, 0)
    for s in big:
        for v, d in nx.single_source_shortest_path_length(ref, s).items():
            total[v] += d
    n_big = len(big)
    for v in ref.nodes:
        expected = (n_big - 1) / total[v] if total[v] else 0.0
        assert got[v] == pytest.approx(expected, rel=1e-12)


def test_closeness_sampled_seeded() -> None:
    """Sampled closeness repeats for a seed and changes with it."""
    el = random_edges(10, n=60, m=200)
    graph = _graph(el, directed=True)
    a = _run("analytics_cnc", graph, {"num_samples": 5, "seed": 1})
    assert a == _run("analytics_cnc", graph, {"num_samples": 5, "seed": 1})
    assert a != _run("analytics_cnc", graph, {"num_samples": 5, "seed": 2})
