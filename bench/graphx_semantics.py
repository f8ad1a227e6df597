"""How far GraphX's own routines are from NA's answers, measured on real graphs.

``python bench/graphx_semantics.py [--scale 12] [--iterations 10]``

For each graph (the LDBC Graphalytics example graphs shipped in tests/data and an R-MAT graph of
``bench/rmat.py``) it runs, on one Spark session, GraphX's routines through graphmill's helper
and compares them with the local engine:

* PageRank: ``PageRank.run`` (what nebula-algorithm calls; ranks rescaled to sum to n) and
  ``runWithOptions(normalized=false)`` against NA's PageRank with the same fixed iterations;
* LabelPropagation against NA's LPA and Graphalytics' CDLP (same rounds);
* TriangleCount against NA's per-vertex counts with and without duplicate edges.

It prints, per comparison, the vertices whose value differs (doubles: relative 1e-4) and for
PageRank the largest relative error and the ratio of the rank sums.  These figures decide
which algorithms graphmill runs on GraphX (see ``graphmill.spark.algorithms.graphx``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmat import load_or_make

from graphmill.engine.base import NullProgress
from graphmill.engine.execute import run_task
from graphmill.engine.loader import EdgeSource
from graphmill.spark.config import SparkConfig
from graphmill.spark.graph import read_graph
from graphmill.spark.graphx.bridge import helper_class
from graphmill.spark.session import spark_session

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "graphalytics" / "example"


def graphs(scale: int, work: Path) -> dict[str, EdgeSource]:
    out = {}
    for name in ("example-directed", "example-undirected"):
        edges = np.loadtxt(DATA / f"{name}.e", dtype=np.int64, usecols=(0, 1), ndmin=2)
        path = work / f"{name}.parquet"
        pq.write_table(pa.table({"src": edges[:, 0], "dst": edges[:, 1]}), path)
        out[name] = EdgeSource(path=path, format="parquet", src="src", dst="dst")
    src, dst = load_or_make(scale, 16)
    path = work / f"rmat{scale}.parquet"
    pq.write_table(pa.table({"src": src, "dst": dst}), path)
    out[f"rmat-{scale} ({src.shape[0]} edges)"] = EdgeSource(
        path=path, format="parquet", src="src", dst="dst"
    )
    return out


def local_values(task_type: str, raw: dict[str, object], source: EdgeSource, out: Path) -> dict[int, Any]:
    run_task(task_type, raw, [source], out, vid_type=None, cache_dir=None, progress=NullProgress())
    table = pq.read_table(out / "result.parquet")
    return dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))


def spark_values(frame: Any) -> dict[int, Any]:
    return {int(r["id"]): r["value"] for r in frame.collect()}


def differing(want: dict[int, Any], got: dict[int, Any]) -> int:
    bad = 0
    for vid, value in want.items():
        other = got.get(vid)
        if other is None:
            bad += 1
        elif isinstance(value, float):
            bad += int(abs(other - value) > 1e-4 * abs(value))
        else:
            bad += int(other != value)
    return bad + len(set(got) - set(want))


def pagerank_rows(call: Any, source: EdgeSource, it: int, out: Path) -> list[str]:
    na = local_values("analytics_pagerank", {"iterations": it, "eps": 0.0}, source, out / "pr")
    rows = []
    for normalized in (True, False):
        got = spark_values(call("pageRankGraphX", it, 0.85, normalized))
        worst = max(abs(got[v] - x) / abs(x) for v, x in na.items())
        ratio = sum(got.values()) / sum(na.values())
        what = "PageRank.run (normalized)" if normalized else "runWithOptions(normalized=false)"
        rows.append(
            f"PageRank {what} vs NA | {differing(na, got)} of {len(na)} | "
            f"max rel. error {worst:.3g}, rank sum ratio {ratio:.4f}"
        )
    return rows


def lpa_rows(call: Any, source: EdgeSource, it: int, out: Path) -> list[str]:
    got = spark_values(call("labelPropagation", it))
    rows = []
    for variant, raw in (("NA LPA", {}), ("CDLP", {"variant": "graphalytics"})):
        want = local_values("analytics_lpa", {"iterations": it, **raw}, source, out / f"lpa-{variant}")
        rows.append(
            f"LabelPropagation vs {variant} | {differing(want, got)} of {len(want)} | "
            f"communities {len(set(got.values()))} (GraphX) vs {len(set(want.values()))}"
        )
    return rows


def triangle_rows(call: Any, source: EdgeSource, out: Path) -> list[str]:
    got = {v: int(c) for v, c in spark_values(call("triangleCount")).items()}
    rows = []
    for dedup in (True, False):
        raw = {"opt": 2, "removed_duplication_edge": dedup}
        want = local_values("analytics_triangle_count", raw, source, out / f"tc-{dedup}")
        rows.append(
            f"TriangleCount vs NA removed_duplication_edge={str(dedup).lower()} | "
            f"{differing(want, got)} of {len(want)} | totals {sum(got.values()) // 3} vs {sum(want.values()) // 3}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=12)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="graphmill-graphx-semantics-"))
    config = SparkConfig(master="local[2]", driver_memory="2g", partitions=4)
    with spark_session(config, "graphmill-graphx-semantics") as spark:
        helper = helper_class(spark)
        print("| graph | comparison | vertices differing | detail |\n|---|---|---|---|")
        for name, source in graphs(args.scale, work).items():
            g = read_graph(spark, [source], vid_type="int64", weighted=False, partitions=4)
            edges = g.edges.select("src", "dst")

            def call(method: str, *extra: Any, g: Any = g, edges: Any = edges) -> Any:
                from pyspark.sql import DataFrame

                java = getattr(helper, method)(spark._jsparkSession, g.vertices._jdf, edges._jdf, *extra)
                return DataFrame(java, spark)

            started = time.perf_counter()
            out = work / name.split()[0]
            rows = pagerank_rows(call, source, args.iterations, out)
            rows += lpa_rows(call, source, args.iterations, out)
            rows += triangle_rows(call, source, out)
            for row in rows:
                print(f"| {name} | {row} |", flush=True)
            print(f"<!-- {name}: {time.perf_counter() - started:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
