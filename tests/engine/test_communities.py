"""SCC, LPA/CDLP, HANP, Louvain and InfoMap against references and their defining properties."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphmill.engine.algorithms.community.labels import modularity
from graphmill.engine.base import RecordingProgress
from graphmill.engine.graph import Graph, build_graph

from .conftest import EdgeList, random_edges
from .test_algorithms import CASES, _graph, _nx, _run


def _ring_of_cliques(cliques: int, size: int, *, string_ids: bool = False) -> tuple[Graph, list[set[Any]]]:
    """Cliques joined in a ring by single edges: the planted communities are the cliques."""
    src, dst = [], []
    for c in range(cliques):
        members = [c * size + i for i in range(size)]
        for i in members:
            for j in members:
                if i < j:
                    src.append(i)
                    dst.append(j)
        src.append(c * size)
        dst.append(((c + 1) % cliques) * size + 1)

    def name(v: int) -> Any:
        return f"n{v:03d}" if string_ids else v + 100

    groups = [{name(c * size + i) for i in range(size)} for c in range(cliques)]
    ids_s = [name(v) for v in src]
    ids_d = [name(v) for v in dst]
    vid_type = "string" if string_ids else "int64"
    return build_graph(np.array(ids_s), np.array(ids_d), vid_type=vid_type, directed=False), groups  # type: ignore[arg-type]


def _partition(out: dict[str, list[Any]]) -> list[set[Any]]:
    groups: dict[Any, set[Any]] = defaultdict(set)
    for v, label in zip(out["VID"], out["LABEL"], strict=True):
        groups[label].add(v)
    return sorted(groups.values(), key=lambda g: sorted(map(str, g)))


# -- SCC -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_scc_smallest_id_labels(seed: int, string_ids: bool, directed: bool) -> None:
    """SCC labels each vertex with the smallest id of its strongly connected component."""
    el = random_edges(seed, n=40, m=60, string_ids=string_ids)
    out = _run("analytics_scc", _graph(el, directed=directed), {"is_directed": directed})
    expected = {}
    for comp in nx.strongly_connected_components(_nx(el, directed=directed)):
        expected.update(dict.fromkeys(comp, min(comp)))
    assert dict(zip(out["VID"], out["LABEL"], strict=True)) == expected


def test_scc_larger_graph_matches_networkx() -> None:
    """Deep Tarjan recursion on a 3,000-vertex graph with many non-trivial components."""
    rng = np.random.default_rng(9)
    n = 3000
    src = np.concatenate([np.arange(n), rng.integers(0, n, 2 * n)])
    dst = np.concatenate([(np.arange(n) + 1) % n * (rng.random(n) < 0.9), rng.integers(0, n, 2 * n)])
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    out = _run("analytics_scc", graph, {})
    ref = nx.MultiDiGraph()
    ref.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    expected = {}
    for comp in nx.strongly_connected_components(ref):
        expected.update(dict.fromkeys(comp, min(comp)))
    assert len(set(expected.values())) > 10
    assert dict(zip(out["VID"], out["LABEL"], strict=True)) == expected


def test_scc_sinks_are_their_own_components() -> None:
    """Vertices without out-edges (trimmed before the search) label themselves, even when they
    hold the smallest id near a cycle that reaches them; a self-loop alone is no sink."""
    src = np.array([5, 6, 7, 7, 6, 1, 9, 9, 3, 3, 4])
    dst = np.array([6, 7, 5, 0, 1, 0, 9, 2, 4, 2, 3])
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    progress = RecordingProgress()
    out = _run("analytics_scc", graph, {"is_stat_community": True}, progress)
    ref = nx.MultiDiGraph()
    ref.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    expected = {}
    for comp in nx.strongly_connected_components(ref):
        expected.update(dict.fromkeys(comp, min(comp)))
    assert dict(zip(out["VID"], out["LABEL"], strict=True)) == expected
    assert [expected[v] for v in (0, 2, 9, 4)] == [0, 2, 9, 3]  # sinks 0 and 2; 9 only loops
    sizes = sorted((list(expected.values()).count(c) for c in set(expected.values())), reverse=True)
    assert f"{len(sizes)} communities" in progress.lines
    stats = f"{len(sizes)} communities; largest sizes {', '.join(map(str, sizes))}; {sizes.count(1)} single-vertex"
    assert stats in progress.lines


def test_scc_keeps_graph_arrays_intact() -> None:
    """SCC on a graph with parallel edges leaves the shared CSR arrays unchanged."""
    el = random_edges(4)
    graph = _graph(el, directed=True)
    before = (graph.indptr.copy(), graph.indices.copy())
    _run("analytics_scc", graph, {})
    assert np.array_equal(graph.indptr, before[0])
    assert np.array_equal(graph.indices, before[1])


# -- LPA -------------------------------------------------------------------------------------------


def _cdlp_reference(el: EdgeList, directed: bool, iterations: int) -> dict[Any, Any]:
    """LDBC CDLP: synchronous, in- and out-neighbours (reciprocal twice), most frequent, smallest on ties."""
    g = _nx(el, directed=directed)
    labels = {v: v for v in g.nodes}
    for _ in range(iterations):
        new = {}
        for v in g.nodes:
            counts: dict[Any, int] = defaultdict(int)
            for _, u in g.out_edges(v):
                counts[labels[u]] += 1
            if directed:
                for u, _ in g.in_edges(v):
                    counts[labels[u]] += 1
            if not counts:
                new[v] = labels[v]
                continue
            top = max(counts.values())
            new[v] = min(label for label, c in counts.items() if c == top)
        labels = new
    return labels


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_cdlp_matches_reference(seed: int, string_ids: bool, directed: bool) -> None:
    """variant=graphalytics is CDLP: exact rounds, smallest label on ties, parallel edges counted."""
    el = random_edges(seed, n=30, m=80, string_ids=string_ids)
    for iterations in (1, 2, 5):
        out = _run(
            "analytics_lpa",
            _graph(el, directed=directed),
            {"variant": "graphalytics", "iterations": iterations, "is_directed": directed},
        )
        assert dict(zip(out["VID"], out["LABEL"], strict=True)) == _cdlp_reference(el, directed, iterations)


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_lpa_na_fixed_point(seed: int, string_ids: bool, directed: bool, progress: RecordingProgress) -> None:
    """NA LPA stops at a fixed point: every label is a heaviest (weighted) label among the neighbours."""
    el = random_edges(seed, n=30, m=80, string_ids=string_ids)
    out = _run(
        "analytics_lpa",
        _graph(el, directed=directed, weighted=True),
        {"iterations": 200, "is_directed": directed},
        progress,
    )
    labels = dict(zip(out["VID"], out["LABEL"], strict=True))
    g = _nx(el, directed=directed)
    stable = any(line.startswith("labels stable") for line in progress.lines)
    if not stable:  # synchronous updates may oscillate; then nothing to check
        return
    for v in g.nodes:
        score: dict[Any, float] = defaultdict(float)
        for _, u, w in g.out_edges(v, data="weight"):
            score[labels[u]] += w
        if directed:
            for u, _, w in g.in_edges(v, data="weight"):
                score[labels[u]] += w
        if score:
            assert score[labels[v]] == pytest.approx(max(score.values()))


def test_lpa_seed_determinism() -> None:
    """NA LPA is reproducible for a seed; ties resolve differently for other seeds."""
    graph, _ = _ring_of_cliques(6, 4)
    edges = build_graph(np.arange(20), (np.arange(20) + 1) % 20, vid_type="int64", directed=False)
    for g in (graph, edges):
        a = _run("analytics_lpa", g, {"seed": 1, "is_directed": False})
        assert a == _run("analytics_lpa", g, {"seed": 1, "is_directed": False})
    outs = {
        tuple(_run("analytics_lpa", edges, {"seed": s, "is_directed": False, "iterations": 1})["LABEL"])
        for s in range(6)
    }
    assert len(outs) > 1


def test_lpa_modularity_output(progress: RecordingProgress) -> None:
    """is_output_modularity adds the modularity column; is_stat_community logs the sizes."""
    graph, _groups = _ring_of_cliques(5, 5)
    out = _run(
        "analytics_lpa",
        graph,
        {"is_directed": False, "is_output_modularity": True, "is_stat_community": True},
        progress,
    )
    labels = np.array([graph.lookup(x) for x in out["LABEL"]])
    q = modularity(graph, labels)
    assert out["MODULARITY"] == pytest.approx([q] * graph.n)
    assert any("communities; largest sizes" in line for line in progress.lines)


# -- HANP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_hanp_without_attenuation_is_lpa(seed: int, string_ids: bool, directed: bool) -> None:
    """HANP with preference 0 and hop_att 0 votes exactly as NA LPA (same seed, same labels)."""
    el = random_edges(seed, n=30, m=80, string_ids=string_ids)
    graph = _graph(el, directed=directed, weighted=True)
    for s in (0, 3):
        hanp = _run(
            "analytics_hanp",
            graph,
            {"preference": 0, "hop_att": 0, "seed": s, "is_directed": directed, "iterations": 7},
        )
        lpa = _run("analytics_lpa", graph, {"seed": s, "is_directed": directed, "iterations": 7})
        assert hanp == lpa


def _hanp_reference(g: nx.MultiDiGraph, iterations: int, m: float, delta: float) -> dict[Any, Any]:
    """HANP by its definition for graphs without ties (unweighted votes score * deg**m)."""
    labels = {v: v for v in g.nodes}
    score = dict.fromkeys(g.nodes, 1.0)
    deg = {v: g.out_degree(v) for v in g.nodes}
    for _ in range(iterations):
        new_l, new_s = {}, {}
        for v in g.nodes:
            votes: dict[Any, float] = defaultdict(float)
            for _, u in g.out_edges(v):
                votes[labels[u]] += score[u] * deg[u] ** m
            if not votes:
                new_l[v], new_s[v] = labels[v], score[v]
                continue
            best = max(votes, key=lambda lab: votes[lab])
            new_l[v] = best
            if best == labels[v]:
                new_s[v] = score[v]
            else:
                new_s[v] = max(score[u] for _, u in g.out_edges(v) if labels[u] == best) - delta
        labels, score = new_l, new_s
    return labels


def test_hanp_star_of_stars() -> None:
    """Node preference makes a hub's label win; scores decay by hop_att per hop (tie-free example)."""
    src = [0, 0, 0, 0, 1, 1, 2, 5]
    dst = [1, 2, 3, 4, 5, 6, 7, 8]
    graph = build_graph(np.array(src), np.array(dst), vid_type="int64", directed=False)
    ref = nx.MultiDiGraph()
    for s, d in zip(src, dst, strict=True):
        ref.add_edge(s, d)
        ref.add_edge(d, s)
    out = _run(
        "analytics_hanp", graph, {"is_directed": False, "iterations": 1, "preference": 2.0, "hop_att": 0.25}
    )
    assert dict(zip(out["VID"], out["LABEL"], strict=True)) == _hanp_reference(ref, 1, 2.0, 0.25)


