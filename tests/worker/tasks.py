"""Small task plans for driving worker processes directly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from graphmill.engine.loader import EdgeSource
from graphmill.worker.plan import TaskPlan


class QuietEvents:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def log(self, level: str, message: str) -> None:
        self.lines.append(message)

    def progress(self, phase: str, fraction: float | None, message: str) -> None:
        pass


def wcc_plan(tmp_path: Path, n: int, *, edges: int = 50) -> TaskPlan:
    """A WCC task over a ring-like int64 graph of ``edges`` edges (Parquet), results under tmp_path."""
    source_path = tmp_path / f"edges-{edges}.parquet"
    if not source_path.exists():
        rng = np.random.default_rng(edges)
        pq.write_table(
            pa.table({"src": rng.integers(0, edges // 2, edges), "dst": rng.integers(0, edges // 2, edges)}),
            source_path,
        )
    source = EdgeSource(path=source_path, format="parquet", src=0, dst=1, weight=None, has_header=True)
    return TaskPlan(
        task_id=f"t{n}",
        task_type="analytics_wcc",
        params={},
        sources=(source,),
        vid_type="int64",
        out_dir=tmp_path / "out" / f"t{n}",
        cache_dir=None,
    )
