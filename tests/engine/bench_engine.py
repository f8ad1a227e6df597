"""Manual benchmark of the engine (not collected by pytest).

Run: ``.venv/bin/python tests/engine/bench_engine.py [edges]`` — prints build, cache, PageRank,
BFS, WCC, SSSP and result-writing times on a random multigraph.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from graphmill.engine.base import NullProgress
from graphmill.engine.loader import EdgeSource, load_graph
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import write_result


def _time(label: str, fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:48s} {best:8.3f} s")
    return result


def main() -> None:
    m = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n = m // 10
    rng = np.random.default_rng(0)
    src = rng.integers(0, n, m) * 7 + 1000
    dst = rng.integers(0, n, m) * 7 + 1000
    weight = rng.random(m)
    tmp = Path(tempfile.mkdtemp())
    pq.write_table(pa.table({"src": src, "dst": dst, "w": weight}), tmp / "e.parquet")
    pq.write_table(
        pa.table({"src": pa.array(src).cast(pa.string()), "dst": pa.array(dst).cast(pa.string())}),
        tmp / "s.parquet",
    )
    print(f"random multigraph: {m} edges over ~{n} vertices")
    for name, file, vid in (("int64", "e.parquet", "int64"), ("string", "s.parquet", "string")):
        source = [EdgeSource(tmp / file, "parquet", "src", "dst")]
        _time(
            f"load+build ({name} ids, no cache)",
            lambda s=source, v=vid: load_graph(s, vid_type=v, directed=True, weighted=False, cache_dir=None),
        )
    cache = tmp / "cache"
    source = [EdgeSource(tmp / "e.parquet", "parquet", "src", "dst", "w")]
    _time(
        "load+build+cache write (int64, weighted)",
        lambda: load_graph(source, vid_type="int64", directed=True, weighted=True, cache_dir=cache),
        repeat=1,
    )
    graph = _time(
        "cache hit (mmap)",
        lambda: load_graph(source, vid_type="int64", directed=True, weighted=True, cache_dir=cache),
    )
    runs: list[tuple[str, dict[str, object]]] = [
        ("analytics_pagerank", {"iterations": 10, "eps": 1e-12}),
        ("analytics_pagerank", {"iterations": 10, "variant": "graphalytics"}),
        ("analytics_bfs", {"root": int(src[0])}),
        ("analytics_bfs", {"root": int(src[0]), "variant": "graphalytics"}),
        ("analytics_sssp", {"root": int(src[0])}),
        ("analytics_wcc", {"is_output_modularity": True}),
        ("analytics_nstepdegrees", {"step": 1}),
        ("analytics_nstepdegrees", {"step": 2, "bits": 6}),
    ]
    table = None
    for task_type, raw in runs:
        spec = get_algorithm(task_type)
        params = spec.parse_params(raw)
        label = f"{task_type} {raw}"
        out = _time(label[:48], lambda s=spec, p=params: s.run(graph, p, NullProgress()), repeat=2)
        if task_type == "analytics_pagerank" and table is None:
            table = out
    assert table is not None
    strings = table.set_column(0, "VID", table.column(0).cast(pa.string()))
    for label, tab in (("int64 ids", table), ("string ids", strings)):
        rows = tab.num_rows
        t0 = time.perf_counter()
        write_result(tab, tmp / "out", float_format="fixed6")
        dt = time.perf_counter() - t0
        print(
            f"{'write_result ' + label + f' ({rows} rows)':48s} {dt:8.3f} s  = {rows / dt / 1e6:.2f} M rows/s"
        )


if __name__ == "__main__":
    main()