# -- Louvain ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("string_ids", [False, True])
def test_louvain_recovers_planted_cliques(string_ids: bool) -> None:
    """A ring of cliques is split into its cliques; labels are the smallest member ids."""
    graph, groups = _ring_of_cliques(8, 5, string_ids=string_ids)
    out = _run("analytics_louvain", graph, {"is_directed": False})
    assert _partition(out) == sorted(groups, key=lambda g: sorted(map(str, g)))
    for v, label in zip(out["VID"], out["LABEL"], strict=True):
        assert label == min(next(g for g in groups if v in g))


@pytest.mark.parametrize("directed", [True, False])
def test_louvain_modularity_close_to_networkx(directed: bool, progress: RecordingProgress) -> None:
    """On a random multigraph Louvain's modularity is at least networkx Louvain's minus 0.03."""
    el = random_edges(12, n=120, m=400)
    graph = _graph(el, directed=directed, weighted=True)
    out = _run(
        "analytics_louvain",
        graph,
        {"is_directed": directed, "is_calc_modularity": True, "seed": 2},
        progress,
    )
    labels = np.array([graph.lookup(x) for x in out["LABEL"]])
    q = modularity(graph, labels, graph.weights)
    ref = nx.MultiGraph()
    ref.add_nodes_from(el.vertices)
    for s, d, w in zip(el.src, el.dst, el.weight, strict=True):
        ref.add_edge(s, d, weight=w)
    comms = nx.community.louvain_communities(ref, weight="weight", seed=1)
    assert q >= nx.community.modularity(ref, comms, weight="weight") - 0.03
    assert any(line.startswith(f"modularity {q:.6f}") for line in progress.lines)


