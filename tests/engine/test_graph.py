"""Graph building: id encoding, CSR layout, transpose, lookups."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.engine.graph import Graph, build_graph

from .conftest import random_edges


def _edge_multiset(graph: Graph) -> Counter[tuple[object, object]]:
    src = graph.sources()
    ids = [graph.id_of(i) for i in range(graph.n)]
    return Counter((ids[s], ids[d]) for s, d in zip(src.tolist(), graph.indices.tolist(), strict=True))


def test_int_ids_are_sorted_and_edges_kept() -> None:
    """Int64 ids get dense indices in ascending order; parallel edges and self-loops survive."""
    el = random_edges(1)
    g = build_graph(*el.arrow()[:2], vid_type="int64", directed=True)
    assert g.n == len(el.vertices)
    assert g.ids.tolist() == el.vertices
    assert g.m == len(el.src)
    assert _edge_multiset(g) == Counter(zip(el.src, el.dst, strict=True))
    assert g.indices.dtype == np.int32
    assert g.indptr.dtype == np.int64


def test_string_ids_sorted_lexicographically() -> None:
    """String ids are ordered byte-wise and looked up by value."""
    g = build_graph(pa.array(["b", "a", "c"]), pa.array(["a", "c", "b10"]), vid_type="string", directed=True)
    assert g.ids.to_pylist() == ["a", "b", "b10", "c"]
    assert g.lookup("b10") == 2
    assert g.id_of(3) == "c"
    with pytest.raises(errors.ParamError, match="'zz' is not in the graph"):
        g.lookup("zz")


def test_int_lookup_accepts_strings_and_rejects_missing() -> None:
    """Int64 graphs look up "42" and 42 alike; unknown or non-numeric ids raise ParamError."""
    g = build_graph(np.array([10, 42]), np.array([42, 7]), vid_type="int64", directed=True)
    assert g.lookup("42") == g.lookup(42) == 2
    assert g.lookup_many([7, "x", 8, 10]).tolist() == [0, -1, -1, 1]
    with pytest.raises(errors.ParamError):
        g.lookup("nope")
    with pytest.raises(errors.ParamError):
        g.lookup(11)


def test_rows_sorted_by_destination() -> None:
    """Within each CSR row neighbours are sorted, so parallel edges are adjacent."""
    el = random_edges(2)
    g = build_graph(*el.arrow()[:2], vid_type="int64", directed=True)
    for v in range(g.n):
        row = g.indices[g.indptr[v] : g.indptr[v + 1]]
        assert (np.diff(row) >= 0).all()


def test_undirected_adds_reverse_edges() -> None:
    """directed=False stores every edge both ways (a self-loop twice)."""
    g = build_graph(pa.array([1, 2, 3]), pa.array([2, 3, 3]), vid_type="int64", directed=False)
    assert not g.directed
    assert g.m == 6
    assert _edge_multiset(g) == Counter({(1, 2): 1, (2, 1): 1, (2, 3): 1, (3, 2): 1, (3, 3): 2})
    assert g.to_undirected() is g


def test_weights_follow_their_edges() -> None:
    """Weights are permuted together with the edges when rows are sorted."""
    el = random_edges(3)
    src, dst, w = el.arrow()
    g = build_graph(src, dst, w, vid_type="int64", directed=True)
    assert g.weights is not None
    got = Counter(
        (g.id_of(s), g.id_of(d), wt)
        for s, d, wt in zip(g.sources().tolist(), g.indices.tolist(), g.weights.tolist(), strict=True)
    )
    assert got == Counter(zip(el.src, el.dst, el.weight, strict=True))


def test_in_csr_is_the_transpose() -> None:
    """The in-CSR lists, per vertex, the sources of its in-edges and their out-CSR positions."""
    el = random_edges(4)
    g = build_graph(*el.arrow()[:2], vid_type="int64", directed=True)
    inc = g.in_csr()
    src = g.sources()
    for v in range(g.n):
        sl = slice(inc.indptr[v], inc.indptr[v + 1])
        assert (g.indices[inc.edge_ids[sl]] == v).all()
        assert (src[inc.edge_ids[sl]] == inc.indices[sl]).all()
    assert inc.indptr[-1] == g.m
    assert g.in_degree().tolist() == np.diff(inc.indptr).tolist()
    assert g.in_csr() is inc


def test_isolated_vertices_and_numpy_input() -> None:
    """Extra vertices join the id set without edges; numpy int ids can become string ids."""
    g = build_graph(
        np.array([1, 2]), np.array([2, 3]), vid_type="string", directed=True, vertices=np.array([9])
    )
    assert g.ids.to_pylist() == ["1", "2", "3", "9"]
    assert g.out_degree().tolist() == [1, 1, 0, 0]


def test_null_ids_fail() -> None:
    """A null vertex id is a TaskFailed."""
    with pytest.raises(errors.TaskFailed, match="null"):
        build_graph(pa.array(["a", None]), pa.array(["b", "c"]), vid_type="string", directed=True)


def test_empty_graph() -> None:
    """No edges give an empty graph."""
    g = build_graph(pa.array([], pa.int64()), pa.array([], pa.int64()), vid_type="int64", directed=True)
    assert g.n == 0
    assert g.m == 0
    assert g.indptr.tolist() == [0]


def _build_both(monkeypatch: pytest.MonkeyPatch, *args: object, **kwargs: object) -> tuple[object, object]:
    """The same graph built by numpy (no compiled kernels) and by the compiled kernels."""
    from graphmill.engine import csr, graph

    monkeypatch.setattr(graph, "COMPILED_MIN_EDGES", 10**12)
    monkeypatch.setattr(csr, "COMPILED_MIN_EDGES", 10**12)
    plain = build_graph(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(graph, "COMPILED_MIN_EDGES", 0)
    monkeypatch.setattr(csr, "COMPILED_MIN_EDGES", 0)
    compiled = build_graph(*args, **kwargs)  # type: ignore[arg-type]
    return plain, compiled


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("spread", [1, 2**40])
def test_compiled_build_equals_numpy_build(
    monkeypatch: pytest.MonkeyPatch, directed: bool, spread: int
) -> None:
    """Dense ids (direct table) and sparse ids (hashing) give the numpy path's CSR exactly.

    Parallel edges carry different weights, so the stable order within a row is checked too.
    """
    rng = np.random.default_rng(7)
    raw = rng.integers(0, 300, size=(2, 5000)) * spread - 7
    weights = rng.random(5000)
    plain, compiled = _build_both(
        monkeypatch, raw[0], raw[1], weights, vid_type="int64", directed=directed, vertices=np.array([10**15])
    )
    for name in ("ids", "indptr", "indices", "weights"):
        assert np.array_equal(getattr(plain, name), getattr(compiled, name)), name
    assert compiled.n == plain.n == len(set(raw.ravel().tolist())) + 1  # type: ignore[attr-defined]
    src = compiled.sources()  # type: ignore[attr-defined]
    assert (np.diff(compiled.indices)[np.diff(src) == 0] >= 0).all()  # type: ignore[attr-defined]


def test_compiled_build_string_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """String ids through the compiled remap give the same graph as numpy."""
    rng = np.random.default_rng(8)
    names = np.array([f"v{i}" for i in range(50)], dtype=object)
    src = pa.array(names[rng.integers(0, 50, 800)].tolist())
    dst = pa.array(names[rng.integers(0, 50, 800)].tolist())
    plain, compiled = _build_both(monkeypatch, src, dst, vid_type="string", directed=True)
    assert plain.ids.to_pylist() == compiled.ids.to_pylist()  # type: ignore[attr-defined]
    assert np.array_equal(plain.indptr, compiled.indptr)  # type: ignore[attr-defined]
    assert np.array_equal(plain.indices, compiled.indices)  # type: ignore[attr-defined]


def test_parallel_transpose_blocks_keep_rows_sorted() -> None:
    """The transpose split into source blocks equals a stable sort of the edges by destination."""
    from graphmill.engine.csr_kernels import transpose

    rng = np.random.default_rng(11)
    g = build_graph(rng.integers(0, 90, 3000), rng.integers(0, 90, 3000), vid_type="int64", directed=True)
    order = np.argsort(g.indices, kind="stable")
    for bounds in ([0, g.n], [0, 10, 45, g.n], [0, 0, 30, g.n, g.n]):
        in_ptr, sources, edge_ids = transpose(g.indptr, g.indices, np.array(bounds, dtype=np.int64), True)
        assert np.array_equal(edge_ids, order)
        assert np.array_equal(sources, g.sources()[order])
        assert np.array_equal(in_ptr[1:], np.cumsum(g.in_degree()))
        lean_ptr, lean_sources, no_ids = transpose(
            g.indptr, g.indices, np.array(bounds, dtype=np.int64), False
        )
        assert no_ids.shape == (0,)
        assert np.array_equal(lean_ptr, in_ptr)
        assert np.array_equal(lean_sources, sources)


def test_in_edges_is_the_in_csr_without_edge_ids() -> None:
    rng = np.random.default_rng(12)
    g = build_graph(rng.integers(0, 300, 9000), rng.integers(0, 300, 9000), vid_type="int64", directed=True)
    in_ptr, sources = g.in_edges()
    assert g.in_edges()[1] is sources  # built once
    order = np.argsort(g.indices, kind="stable")
    assert np.array_equal(sources, g.sources()[order])
    assert np.array_equal(in_ptr[1:], np.cumsum(g.in_degree()))
    full = g.in_csr()
    assert g.in_edges()[1] is full.indices  # the full transpose's arrays once it exists
