"""The numpy/scipy paths for small graphs give what the compiled kernels give."""

from __future__ import annotations

import numpy as np
import pytest

from graphmill.engine.algorithms import _common
from graphmill.engine.base import NullProgress
from graphmill.engine.graph import build_graph
from graphmill.engine.registry import get_algorithm


def random_graph(seed: int, *, directed: bool) -> object:
    rng = np.random.default_rng(seed)
    n, m = 300, 1500
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    src[:40] = dst[:40]  # self-loops
    src[40:80], dst[40:80] = src[80:120], dst[80:120]  # parallel edges
    return build_graph(src, dst, None, vid_type="int64", directed=directed)


def run(task_type: str, graph: object, raw: dict[str, object]) -> list[dict[str, object]]:
    spec = get_algorithm(task_type)
    table = spec.run(graph, spec.parse_params(raw), NullProgress())  # type: ignore[arg-type]
    return table.to_pylist()  # type: ignore[no-any-return]


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize(
    ("task_type", "raw"),
    [
        ("analytics_pagerank", {}),
        ("analytics_pagerank", {"iterations": "80", "eps": "1e-12"}),
        ("analytics_pagerank", {"variant": "graphalytics", "iterations": "20"}),
        ("analytics_wcc", {}),
    ],
)
def test_small_path_matches_compiled_kernels(
    monkeypatch: pytest.MonkeyPatch, task_type: str, raw: dict[str, object], directed: bool
) -> None:
    """Below the size threshold the scipy path runs; it agrees with the numba kernels."""
    raw = {**raw, "is_directed": "true" if directed else "false"}
    graph = random_graph(7, directed=directed)
    assert _common.is_small(graph)  # type: ignore[arg-type]
    small = run(task_type, graph, raw)
    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)
    compiled = run(task_type, random_graph(7, directed=directed), raw)
    assert [r["VID"] for r in small] == [r["VID"] for r in compiled]
    for a, b in zip(small, compiled, strict=True):
        for key, value in a.items():
            if isinstance(value, float):
                assert value == pytest.approx(b[key], rel=1e-12, abs=1e-12)
            else:
                assert value == b[key]