def test_modularity_weighted_matches_networkx() -> None:
    """Weighted modularity equals networkx's on the undirected weighted multigraph."""
    el = random_edges(13, n=30, m=90)
    for directed in (True, False):
        graph = _graph(el, directed=directed, weighted=True)
        labels = np.arange(graph.n) % 4
        ref = nx.MultiGraph()
        ref.add_nodes_from(el.vertices)
        for s, d, w in zip(el.src, el.dst, el.weight, strict=True):
            ref.add_edge(s, d, weight=w)
        comms = [{graph.id_of(i) for i in range(graph.n) if labels[i] == k} for k in range(4)]
        expected = nx.community.modularity(ref, comms, weight="weight")
        assert modularity(graph, labels, graph.weights) == pytest.approx(expected, rel=1e-12)


def test_louvain_seed_determinism() -> None:
    """Louvain is reproducible for a seed."""
    el = random_edges(14, n=100, m=300)
    graph = _graph(el, directed=True, weighted=True)
    assert _run("analytics_louvain", graph, {"seed": 4}) == _run("analytics_louvain", graph, {"seed": 4})


def _planted_partition(groups: int, size: int, seed: int) -> tuple[Graph, np.ndarray]:
    """Random graph with ``groups`` planted groups: 8 edges inside per vertex, 1 between."""
    rng = np.random.default_rng(seed)
    n = groups * size
    block = np.arange(n) // size
    inner_src = rng.integers(0, n, 8 * n)
    inner_dst = block[inner_src] * size + rng.integers(0, size, 8 * n)
    cross_src, cross_dst = rng.integers(0, n, n), rng.integers(0, n, n)
    src = np.concatenate([inner_src, cross_src])
    dst = np.concatenate([inner_dst, cross_dst])
    graph = build_graph(src, dst, rng.random(src.shape[0]) + 0.5, vid_type="int64", directed=False)
    return graph, block[np.asarray(graph.ids, dtype=np.int64)]


