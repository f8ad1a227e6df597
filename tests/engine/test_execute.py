"""run_task: parameters → graph → algorithm → result files, with progress in all three phases."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphmill import errors
from graphmill.engine.base import RecordingProgress
from graphmill.engine.execute import run_task
from graphmill.engine.loader import EdgeSource
from graphmill.engine.results import read_result_rows

FOLLOW = "src,dst,degree\nplayer100,player101,95\nplayer101,player100,95\nplayer102,player100,75\n"
SERVE = "src,dst\nplayer100,team204\nplayer101,team204\n"


@pytest.fixture
def sources(tmp_path: Path) -> list[EdgeSource]:
    """Two edge types in CSV files, one with a weight column."""
    (tmp_path / "follow.csv").write_text(FOLLOW)
    (tmp_path / "serve.csv").write_text(SERVE)
    return [
        EdgeSource(tmp_path / "follow.csv", "csv", "src", "dst", "degree"),
        EdgeSource(tmp_path / "serve.csv", "csv", "src", "dst"),
    ]


def test_pagerank_task(tmp_path: Path, sources: list[EdgeSource]) -> None:
    """An Explorer-style PageRank task writes six-decimal results and reports every phase."""
    progress = RecordingProgress()
    spec = {"iterations": "10", "is_directed": "true", "eps": "0.0001", "damping": "0.85", "vtype": "string"}
    manifest = run_task(
        "analytics_pagerank",
        spec,
        sources,
        tmp_path / "out",
        vid_type="string",
        cache_dir=tmp_path / "cache",
        progress=progress,
    )
    assert manifest.columns == ["VID", "VALUE"]
    assert manifest.rows == 4
    rows = read_result_rows(tmp_path / "out", 10)
    assert [r[0] for r in rows] == ["player100", "player101", "player102", "team204"]
    assert rows[2] == ["player102", "0.150000"]
    assert {e[0] for e in progress.events} == {"loading", "computing", "writing"}
    assert any("iteration 1 of 10" in e[2] for e in progress.events)


def test_sssp_task_uses_weights(tmp_path: Path, sources: list[EdgeSource]) -> None:
    """SSSP loads weights (1.0 for the unweighted edge type)."""
    run_task(
        "analytics_sssp",
        {"root": "player102"},
        sources,
        tmp_path / "out",
        vid_type="string",
        cache_dir=None,
        progress=RecordingProgress(),
    )
    assert read_result_rows(tmp_path / "out", 10) == [
        ["player100", "75.000000"],
        ["player101", "170.000000"],
        ["player102", "0.000000"],
        ["team204", "76.000000"],
    ]


def test_bad_params_before_loading(tmp_path: Path) -> None:
    """Invalid parameters fail before any file is touched."""
    with pytest.raises(errors.ParamError):
        run_task(
            "analytics_bfs",
            {},
            [EdgeSource(tmp_path / "missing.csv", "csv")],
            tmp_path / "out",
            vid_type=None,
            cache_dir=None,
            progress=RecordingProgress(),
        )


def _compiled_signatures() -> dict[str, int]:
    from graphmill.engine import csr_kernels
    from graphmill.engine.algorithms import bfs_kernels
    from graphmill.engine.algorithms.node_importance import kcore_kernels, pagerank_kernels
    from graphmill.engine.algorithms.path import depth_kernels
    from graphmill.engine.algorithms.path import kernels as path_kernels

    dispatchers = {
        "transpose": csr_kernels.transpose,
        "pagerank_step": pagerank_kernels.pagerank_step,
        "pull_step": pagerank_kernels.pull_step,
        "bucket_sssp": path_kernels.bucket_sssp,
        "positive_range": path_kernels.positive_range,
        "bfs_levels": bfs_kernels.bfs_levels,
        "bfs_depths": depth_kernels.bfs_depths,
        "core_numbers_csr": kcore_kernels.core_numbers_csr,
    }
    return {name: len(d.signatures) for name, d in dispatchers.items()}


def test_warm_up_loads_every_kernel_a_first_big_task_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``warm_up_kernels`` a PageRank, SSSP, KCore or BFS task, on a fresh graph and on one
    memory-mapped from the graph cache, calls no kernel with an argument type not yet loaded.

    KCore keeps its in-edges in the cache entry: the BFS after it on the same entry goes
    bottom-up over them, read-only."""
    import numpy as np

    from graphmill.engine.algorithms import _common
    from graphmill.engine.algorithms.path import traversal
    from graphmill.engine.execute import warm_up_kernels

    monkeypatch.setattr(_common, "SMALL_GRAPH_EDGES", 0)  # the compiled paths a big graph takes
    monkeypatch.setattr(traversal, "DIRECTION_MIN_EDGES", 0)  # BFS's direction-optimising kernel
    warm_up_kernels()
    loaded = _compiled_signatures()
    assert all(loaded.values()), loaded
    rng = np.random.default_rng(3)
    edges = tmp_path / "edges.csv"
    rows = zip(rng.integers(0, 400, 3000).tolist(), rng.integers(0, 400, 3000).tolist(), strict=True)
    edges.write_text("".join(f"{a},{b},{1 + (a * b) % 7}\n" for a, b in rows))
    for run, (task, params) in enumerate(
        [
            ("analytics_pagerank", {"iterations": "5"}),
            ("analytics_pagerank", {"iterations": "5", "precision": "float32"}),
            ("analytics_sssp", {"root": "1"}),
            ("analytics_kcore", {}),
            ("analytics_bfs", {"root": "1"}),
        ]
    ):
        for cache in ("none", "fresh", "hit"):  # no graph cache, entry written, entry read
            run_task(
                task,
                params,
                [EdgeSource(edges, "csv", 0, 1, 2, has_header=False)],
                tmp_path / f"out-{run}-{cache}",
                vid_type="int64",
                cache_dir=None if cache == "none" else tmp_path / f"cache-{run}",
                progress=RecordingProgress(),
            )
    progress = RecordingProgress()  # BFS on KCore's entry (run 3), which holds the in-edges
    run_task(
        "analytics_bfs",
        {"root": "1"},
        [EdgeSource(edges, "csv", 0, 1, 2, has_header=False)],
        tmp_path / "out-bfs-after-kcore",
        vid_type="int64",
        cache_dir=tmp_path / "cache-3",
        progress=progress,
    )
    assert any("bottom-up over the in-CSR" in line for line in progress.lines), progress.lines
    assert _compiled_signatures() == loaded
