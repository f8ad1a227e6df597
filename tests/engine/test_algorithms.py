"""Algorithms against independent references (networkx, or the definition as a slow loop)."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphmill import errors
from graphmill.engine.algorithms.community.labels import modularity
from graphmill.engine.algorithms.hyperloglog import hll_reach_counts
from graphmill.engine.base import NullProgress, RecordingProgress
from graphmill.engine.graph import Graph, build_graph
from graphmill.engine.registry import get_algorithm

from .conftest import EdgeList, random_edges

CASES = [
    pytest.param(
        seed,
        string_ids,
        directed,
        id=f"seed{seed}-{'str' if string_ids else 'int'}-{'dir' if directed else 'undir'}",
    )
    for seed in (11, 12)
    for string_ids in (False, True)
    for directed in (True, False)
]


def _graph(el: EdgeList, *, directed: bool, weighted: bool = False) -> Graph:
    src, dst, w = el.arrow()
    vid_type = "string" if isinstance(el.src[0], str) else "int64"
    return build_graph(src, dst, w if weighted else None, vid_type=vid_type, directed=directed)  # type: ignore[arg-type]


def _nx(el: EdgeList, *, directed: bool) -> nx.MultiDiGraph:
    """The reference multigraph; undirected = both directions of every edge, as NA stores it."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(el.vertices)
    for s, d, w in zip(el.src, el.dst, el.weight, strict=True):
        g.add_edge(s, d, weight=w)
        if not directed:
            g.add_edge(d, s, weight=w)
    return g


def _run(task_type: str, graph: Graph, raw: dict[str, Any], progress: Any = None) -> dict[str, list[Any]]:
    spec = get_algorithm(task_type)
    params = spec.parse_params(raw)
    table = spec.run(graph, params, progress or NullProgress())
    assert table.column_names == [c.name for c in spec.output_columns(params)]
    return {name: table.column(name).to_pylist() for name in table.column_names}


# -- PageRank -----------------------------------------------------------------------------


def _pagerank_na_reference(
    g: nx.MultiDiGraph, iterations: int, damping: float, eps: float
) -> dict[Any, float]:
    rank = dict.fromkeys(g.nodes, 1.0)
    for _ in range(iterations):
        new = {}
        for v in g.nodes:
            total = 0.0
            for u, _v in g.in_edges(v):
                total += rank[u] / g.out_degree(u)
            new[v] = (1 - damping) + damping * total
        delta = sum(abs(new[v] - rank[v]) for v in g.nodes)
        rank = new
        if delta < eps:
            break
    return rank