def test_louvain_parallel_sweeps_do_not_depend_on_threads() -> None:
    """Sweeps over many vertices decide moves in parallel chunks: 1 and 3 thread blocks give
    the same communities and the same community graph, and modularity reaches the planted one's."""
    from graphmill.engine.algorithms._common import undirected_view
    from graphmill.engine.algorithms.community import louvain_kernels as k

    graph, planted = _planted_partition(300, 12, seed=5)
    assert graph.n >= k.PARALLEL_ACTIVE
    view = undirected_view(graph, keep_self=True)
    strength = np.add.reduceat(view.wsum, view.ptr[:-1])
    order = np.random.default_rng(3).permutation(graph.n).astype(np.int64)
    results = [  # min_parallel=0: every chunk is decided by the thread blocks, however small
        k.louvain_move(view.ptr, view.idx, view.wsum, strength, float(strength.sum()), order, 10, blocks, 0)
        for blocks in (1, 3)
    ]
    assert np.array_equal(results[0][0], results[1][0])
    assert results[0][1:] == results[1][1:]
    dense = np.unique(results[0][0], return_inverse=True)[1].astype(np.int64)
    ncomm = int(dense.max()) + 1
    one, three = (k.aggregate(view.ptr, view.idx, view.wsum, dense, ncomm, b, 0) for b in (1, 3))
    for a, b in zip(one, three, strict=True):
        assert np.array_equal(a, b)
    assert one[2].sum() == pytest.approx(view.wsum.sum())
    out = _run("analytics_louvain", graph, {"is_directed": False, "seed": 3})
    labels = np.array([graph.lookup(x) for x in out["LABEL"]])
    assert modularity(graph, labels, graph.weights) >= modularity(graph, planted, graph.weights) - 0.01


# -- InfoMap ---------------------------------------------------------------------------------------


def _plogp(x: float) -> float:
    return x * math.log2(x) if x > 0 else 0.0


@pytest.mark.parametrize("string_ids", [False, True])
def test_infomap_recovers_planted_cliques(string_ids: bool, progress: RecordingProgress) -> None:
    """InfoMap splits a ring of cliques into the cliques and logs the two-level codelength."""
    graph, groups = _ring_of_cliques(6, 6, string_ids=string_ids)
    out = _run("analytics_infomap", graph, {"is_directed": False, "comm_info_num": 3}, progress)
    assert _partition(out) == sorted(groups, key=lambda g: sorted(map(str, g)))
    # codelength by the map equation (undirected flow: p = degree / 2m)
    two_m = float(graph.m)
    deg = graph.out_degree()
    p = deg / two_m
    exits = []
    for group in groups:
        members = {graph.lookup(v) for v in group}
        leave = sum(
            1
            for u in members
            for k in range(graph.indptr[u], graph.indptr[u + 1])
            if graph.indices[k] not in members
        )
        exits.append((leave / two_m, float(sum(p[list(members)]))))
    q = sum(e for e, _ in exits)
    expected = (
        _plogp(q)
        - 2 * sum(_plogp(e) for e, _ in exits)
        - sum(_plogp(x) for x in p)
        + sum(_plogp(e + pm) for e, pm in exits)
    )
    line = next(x for x in progress.lines if x.startswith("codelength"))
    assert float(line.split()[1]) == pytest.approx(expected, rel=1e-6)
    assert sum(1 for x in progress.lines if x.startswith("community ")) == 3


def test_infomap_directed_and_seeded() -> None:
    """Directed InfoMap (PageRank flow) runs, labels are member ids, and the seed fixes the result."""
    el = random_edges(15, n=80, m=250)
    graph = _graph(el, directed=True)
    a = _run("analytics_infomap", graph, {"seed": 9})
    assert a == _run("analytics_infomap", graph, {"seed": 9})
    assert set(a["LABEL"]) <= set(a["VID"])
