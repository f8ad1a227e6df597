"""Direction-optimising BFS: every step and every switch between them gives the exact depths."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import numpy.typing as npt
import pytest

from graphmill.engine.algorithms.path import depth_kernels as k
from graphmill.engine.algorithms.path import traversal
from graphmill.engine.algorithms.path.traversal import BFS, bfs_depths
from graphmill.engine.base import RecordingProgress
from graphmill.engine.graph import Graph, build_graph

NEVER = 10**12  # a switch point no level reaches
ALWAYS = 0  # a switch point every level passes


def _reference(graph: Graph, root: int) -> npt.NDArray[np.int64]:
    """Depths by a plain FIFO breadth-first search over the out-CSR."""
    depth = np.full(graph.n, -1, dtype=np.int64)
    depth[root] = 0
    todo = deque([root])
    while todo:
        v = todo.popleft()
        for u in graph.indices[graph.indptr[v] : graph.indptr[v + 1]]:
            if depth[u] < 0:
                depth[u] = depth[v] + 1
                todo.append(int(u))
    return depth


def _random_graph(seed: int, directed: bool) -> Graph:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    m = int(rng.integers(0, 5 * n))
    src = np.concatenate([rng.integers(0, n, m), [0, 1, 1]])  # a self-loop and a parallel pair
    dst = np.concatenate([rng.integers(0, n, m), [0, 1 % n, 1 % n]])
    return build_graph(src, dst, vid_type="int64", directed=directed)


def _kernel(
    graph: Graph, root: int, *, bottom_up: bool, blocks: int, alpha: int, beta: int, parallel: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    inc = graph.in_csr() if graph.directed else None
    in_ptr = inc.indptr if inc is not None else graph.indptr
    in_idx = inc.indices if inc is not None else graph.indices
    depth, steps = k.bfs_depths(
        graph.indptr, graph.indices, in_ptr, in_idx, bottom_up, root, blocks, alpha, beta, parallel
    )
    return np.asarray(depth, dtype=np.int64), np.asarray(steps, dtype=np.int64)


SETTINGS = list(
    itertools.product(
        (False, True),  # bottom-up allowed
        (1, 2, 3),  # threads' blocks
        (k.ALPHA, NEVER),  # alpha: Beamer's, or bottom-up as soon as it is allowed
        (k.BETA, 1, NEVER),  # beta: Beamer's, back to top-down at once, or never back
        (k.PARALLEL_EDGES, ALWAYS),  # dense top-down only past PARALLEL_EDGES, or on every dense level
    )
)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_every_setting_gives_the_reference_depths(seed: int, directed: bool) -> None:
    """Random multigraphs (self-loops, parallel edges, unreachable parts): all switch settings agree."""
    graph = _random_graph(seed, directed)
    for root in (0, graph.n - 1, graph.n // 2):
        want = _reference(graph, root)
        for bottom_up, blocks, alpha, beta, parallel in SETTINGS:
            got, steps = _kernel(
                graph, root, bottom_up=bottom_up, blocks=blocks, alpha=alpha, beta=beta, parallel=parallel
            )
            assert np.array_equal(got, want), (bottom_up, blocks, alpha, beta, parallel)
            assert steps.sum() == int(want.max()) + 1  # one step per level, the empty last one included
            if not bottom_up:
                assert steps[2] == 0


def _bulge(directed: bool) -> Graph:
    """A root with 40 children, all joined to 40 grandchildren, which lead to a 50-vertex tail.

    The frontier of children has far more edges than the rest of the graph (bottom-up next);
    the tail's frontiers are single vertices (top-down again).
    """
    children = np.arange(1, 41)
    grand = np.arange(41, 81)
    tail = np.arange(81, 131)
    src = np.concatenate([np.zeros(40, dtype=np.int64), np.repeat(children, 40), grand, tail[:-1]])
    dst = np.concatenate([children, np.tile(grand, 40), np.full(40, 81), tail[1:]])
    return build_graph(src, dst, vid_type="int64", directed=directed)


@pytest.mark.parametrize("directed", [True, False])
def test_beamer_switches_down_up_and_back(directed: bool) -> None:
    """With Beamer's switch points the bulge runs bottom-up and the tail top-down again."""
    graph = _bulge(directed)
    for blocks in (1, 2):
        depth, steps = _kernel(
            graph, 0, bottom_up=True, blocks=blocks, alpha=k.ALPHA, beta=k.BETA, parallel=k.PARALLEL_EDGES
        )
        assert np.array_equal(depth, _reference(graph, 0))
        assert steps[2] >= 1  # the bulge, bottom-up
        assert steps[0] >= 50  # at most two top-down levels precede the bulge: the tail came back
        assert depth[130] == 52


def test_forced_steps_each_run() -> None:
    """Forcing each step makes it build the levels: dense top-down, bottom-up from the first level."""
    graph = _bulge(False)
    _, steps = _kernel(graph, 0, bottom_up=False, blocks=2, alpha=k.ALPHA, beta=k.BETA, parallel=ALWAYS)
    assert steps[1] >= 1
    _, steps = _kernel(graph, 0, bottom_up=True, blocks=2, alpha=NEVER, beta=NEVER, parallel=k.PARALLEL_EDGES)
    assert steps[0] == 0
    assert steps[2] == 53


@pytest.fixture
def direction_optimising(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks on these tiny graphs run the direction-optimising kernel (not the small-graph one)."""
    monkeypatch.setattr(traversal, "DIRECTION_MIN_EDGES", 0)


@pytest.mark.parametrize("directed", [True, False])
def test_small_graphs_take_the_queued_kernel_with_the_same_depths(
    directed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below DIRECTION_MIN_EDGES the plain queued kernel runs (no log line); its depths are the same."""
    for seed in range(6):
        graph = _random_graph(seed, directed)
        progress = RecordingProgress()
        small = bfs_depths(graph, 0, progress)
        assert progress.lines == []
        monkeypatch.setattr(traversal, "DIRECTION_MIN_EDGES", 0)
        assert np.array_equal(bfs_depths(graph, 0, progress), small)
        assert progress.lines[-1].startswith("levels:")
        assert np.array_equal(small, _reference(graph, 0))
        monkeypatch.undo()


@pytest.mark.usefixtures("direction_optimising")
def test_directed_bfs_uses_an_in_csr_only_when_already_built() -> None:
    """A directed BFS never builds the transpose; it searches bottom-up only over one already built."""
    graph = _bulge(True)
    progress = RecordingProgress()
    want = _reference(graph, 0)
    assert np.array_equal(bfs_depths(graph, 0, progress), want)
    assert graph.in_csr_if_built() is None
    assert "bottom-up not used" in progress.lines[-1]
    graph.in_csr()
    progress = RecordingProgress()
    assert np.array_equal(bfs_depths(graph, 0, progress), want)
    assert "bottom-up over the in-CSR" in progress.lines[-1]


@pytest.mark.usefixtures("direction_optimising")
def test_undirected_bfs_task_searches_bottom_up_over_its_out_csr() -> None:
    """An undirected graph's out-CSR serves as its in-CSR: the task's log names the bottom-up levels."""
    graph = _bulge(False)
    spec = BFS
    params = spec.parse_params({"root": 0, "variant": "graphalytics", "is_directed": False})
    progress = RecordingProgress()
    table = spec.run(graph, params, progress)
    assert table.column("DEPTH").to_pylist() == _reference(graph, 0).tolist()
    levels = next(line for line in progress.lines if line.startswith("levels:"))
    assert "bottom-up over the out-CSR (undirected)" in levels
    assert " 0 bottom-up" not in levels