def _pagerank_ldbc_reference(g: nx.MultiDiGraph, iterations: int, damping: float) -> dict[Any, float]:
    n = g.number_of_nodes()
    rank = dict.fromkeys(g.nodes, 1.0 / n)
    for _ in range(iterations):
        sink = sum(rank[w] for w in g.nodes if g.out_degree(w) == 0)
        rank = {
            v: (1 - damping) / n
            + damping * sum(rank[u] / g.out_degree(u) for u, _v in g.in_edges(v))
            + damping * sink / n
            for v in g.nodes
        }
    return rank


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_pagerank_na(seed: int, string_ids: bool, directed: bool) -> None:
    """NA PageRank equals the unnormalised definition (start 1.0, dangling dropped, eps stop)."""
    el = random_edges(seed, string_ids=string_ids)
    for iterations, eps in ((10, 0.0001), (50, 1e-3), (3, 1e-12)):
        out = _run(
            "analytics_pagerank",
            _graph(el, directed=True),
            {"iterations": iterations, "eps": eps, "is_directed": directed, "damping": "0.85"},
        )
        expected = _pagerank_na_reference(_nx(el, directed=directed), iterations, 0.85, eps)
        got = dict(zip(out["VID"], out["VALUE"], strict=True))
        assert got.keys() == expected.keys()
        for v, value in expected.items():
            assert got[v] == pytest.approx(value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_pagerank_graphalytics(seed: int, string_ids: bool, directed: bool) -> None:
    """The graphalytics variant equals the LDBC definition (normalised, sinks redistributed)."""
    el = random_edges(seed, string_ids=string_ids)
    out = _run(
        "analytics_pagerank",
        _graph(el, directed=directed),
        {"iterations": 7, "damping": 0.8, "variant": "graphalytics", "is_directed": directed},
    )
    expected = _pagerank_ldbc_reference(_nx(el, directed=directed), 7, 0.8)
    got = dict(zip(out["VID"], out["VALUE"], strict=True))
    assert sum(got.values()) == pytest.approx(1.0)
    for v, value in expected.items():
        assert got[v] == pytest.approx(value, rel=1e-12)


def test_pagerank_progress_and_convergence(progress: RecordingProgress) -> None:
    """PageRank reports 'iteration k of N' and logs when eps stops it early."""
    el = random_edges(5)
    _run("analytics_pagerank", _graph(el, directed=True), {"iterations": 100, "eps": 0.01}, progress)
    messages = [e[2] for e in progress.events if e[0] == "computing"]
    assert messages[0] == "iteration 0 of 100"
    assert messages[3].startswith("iteration 3 of 100")
    assert any(line.startswith("converged after") for line in progress.lines)
    assert len(messages) < 100


def test_pagerank_ignores_weights() -> None:
    """NA PageRank is unweighted even on a weighted graph."""
    el = random_edges(6)
    a = _run("analytics_pagerank", _graph(el, directed=True, weighted=True), {})
    b = _run("analytics_pagerank", _graph(el, directed=True), {})
    assert a == b


# -- BFS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_bfs_na_counts_reached(seed: int, string_ids: bool, directed: bool) -> None:
    """NA BFS outputs one row: the root and the number of vertices reached, root included."""
    el = random_edges(seed, n=40, m=45, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    graph = _graph(el, directed=directed)
    for root in el.vertices[:6]:
        out = _run("analytics_bfs", graph, {"root": str(root), "is_directed": directed})
        assert out == {"ROOT": [root], "VISITED": [len(nx.descendants(ref, root)) + 1]}


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_bfs_graphalytics_depths(seed: int, string_ids: bool, directed: bool) -> None:
    """Graphalytics BFS gives every vertex its hop depth, 2^63-1 when unreachable."""
    el = random_edges(seed, n=40, m=45, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    for root in el.vertices[:6]:
        out = _run(
            "analytics_bfs",
            _graph(el, directed=True),
            {"root": root, "variant": "graphalytics", "is_directed": directed},
        )
        lengths = nx.single_source_shortest_path_length(ref, root)
        expected = {v: lengths.get(v, 2**63 - 1) for v in el.vertices}
        assert dict(zip(out["VID"], out["DEPTH"], strict=True)) == expected


def test_bfs_long_path_depths() -> None:
    """Depths on a long path (many pointer-jumping rounds) are exact."""
    n = 1000
    src = np.arange(n - 1)
    g = build_graph(src, src + 1, vid_type="int64", directed=True)
    out = _run("analytics_bfs", g, {"root": 0, "variant": "graphalytics"})
    assert out["DEPTH"] == list(range(n))


def test_bfs_missing_root() -> None:
    """A root that is not a vertex fails the task."""
    g = build_graph(np.array([1]), np.array([2]), vid_type="int64", directed=True)
    with pytest.raises(errors.TaskFailed, match="root vertex '9' is not in the graph"):
        _run("analytics_bfs", g, {"root": "9"})


def test_direction_mismatch() -> None:
    """A graph loaded undirected cannot run with is_directed=true."""
    g = build_graph(np.array([1]), np.array([2]), vid_type="int64", directed=False)
    with pytest.raises(errors.TaskFailed, match="loaded undirected"):
        _run("analytics_bfs", g, {"root": "1"})


# -- SSSP ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_sssp_matches_dijkstra(seed: int, string_ids: bool, directed: bool) -> None:
    """SSSP equals networkx Dijkstra (parallel edges: lightest; zero weights traversable)."""
    el = random_edges(seed, n=40, m=60, string_ids=string_ids, zero_weights=True)
    ref = _nx(el, directed=directed)
    graph = _graph(el, directed=directed, weighted=True)
    for root in el.vertices[:5]:
        expected = nx.single_source_dijkstra_path_length(ref, root)
        out = _run("analytics_sssp", graph, {"root": root, "is_directed": directed})
        got = dict(zip(out["VID"], out["DISTANCE"], strict=True))
        assert got.keys() == expected.keys()  # NA: reachable vertices only
        for v, d in expected.items():
            assert got[v] == pytest.approx(d, abs=1e-12)
        full = _run(
            "analytics_sssp", graph, {"root": root, "variant": "graphalytics", "is_directed": directed}
        )
        everything = dict(zip(full["VID"], full["DISTANCE"], strict=True))
        assert set(everything) == set(el.vertices)
        assert all(math.isinf(everything[v]) for v in el.vertices if v not in expected)


def test_sssp_unweighted_counts_hops() -> None:
    """Without weights every edge weighs 1.0."""
    el = random_edges(21)
    out = _run("analytics_sssp", _graph(el, directed=True), {"root": el.src[0]})
    lengths = nx.single_source_shortest_path_length(_nx(el, directed=True), el.src[0])
    assert dict(zip(out["VID"], out["DISTANCE"], strict=True)) == {v: float(d) for v, d in lengths.items()}


def test_sssp_zero_weight_chain() -> None:
    """Explicit zero-weight edges are edges, not missing entries."""
    g = build_graph(
        np.array([1, 2, 3]), np.array([2, 3, 4]), np.array([0.0, 0.0, 2.0]), vid_type="int64", directed=True
    )
    out = _run("analytics_sssp", g, {"root": 1})
    assert dict(zip(out["VID"], out["DISTANCE"], strict=True)) == {1: 0.0, 2: 0.0, 3: 0.0, 4: 2.0}


def _heap_dijkstra(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, root: int) -> np.ndarray:
    """Textbook binary-heap Dijkstra on a CSR, summing ``dist + weight`` as the kernel does."""
    import heapq

    dist = np.full(indptr.shape[0] - 1, np.inf)
    dist[root] = 0.0
    heap = [(0.0, root)]
    done: set[int] = set()
    while heap:
        d, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        for k in range(indptr[v], indptr[v + 1]):
            u = int(indices[k])
            if d + weights[k] < dist[u]:
                dist[u] = d + weights[k]
                heapq.heappush(heap, (dist[u], u))
    return dist


@pytest.mark.parametrize(
    "spread",
    [
        pytest.param((0.01, 1.01), id="narrow"),  # bucket width = smallest weight: no vertex settles twice
        pytest.param((1e-6, 1e3), id="wide"),  # width widened past the smallest weight: vertices re-settle
        pytest.param((1e290, 1e300), id="huge"),  # bucket numbers beyond int64
        pytest.param((0.0, 0.0), id="zero"),  # no positive weight at all
    ],
)
def test_sssp_bucket_queue_is_exactly_dijkstra(spread: tuple[float, float]) -> None:
    """The bucket-queue kernel's distances are bit-for-bit a heap Dijkstra's, however wide the weights."""
    from graphmill.engine.algorithms.path.traversal import sssp_distances

    rng = np.random.default_rng(5)
    n, m = 400, 3000
    lo, hi = spread
    weights = np.exp(rng.uniform(np.log(lo), np.log(hi), m)) if lo > 0 else np.zeros(m)
    weights[::13] = 0.0
    weights[5::97] = np.inf  # an infinite edge leads nowhere new
    graph = build_graph(
        rng.integers(0, n, m), rng.integers(0, n, m), weights, vid_type="int64", directed=True
    )
    assert graph.weights is not None
    for root in (0, 1, 2):
        got = sssp_distances(graph, root)
        expected = _heap_dijkstra(graph.indptr, graph.indices, graph.weights, root)
        assert np.array_equal(got, expected)
        assert np.isfinite(got).sum() > n // 2


def test_sssp_negative_weight_fails() -> None:
    """A negative weight fails the task."""
    g = build_graph(np.array([1]), np.array([2]), np.array([-1.0]), vid_type="int64", directed=True)
    with pytest.raises(errors.TaskFailed, match="non-negative"):
        _run("analytics_sssp", g, {"root": 1})


# -- WCC ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_wcc_smallest_id_labels(seed: int, string_ids: bool, directed: bool) -> None:
    """WCC labels each vertex with the smallest id of its weakly connected component."""
    el = random_edges(seed, n=50, m=35, string_ids=string_ids)
    expected = {}
    for comp in nx.weakly_connected_components(_nx(el, directed=True)):
        smallest = min(comp)
        expected.update(dict.fromkeys(comp, smallest))
    for variant in ("na", "graphalytics"):
        out = _run(
            "analytics_wcc", _graph(el, directed=directed), {"is_directed": directed, "variant": variant}
        )
        assert dict(zip(out["VID"], out["LABEL"], strict=True)) == expected


@pytest.mark.parametrize("directed", [True, False])
def test_wcc_modularity(directed: bool, progress: RecordingProgress) -> None:
    """Modularity equals networkx's on the undirected multigraph; outputs and logs follow the flags."""
    el = random_edges(31, n=60, m=40)
    ref = nx.MultiGraph()
    ref.add_nodes_from(el.vertices)
    ref.add_edges_from(zip(el.src, el.dst, strict=True))
    comms = list(nx.connected_components(ref))
    expected = nx.community.modularity(ref, comms)
    graph = _graph(el, directed=directed)
    out = _run(
        "analytics_wcc",
        graph,
        {"is_directed": directed, "is_output_modularity": "true", "is_stat_community": "true"},
        progress,
    )
    assert out["MODULARITY"] == pytest.approx([expected] * graph.n, rel=1e-12)
    assert any("communities; largest sizes" in line for line in progress.lines)
    assert any(line.startswith("modularity ") for line in progress.lines)


def test_modularity_of_a_split_partition() -> None:
    """Modularity of a non-component partition matches networkx too."""
    el = random_edges(32, n=20, m=60)
    graph = _graph(el, directed=True)
    labels = np.arange(graph.n) % 3
    ref = nx.MultiGraph()
    ref.add_nodes_from(el.vertices)
    ref.add_edges_from(zip(el.src, el.dst, strict=True))
    comms = [{graph.id_of(i) for i in range(graph.n) if labels[i] == k} for k in range(3)]
    assert modularity(graph, labels) == pytest.approx(nx.community.modularity(ref, comms), rel=1e-12)
    assert modularity(graph.to_undirected(), labels) == pytest.approx(
        nx.community.modularity(ref, comms), rel=1e-12
    )


def test_wcc_calc_modularity_only_logs(progress: RecordingProgress) -> None:
    """is_calc_modularity logs the value without adding a column."""
    el = random_edges(33)
    out = _run("analytics_wcc", _graph(el, directed=True), {"is_calc_modularity": True}, progress)
    assert list(out) == ["VID", "LABEL"]
    assert any(line.startswith("modularity ") for line in progress.lines)


# -- DegreeCentrality ---------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_degrees_step_one(seed: int, string_ids: bool, directed: bool) -> None:
    """step=1 gives exact in/out degrees with parallel edges and self-loops counted."""
    el = random_edges(seed, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    graph = _graph(el, directed=True)
    out = _run("analytics_nstepdegrees", graph, {"step": 1, "is_directed": directed})
    assert out["VID"] == el.vertices
    assert out["OUT_DEGREE"] == [ref.out_degree(v) for v in el.vertices]
    assert out["IN_DEGREE"] == [ref.in_degree(v) for v in el.vertices]
    assert out["BOTH_DEGREE"] == [ref.out_degree(v) + ref.in_degree(v) for v in el.vertices]
    only_in = _run("analytics_nstepdegrees", graph, {"step": 1, "type": "in", "is_directed": directed})
    assert only_in == {"VID": el.vertices, "IN_DEGREE": out["IN_DEGREE"]}
    only_out = _run("analytics_nstepdegrees", graph, {"step": 1, "type": "out", "is_directed": directed})
    assert only_out == {"VID": el.vertices, "OUT_DEGREE": out["OUT_DEGREE"]}


def _reach(ref: nx.MultiDiGraph, v: Any, step: int) -> int:
    cutoff = None if step < 0 else step
    return len(nx.single_source_shortest_path_length(ref, v, cutoff=cutoff)) - 1


@pytest.mark.parametrize("step", [2, 3, -1])
def test_degrees_n_step_estimates(step: int) -> None:
    """step>1 estimates the distinct vertices within `step` hops (HyperLogLog, bits=12)."""
    el = random_edges(41, n=300, m=500)
    ref = _nx(el, directed=True)
    out = _run("analytics_nstepdegrees", _graph(el, directed=True), {"step": step, "bits": 12})
    rev = ref.reverse(copy=True)
    for i, v in enumerate(out["VID"]):
        want_out = _reach(ref, v, step)
        want_in = _reach(rev, v, step)
        assert abs(out["OUT_DEGREE"][i] - want_out) <= max(2, 0.08 * want_out)
        assert abs(out["IN_DEGREE"][i] - want_in) <= max(2, 0.08 * want_in)
        assert out["BOTH_DEGREE"][i] == out["OUT_DEGREE"][i] + out["IN_DEGREE"][i]


def test_hll_small_sets_close_to_exact() -> None:
    """With few reachable vertices the HLL (linear counting) estimate is exact on a path."""
    n = 40
    src = np.arange(n - 1)
    g = build_graph(src, src + 1, vid_type="int64", directed=True)
    counts = hll_reach_counts(g.indptr, g.indices, g.n, step=3, bits=10, progress=NullProgress(), label="out")
    assert counts.tolist() == [min(3, n - 1 - i) for i in range(n)]


def test_hll_memory_limit() -> None:
    """Counters that would not fit the memory limit fail the task with a hint."""
    with pytest.raises(errors.TaskFailed, match="use a smaller bits"):
        hll_reach_counts(
            np.zeros(10**6 + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            10**6,
            step=2,
            bits=16,
            progress=NullProgress(),
            label="out",
        )
