"""engine spark (local[N]) against the local engine on the R-MAT graph, with correctness checked.

``python bench/spark.py [--scale 20] [--edgefactor 16] [--master local[2]] [--algorithms pagerank,wcc,...]
[--impl graphx|dataframe|both]`` (also scc, hanp, nstep, degree_time, kcore_subgraph, hyperanf when named)

Writes the R-MAT edge list of ``bench/rmat.py`` (plus a seeded weight 1..9 per edge) to
Parquet, runs each algorithm through the local engine (``engine.execute.run_task``) and
through the Spark backend (``spark.runner.run_on_session`` on one session, so JVM start-up
is reported once, separately), compares the two result tables (doubles: relative 1e-4,
the Graphalytics epsilon; everything else exactly) and prints a Markdown table with wall
times, rounds and the shuffle bytes Spark wrote.  ``--impl`` picks the Spark implementation:
GraphX where it gives NA's answer (``[spark] graphx = true``, the default), the DataFrame
implementations only, or both one after the other; each row names the implementation that ran.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
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

from graphmill.engine.base import RecordingProgress
from graphmill.engine.execute import run_task
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import get_algorithm
from graphmill.spark.config import SparkConfig
from graphmill.spark.runner import SparkTask, run_on_session
from graphmill.spark.session import spark_session

ALGORITHMS: dict[str, tuple[str, dict[str, object]]] = {
    "pagerank": ("analytics_pagerank", {"iterations": 10}),
    "wcc": ("analytics_wcc", {}),
    "bfs": ("analytics_bfs", {}),
    "sssp": ("analytics_sssp", {}),
    "lpa": ("analytics_lpa", {"iterations": 10}),
    "triangle": ("analytics_triangle_count", {"opt": 1}),
    "scc": ("analytics_scc", {}),
    "hanp": ("analytics_hanp", {"iterations": 10}),
    "nstep": ("analytics_nstepdegrees", {"step": 3}),
    "degree_time": ("analytics_degree_with_time", {"begin_time": "3", "end_time": "7"}),
    "kcore_subgraph": ("analytics_kcore", {"type": "subgraph", "kmin": 8}),
    "hyperanf": ("analytics_hyperanf", {}),
}
#: The issue's comparison set; the others run when named with --algorithms.
DEFAULT_ALGORITHMS = "pagerank,wcc,bfs,sssp,lpa,triangle"
IMPLS = {"graphx": ("graphx",), "dataframe": ("dataframe",), "both": ("graphx", "dataframe")}


def mismatches(local: pa.Table, spark: pa.Table) -> int:
    if local.schema != spark.schema or local.num_rows != spark.num_rows:
        return max(local.num_rows, spark.num_rows, 1)
    bad = 0
    for name in local.column_names:
        want = local.column(name).to_numpy(zero_copy_only=False)
        got = spark.column(name).to_numpy(zero_copy_only=False)
        if pa.types.is_floating(local.schema.field(name).type):
            same = np.isclose(got, want, rtol=1e-4, atol=0.0) | ((want == got) & np.isinf(want))
            bad += int((~same).sum())
        else:
            bad += int((want != got).sum())
    return bad


def shuffle_written(spark: Any) -> float:
    """Bytes written by every shuffle of the application so far (Spark's REST API on loopback).

    NaN when the UI does not answer in time (a heavily loaded machine): the row says "nan MiB".
    """
    import json
    import urllib.request

    url = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}/stages"
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            stages = json.load(answer)
    except OSError:
        return math.nan
    return float(sum(stage.get("shuffleWriteBytes", 0) for stage in stages))


def cpu_seconds(*, jvm: bool) -> float:
    """CPU time (user + system) of this process, or of Spark's JVM (the gateway's java child)."""
    import psutil

    me = psutil.Process()
    procs = [c for c in me.children(recursive=True) if "java" in c.name()] if jvm else [me]
    return sum(p.cpu_times().user + p.cpu_times().system for p in procs)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_spark(
    spark: Any,
    task: SparkTask,
    source: EdgeSource,
    config: SparkConfig,
    name: str,
    local_s: float,
    local_cpu: float,
    local: pa.Table,
) -> tuple[str, float, float, int, float, int, int]:
    """One Spark run of ``task``, checked against the local engine's table; a row of the report."""
    progress = RecordingProgress()
    before = shuffle_written(spark)
    t0, c0 = time.perf_counter(), cpu_seconds(jvm=True)
    table = run_on_session(spark, task, [source], config, progress)
    spark_s, spark_cpu = time.perf_counter() - t0, cpu_seconds(jvm=True) - c0
    shuffled = shuffle_written(spark) - before
    rounds = sum(1 for _, _, msg in progress.events if " iteration " in msg)
    bad = mismatches(local, table)
    chosen = next(
        (line.split(": ", 1)[1] for line in progress.lines if line.startswith("implementation:")), ""
    )
    label = f"{name} [{chosen.split(' (')[0] or 'DataFrame'}]"
    print(
        f"{label}: local {local_s:.1f}s ({local_cpu:.0f} CPU s), spark {spark_s:.1f}s "
        f"({spark_cpu:.0f} CPU s in the JVM), {rounds} rounds, shuffle {shuffled / 2**20:.0f} MiB, "
        f"{table.num_rows} rows, {bad} mismatches ({chosen}; load average {_load()})",
        flush=True,
    )
    return label, local_s, spark_s, rounds, shuffled, table.num_rows, bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--edgefactor", type=int, default=16)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="3g")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--algorithms", default=DEFAULT_ALGORITHMS, help=f"of {', '.join(ALGORITHMS)}")
    parser.add_argument("--impl", choices=sorted(IMPLS), default="graphx", help="Spark implementation(s)")
    args = parser.parse_args()
    src, dst = load_or_make(args.scale, args.edgefactor)
    weight = np.random.default_rng(1).integers(1, 10, src.shape[0]).astype(np.float64)
    root = str(int(src[0]))
    work = Path(tempfile.mkdtemp(prefix="graphmill-spark-bench-"))
    pq.write_table(pa.table({"src": src, "dst": dst, "w": weight}), work / "edges.parquet")
    source = EdgeSource(path=work / "edges.parquet", format="parquet", src="src", dst="dst", weight="w")
    print(
        f"R-MAT scale {args.scale} edgefactor {args.edgefactor}: {src.shape[0]} edges; root {root}; "
        f"load average {_load()}",
        flush=True,
    )
    config = SparkConfig(
        master=args.master,
        driver_memory=args.driver_memory,
        partitions=args.partitions,
        # The UI (on loopback) only for its REST API: shuffle bytes per algorithm.
        conf=(("spark.ui.enabled", "true"), ("spark.ui.port", "0")),
    )
    started = time.perf_counter()
    rows = []
    with spark_session(config, "graphmill-bench") as spark:
        spark.sparkContext.setCheckpointDir(str(work / "checkpoints"))
        print(f"Spark {spark.version} session up in {time.perf_counter() - started:.1f}s", flush=True)
        if "graphx" in IMPLS[args.impl]:
            from graphmill.spark.graphx.bridge import helper_class

            t0 = time.perf_counter()
            helper_class(spark)  # built (or taken from the cache) outside the timed runs
            print(f"GraphX helper ready in {time.perf_counter() - t0:.1f}s", flush=True)
        for name in args.algorithms.split(","):
            task_type, raw = ALGORITHMS[name]
            raw = {**raw, "root": root} if name in ("bfs", "sssp") else raw
            spec = get_algorithm(task_type)
            params = spec.parse_params(raw)
            t0, c0 = time.perf_counter(), cpu_seconds(jvm=False)
            run_task(
                task_type,
                raw,
                [source],
                work / f"local-{name}",
                vid_type=None,
                cache_dir=None,
                progress=RecordingProgress(),
            )
            local_s, local_cpu = time.perf_counter() - t0, cpu_seconds(jvm=False) - c0
            local = pq.read_table(work / f"local-{name}" / "result.parquet")
            task = SparkTask(
                "bench",
                task_type,
                dict(params),
                tuple((c.name, c.dtype) for c in spec.output_columns(params)),
                spec.float_format(params),
                spec.needs_weight,
                None,
            )
            for impl in IMPLS[args.impl] if name != "scc" else ("graphx",):  # SCC: GraphX only
                run_config = dataclasses.replace(config, graphx=impl == "graphx")
                rows.append(run_spark(spark, task, source, run_config, name, local_s, local_cpu, local))
                spark.catalog.clearCache()
    print("\n| algorithm | local engine | spark local[2] | rounds | shuffle written | rows | mismatches |")
    print("|---|---|---|---|---|---|---|")
    for name, local_s, spark_s, rounds, shuffled, n, bad in rows:
        print(
            f"| {name} | {local_s:.1f} s | {spark_s:.1f} s | {rounds} | {shuffled / 2**20:.0f} MiB | {n} | {bad} |"
        )
    if any(math.isnan(r[1]) or r[6] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
