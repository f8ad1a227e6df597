"""PageRank's locality layout: the relabelling, the sliced in-edges, float32, and the graph cache."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from graphmill import errors
from graphmill.engine.algorithms import _common
from graphmill.engine.algorithms.node_importance import pagerank as pagerank_module
from graphmill.engine.algorithms.node_importance import pagerank_layout
from graphmill.engine.algorithms.node_importance.pagerank import pagerank
from graphmill.engine.base import NullProgress
from graphmill.engine.execute import run_task
from graphmill.engine.graph import Graph, build_graph
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import CSV_NAME

from . import graphalytics as ga
from .conftest import DATA


def random_graph(seed: int, n: int = 300, m: int = 2500) -> Graph:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    src[:40] = dst[:40]  # self-loops
    src[40:80], dst[40:80] = src[80:120], dst[80:120]  # parallel edges
    return build_graph(src * 3 + 7, dst * 3 + 7, None, vid_type="int64", directed=True)


@pytest.mark.parametrize("blocks", [1, 2, 3, 7])
def test_layout_relabels_by_in_degree_and_slices_every_in_edge(blocks: int) -> None:
    """Vertices by in-degree (ties by index); every row holds exactly its in-edges, padded with n."""
    graph = random_graph(1)
    layout = pagerank_layout.PullLayout(**pagerank_layout.build_layout(graph, blocks))
    n, indeg = graph.n, graph.in_degree()
    order = layout.order
    assert sorted(order.tolist()) == list(range(n))
    assert [(-indeg[v], v) for v in order] == sorted((-indeg[v], v) for v in range(n))
    new_of_old = layout.old_to_new()
    expected: list[Counter[int]] = [Counter() for _ in range(n)]
    for u, v in zip(graph.sources().tolist(), graph.indices.tolist(), strict=True):
        expected[new_of_old[v]][int(new_of_old[u])] += 1
    for new in range(n):
        c = new // 8
        width = (layout.offsets[c + 1] - layout.offsets[c]) // 8
        row = [int(layout.sources[layout.offsets[c] + j * 8 + new % 8]) for j in range(width)]
        real = [s for s in row if s != n]
        assert Counter(real) == expected[new]
        assert row == real + [n] * (width - len(real))  # padding only after the row's edges
        # sources in ascending old index order, whatever the block count
        assert [order[s] for s in real] == sorted(order[s] for s in real)


def test_layout_does_not_depend_on_the_thread_count() -> None:
    graph = random_graph(2)
    one = pagerank_layout.build_layout(graph, 1)
    for blocks in (2, 5):
        other = pagerank_layout.build_layout(graph, blocks)
        for name, values in one.items():
            assert np.array_equal(values, other[name]), name


@pytest.mark.parametrize("layout", [True, False])
@pytest.mark.parametrize("variant", ["na", "graphalytics"])
def test_float32_contributions_stay_within_float32_rounding(
    variant: str, layout: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """float32 mode changes the ranks, by no more than single-precision rounding can (both paths)."""
    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)
    graph = random_graph(3)
    if layout:
        pagerank_layout.pull_layout(graph, 2)
    ranks = [
        pagerank(
            graph, iterations=20, damping=0.85, eps=0.0, variant=variant, progress=NullProgress(), precision=p
        )
        for p in ("float64", "float32")
    ]
    rel = np.abs(ranks[0] - ranks[1]) / np.abs(ranks[0])
    assert 0.0 < rel.max() < 1e-6


def test_precision_parameter_is_checked_and_defaults_to_float64() -> None:
    spec = get_algorithm("analytics_pagerank")
    assert spec.parse_params({})["precision"] == "float64"
    assert spec.parse_params({"precision": "float32"})["precision"] == "float32"
    with pytest.raises(errors.ParamError) as info:
        spec.parse_params({"precision": "float16"})
    data = info.value.data
    assert isinstance(data, list)
    assert [p["field"] for p in data] == ["precision"]  # type: ignore[index,call-overload]


def _write_edges(path: Path, graph_seed: int) -> None:
    rng = np.random.default_rng(graph_seed)
    src, dst = rng.integers(0, 500, 4000), rng.integers(0, 500, 4000)
    path.write_text("".join(f"{a},{b}\n" for a, b in zip(src.tolist(), dst.tolist(), strict=True)))


def _ranks(out_dir: Path) -> dict[str, str]:
    with (out_dir / CSV_NAME).open(newline="") as fh:
        return {row[0]: row[1] for row in csv.reader(fh)}


def test_layout_is_kept_in_the_graph_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first job builds the layout and adds it to the cache entry, even for a short run (the
    next job gets it for free); the next one only reads it."""
    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)
    edges = tmp_path / "edges.csv"
    _write_edges(edges, 4)
    source = EdgeSource(path=edges, format="csv", src=0, dst=1, has_header=False)
    cache = tmp_path / "cache"

    def run(name: str) -> dict[str, str]:
        run_task(
            "analytics_pagerank",
            {"iterations": "15"},
            [source],
            tmp_path / name,
            vid_type="int64",
            cache_dir=cache,
            progress=NullProgress(),
        )
        return _ranks(tmp_path / name)

    first = run("first")
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    names = sorted(p.name for p in entry.iterdir() if p.name.startswith("derived-"))
    layout = pagerank_layout.LAYOUT_NAME
    assert names == sorted(
        [f"derived-{layout}.json"] + [f"derived-{layout}-{a}.npy" for a in ("offsets", "order", "sources")]
    )

    _forbid_layout(monkeypatch)  # a cache hit reads the layout
    assert run("second") == first


