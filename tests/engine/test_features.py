"""TriangleCount, ClusteringCoefficient, Node2Vec, Tree_stat, HyperANF, Jaccard, APSP and ShortestPath."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphmill import errors
from graphmill.engine.base import RecordingProgress
from graphmill.engine.graph import build_graph

from .conftest import EdgeList, random_edges
from .test_algorithms import CASES, _graph, _nx, _run


def _simple(el: EdgeList, *, keep_self: bool = False) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(el.vertices)
    g.add_edges_from((s, d) for s, d in zip(el.src, el.dst, strict=True) if keep_self or s != d)
    return g


def _multiplicity(el: EdgeList) -> dict[frozenset[Any], int]:
    mult: dict[frozenset[Any], int] = defaultdict(int)
    for s, d in zip(el.src, el.dst, strict=True):
        if s != d:
            mult[frozenset((s, d))] += 1
    return mult


# -- triangles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_triangle_counts(seed: int, string_ids: bool, directed: bool) -> None:
    """opt=1/2/3 equal networkx's triangles on the simple undirected view; listing is exact."""
    el = random_edges(seed, n=25, m=120, string_ids=string_ids)
    graph = _graph(el, directed=directed)
    ref = _simple(el)
    per_vertex = nx.triangles(ref)
    raw = {"is_directed": directed}
    assert _run("analytics_triangle_count", graph, {**raw, "opt": 1}) == {
        "COUNT": [sum(per_vertex.values()) // 3]
    }
    out = _run("analytics_triangle_count", graph, {**raw, "opt": 2})
    assert dict(zip(out["VID"], out["COUNT"], strict=True)) == per_vertex
    listed = _run("analytics_triangle_count", graph, raw)
    rows = list(zip(listed["VID1"], listed["VID2"], listed["VID3"], strict=True))
    expected = sorted(
        tuple(sorted(c, key=graph.lookup))
        for c in itertools.combinations(ref.nodes, 3)
        if ref.has_edge(c[0], c[1]) and ref.has_edge(c[1], c[2]) and ref.has_edge(c[0], c[2])
    )
    assert sorted(rows, key=lambda r: [graph.lookup(x) for x in r]) == sorted(
        expected, key=lambda r: [graph.lookup(x) for x in r]
    )


@pytest.mark.parametrize("directed", [True, False])
def test_triangles_with_parallel_edges(directed: bool) -> None:
    """removed_duplication_edge=false counts a triangle once per combination of parallel edges."""
    el = random_edges(5, n=15, m=80)
    mult = _multiplicity(el)
    ref = _simple(el)
    expected: defaultdict[tuple[object, ...], int] = defaultdict(int)
    for a, b, c in itertools.combinations(ref.nodes, 3):
        product = mult[frozenset((a, b))] * mult[frozenset((b, c))] * mult[frozenset((a, c))]
        for v in (a, b, c):
            expected[v] += product
    out = _run(
        "analytics_triangle_count",
        _graph(el, directed=directed),
        {"opt": 2, "removed_duplication_edge": False, "is_directed": directed},
    )
    assert dict(zip(out["VID"], out["COUNT"], strict=True)) == {v: expected[v] for v in el.vertices}


# -- clustering --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_clustering_local_and_global(seed: int, string_ids: bool, directed: bool) -> None:
    """Local = networkx clustering, global = sum T / sum d(d-1)/2 on the simple undirected view."""
    el = random_edges(seed, n=25, m=100, string_ids=string_ids)
    graph = _graph(el, directed=directed)
    ref = _simple(el)
    out = _run("analytics_clustering_coefficient", graph, {"is_directed": directed})
    expected = nx.clustering(ref)
    for v, value in zip(out["VID"], out["VALUE"], strict=True):
        assert value == pytest.approx(expected[v], abs=1e-12)
    tri = nx.triangles(ref)
    pairs = sum(d * (d - 1) / 2 for _, d in ref.degree())
    glob = _run("analytics_clustering_coefficient", graph, {"type": "global", "is_directed": directed})
    assert glob["VID"] == [None]
    assert glob["VALUE"] == [pytest.approx(sum(tri.values()) / pairs)]


def _lcc_reference(el: EdgeList, directed: bool) -> dict[Any, float]:
    """LDBC LCC: distinct neighbours ignoring direction; directed edges among them over d(d-1)."""
    edges = {(s, d) for s, d in zip(el.src, el.dst, strict=True) if s != d}
    if not directed:
        edges |= {(d, s) for s, d in edges}
    nbrs: dict[Any, set[Any]] = {v: set() for v in el.vertices}
    for s, d in edges:
        nbrs[s].add(d)
        nbrs[d].add(s)
    result = {}
    for v in el.vertices:
        d = len(nbrs[v])
        if d <= 1:
            result[v] = 0.0
            continue
        links = sum(1 for u in nbrs[v] for w in nbrs[v] if u != w and (u, w) in edges)
        result[v] = links / (d * (d - 1))
    return result


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_lcc_graphalytics(seed: int, string_ids: bool, directed: bool) -> None:
    """variant=graphalytics is LDBC LCC (directed definition; reciprocal pairs among neighbours count twice)."""
    el = random_edges(seed, n=25, m=120, string_ids=string_ids)
    out = _run(
        "analytics_clustering_coefficient",
        _graph(el, directed=directed),
        {"variant": "graphalytics", "is_directed": directed, "type": "global"},
    )
    expected = _lcc_reference(el, directed)
    got = dict(zip(out["VID"], out["VALUE"], strict=True))
    assert got.keys() == expected.keys()
    for v, value in expected.items():
        assert got[v] == pytest.approx(value, abs=1e-12)


# -- node2vec ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_node2vec_walks_follow_edges(seed: int, string_ids: bool, directed: bool) -> None:
    """Every walk starts at its vertex, follows out-edges, and pads with empty cells after a dead end."""
    el = random_edges(seed, n=30, m=50, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    out = _run(
        "analytics_node2vec",
        _graph(el, directed=directed, weighted=True),
        {"step": 6, "epoch": 2, "is_directed": directed},
    )
    assert list(out) == [f"VID{i}" for i in range(7)]
    walks = list(zip(*out.values(), strict=True))
    assert len(walks) == 2 * len(el.vertices)
    assert [w[0] for w in walks] == el.vertices * 2
    for walk in walks:
        for a, b in itertools.pairwise(walk):
            if b is None:
                assert a is None or ref.out_degree(a) == 0
                continue
            assert ref.has_edge(a, b)


def test_node2vec_seed_and_bias() -> None:
    """Walks repeat for a seed; a tiny p makes walks return to the previous vertex."""
    g = nx.connected_watts_strogatz_graph(60, 6, 0.2, seed=3)
    src = np.array([u for u, v in g.edges()])
    dst = np.array([v for u, v in g.edges()])
    graph = build_graph(src, dst, np.ones(src.shape[0]), vid_type="int64", directed=False)
    raw = {"step": 8, "is_directed": False, "seed": 11}
    a = _run("analytics_node2vec", graph, raw)
    assert a == _run("analytics_node2vec", graph, raw)
    assert a != _run("analytics_node2vec", graph, {**raw, "seed": 12})
    back = _run("analytics_node2vec", graph, {**raw, "p": 0.001, "q": 1.0})
    walks = list(zip(*back.values(), strict=True))
    returns = sum(1 for w in walks for i in range(2, 9) if w[i] == w[i - 2])
    assert returns / (len(walks) * 7) > 0.9


def test_node2vec_weighted_prefers_heavy_edges() -> None:
    """is_weighted=true picks out-neighbours proportionally to the edge weight."""
    src = np.array([0] * 2 + [1, 2])
    dst = np.array([1, 2, 0, 0])
    graph = build_graph(src, dst, np.array([99.0, 1.0, 1.0, 1.0]), vid_type="int64", directed=True)
    out = _run("analytics_node2vec", graph, {"step": 1, "epoch": 200, "is_weighted": True})
    firsts = [b for a, b in zip(out["VID0"], out["VID1"], strict=True) if a == 0]
    assert firsts.count(1) > 0.9 * len(firsts)


# -- Tree_stat / HyperANF ------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_tree_stat(seed: int, string_ids: bool, directed: bool) -> None:
    """width = most vertices on one BFS level, depth = largest hop distance, in `stat` order."""
    el = random_edges(seed, n=40, m=50, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    root = el.src[0]
    lengths = nx.single_source_shortest_path_length(ref, root)
    width = max(list(lengths.values()).count(d) for d in set(lengths.values()))
    depth = max(lengths.values())
    graph = _graph(el, directed=directed)
    out = _run("analytics_tree_stat", graph, {"root": root, "is_directed": directed})
    assert out == {"VALUE": [f"{width},{depth}"]}
    out = _run("analytics_tree_stat", graph, {"root": root, "stat": "depth", "is_directed": directed})
    assert out == {"VALUE": [str(depth)]}


def test_hyperanf_close_to_exact(progress: RecordingProgress) -> None:
    """HyperANF (bits=14) is within 5% of the exact average distance over connected ordered pairs."""
    g = nx.connected_watts_strogatz_graph(300, 4, 0.1, seed=5)
    src = np.array([u for u, v in g.edges()])
    dst = np.array([v for u, v in g.edges()])
    graph = build_graph(src, dst, vid_type="int64", directed=False)
    out = _run("analytics_hyperanf", graph, {"bits": 14, "is_directed": False}, progress)
    exact = nx.average_shortest_path_length(g)
    assert out["VALUE"][0] == pytest.approx(exact, rel=0.05)
    assert any(line.startswith("average distance") for line in progress.lines)


# -- Jaccard -----------------------------------------------------------------------------------------


def _neighbour_sets(el: EdgeList, keep_self: bool) -> dict[Any, set[Any]]:
    nbrs: dict[Any, set[Any]] = {v: set() for v in el.vertices}
    for s, d in zip(el.src, el.dst, strict=True):
        if s == d and not keep_self:
            continue
        nbrs[s].add(d)
        nbrs[d].add(s)
    return nbrs


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_jaccard(seed: int, string_ids: bool, directed: bool) -> None:
    """Jaccard of distinct undirected neighbour sets for ids1 x ids2, or ids1 x everyone sharing a neighbour."""
    el = random_edges(seed, n=30, m=70, string_ids=string_ids)
    graph = _graph(el, directed=directed)
    ids1, ids2 = el.vertices[:3], el.vertices[2:9]
    for keep_self in (False, True):
        nbrs = _neighbour_sets(el, keep_self)
        raw = {
            "ids1": ",".join(map(str, ids1)),
            "ids2": [str(x) for x in ids2],
            "removed_self_edge": not keep_self,
            "is_directed": directed,
        }
        out = _run("analytics_jaccard_similarity", graph, raw)
        expected = []
        for a in ids1:
            for b in ids2:
                if a != b:
                    union = nbrs[a] | nbrs[b]
                    expected.append((a, b, len(nbrs[a] & nbrs[b]) / len(union) if union else 0.0))
        got = list(zip(out["VID1"], out["VID2"], out["VALUE"], strict=True))
        assert [r[:2] for r in got] == [r[:2] for r in expected]
        assert [r[2] for r in got] == pytest.approx([r[2] for r in expected])
        everyone = _run("analytics_jaccard_similarity", graph, {**raw, "ids2": ""})
        expected_all = {
            (a, b): len(nbrs[a] & nbrs[b]) / len(nbrs[a] | nbrs[b])
            for a in ids1
            for b in el.vertices
            if b != a and nbrs[a] & nbrs[b]
        }
        got_all = {
            (a, b): v for a, b, v in zip(everyone["VID1"], everyone["VID2"], everyone["VALUE"], strict=True)
        }
        assert got_all.keys() == expected_all.keys()
        for key, value in expected_all.items():
            assert got_all[key] == pytest.approx(value)


def test_jaccard_unknown_vertex() -> None:
    """An id in ids1/ids2 that is not a vertex fails the task."""
    g = build_graph(np.array([1]), np.array([2]), vid_type="int64", directed=True)
    with pytest.raises(errors.TaskFailed, match="ids1: vertices not in the graph: 7"):
        _run("analytics_jaccard_similarity", g, {"ids1": "1,7"})


# -- APSP / ShortestPath ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_apsp(seed: int, string_ids: bool, directed: bool) -> None:
    """APSP lists every reachable ordered pair of distinct vertices with its Dijkstra distance."""
    el = random_edges(seed, n=20, m=40, string_ids=string_ids, zero_weights=True)
    ref = _nx(el, directed=directed)
    out = _run("analytics_apsp", _graph(el, directed=directed, weighted=True), {"is_directed": directed})
    got = {(a, b): d for a, b, d in zip(out["VID1"], out["VID2"], out["DISTANCE"], strict=True)}
    expected = {
        (a, b): d
        for a, lengths in nx.all_pairs_dijkstra_path_length(ref)
        for b, d in lengths.items()
        if a != b
    }
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize(("seed", "string_ids", "directed"), CASES)
def test_shortest_path(seed: int, string_ids: bool, directed: bool, progress: RecordingProgress) -> None:
    """One row per connected (src, dst) pair: a valid hop-shortest path written 'src,...,dst'."""
    el = random_edges(seed, n=30, m=60, string_ids=string_ids)
    ref = _nx(el, directed=directed)
    srcs, dsts = el.vertices[:3], el.vertices[3:8] + el.vertices[:1]
    out = _run(
        "analytics_shortest_path",
        _graph(el, directed=directed),
        {"src": ",".join(map(str, srcs)), "dst": ",".join(map(str, dsts)), "is_directed": directed},
        progress,
    )
    expected = [(s, t) for s in srcs for t in dsts if nx.has_path(ref, s, t)]
    assert len(out["VALUE"]) == len(expected)
    for (s, t), text in zip(expected, out["VALUE"], strict=True):
        path = text.split(",")
        assert path[0] == str(s)
        assert path[-1] == str(t)
        assert len(path) - 1 == nx.shortest_path_length(ref, s, t)
        lookup = {str(v): v for v in el.vertices}
        assert all(ref.has_edge(lookup[a], lookup[b]) for a, b in itertools.pairwise(path))
    if len(expected) < len(srcs) * len(dsts):
        assert any("have no path" in line for line in progress.lines)