def _forbid_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_build(graph: Graph, blocks: int) -> dict[str, np.ndarray]:
        raise AssertionError("the layout was built")

    monkeypatch.setattr(pagerank_layout, "build_layout", no_build)


def test_without_a_cache_the_layout_is_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cache entry to keep it: the plain in-CSR, same ranks; a layout already there is used."""
    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)
    graph = random_graph(5)
    pagerank_layout.pull_layout(graph, 2)
    with_layout = pagerank(graph, iterations=30, damping=0.85, eps=0.0, variant="na", progress=NullProgress())
    plain_graph = random_graph(5)
    _forbid_layout(monkeypatch)
    plain = pagerank(plain_graph, iterations=30, damping=0.85, eps=0.0, variant="na", progress=NullProgress())
    assert np.allclose(plain, with_layout, rtol=1e-12, atol=0.0)
    assert pagerank_layout.present_layout(plain_graph) is None
    assert pagerank_module.uses_layout(graph)
    assert not pagerank_module.uses_layout(plain_graph)


def _layout_in_memory(graph: Graph) -> None:
    pagerank_layout.pull_layout(graph, 2)


@pytest.mark.parametrize("path", ["layout", "plain"])
@pytest.mark.parametrize("reference", sorted(DATA.glob("*/*-PR")), ids=lambda p: p.name)
def test_graphalytics_pagerank_on_the_layout(
    reference: Path, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The LDBC PageRank references hold on the relabelled, sliced path and on the plain in-CSR's
    compiled iteration too (both precisions)."""
    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)
    if path == "plain":
        _forbid_layout(monkeypatch)
    name = reference.name.removesuffix("-PR")
    props = reference.parent / f"{name}.properties"
    graph, p = ga.load_evlp(props, weighted=False)
    if path == "layout":
        _layout_in_memory(graph)
    expected = ga.read_output(reference)
    ids = graph.ids.tolist()
    for precision in ("float64", "float32"):
        rank = pagerank(
            graph,
            iterations=int(p["pr.num-iterations"]),
            damping=float(p["pr.damping-factor"]),
            eps=0.0,
            variant="graphalytics",
            progress=NullProgress(),
            precision=precision,
        )
        actual = {int(v): repr(float(r)) for v, r in zip(ids, rank, strict=True)}
        assert ga.match_epsilon(expected, actual) == []
