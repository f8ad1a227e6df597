"""PageRank and WCC on a 200M-edge graph from Parquet: time and peak memory, graphmill against scipy.

Run::

    .venv/bin/python bench/big_graph.py --server         # graphmill only, each task a job through a real server

    .venv/bin/python bench/big_graph.py                  # R-MAT scale 24, edge factor 12: 201,326,592 edges
    .venv/bin/python bench/big_graph.py --scale 20 --edgefactor 16   # a quick rehearsal

Only run it when ``free -g`` shows at least 16 GiB available.  The graph (directed,
int64 ids, no weights) is generated once by ``bench/rmat.py`` and written as Parquet under
``/tmp/graphmill-bench``.  Each contender runs in its own fresh process (so its peak RSS,
``ru_maxrss``, is its own):

* **graphmill** — ``graphmill.engine.execute.run_task`` on the Parquet file with a fresh
  graph cache: read, build, the algorithm, the result written as CSV and Parquet, and the
  cache entry written.
* **scipy** — ``pyarrow.parquet.read_table``, ``csr_array`` from COO (ids used directly as
  indices), then 20 PageRank iterations (``Aᵀ`` built once) or ``connected_components``.

The machine is shared and loaded: compare the two contenders of one run, not runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graphmill.service.estimate import InputSize, estimate_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server
from rmat import DEFAULT_DIR, load_or_make

GRAPHMILL = """
import json, resource, sys, time
from pathlib import Path
from graphmill.engine.base import NullProgress
from graphmill.engine.execute import run_task
from graphmill.engine.loader import EdgeSource
path, task, work = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
params = {"iterations": "20", "eps": "1e-300"} if task == "analytics_pagerank" else {}
t0 = time.perf_counter()
manifest = run_task(task, params, [EdgeSource(path, "parquet", 0, 1)], work / "out", vid_type=None,
                    cache_dir=work / "cache", progress=NullProgress())
print(json.dumps({"seconds": time.perf_counter() - t0, "vertices": manifest.rows,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SCIPY = """
import json, resource, sys, time
import numpy as np, pyarrow.parquet as pq, scipy.sparse as sp
from scipy.sparse import csgraph
path, task = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
table = pq.read_table(path, columns=["src", "dst"])
src, dst = table.column("src").to_numpy(), table.column("dst").to_numpy()
del table
n = int(max(src.max(), dst.max())) + 1
a = sp.csr_array((np.ones(src.shape[0]), (src, dst)), shape=(n, n))
del src, dst
if task == "analytics_pagerank":
    outdeg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, outdeg, out=np.zeros_like(outdeg), where=outdeg > 0)
    at = a.T.tocsr()
    del a
    rank = np.ones(n)
    for _ in range(20):
        rank = 0.15 + 0.85 * (at @ (rank * inv))
else:
    csgraph.connected_components(a, connection="weak")
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_parquet(scale: int, edgefactor: int) -> Path:
    path = DEFAULT_DIR / f"rmat-s{scale}-e{edgefactor}.parquet"
    if not path.is_file():
        src, dst = load_or_make(scale, edgefactor)
        pq.write_table(pa.table({"src": src, "dst": dst}), path, row_group_size=1 << 22)
    return path


def run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"seconds": float("nan"), "peak_mib": float("nan"), "error": done.stderr.strip()[-300:]}  # type: ignore[dict-item]
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=24)
    parser.add_argument("--edgefactor", type=int, default=12)
    parser.add_argument("--tasks", default="analytics_pagerank,analytics_wcc")
    parser.add_argument(
        "--server", action="store_true", help="graphmill only: each task as a job through a real server"
    )
    args = parser.parse_args()
    path = make_parquet(args.scale, args.edgefactor)
    edges = pq.ParquetFile(path).metadata.num_rows
    if args.server:
        through_server(path, args.tasks.split(","), edges)
        return
    print(f"{edges:,} edges; load average {_load()} at the start")
    print("| task | contender | seconds | peak RSS MiB | admission estimate MiB | load after |")
    print("|---|---|---|---|---|---|", flush=True)
    for task in args.tasks.split(","):
        with tempfile.TemporaryDirectory(dir=DEFAULT_DIR) as work:
            mine = run(GRAPHMILL, str(path), task, work)
        _row(task, "graphmill", mine, _estimate_mib(task, mine, edges))
        _row(task, "scipy", run(SCIPY, str(path), task), "")


def through_server(path: Path, tasks: list[str], edges: int) -> None:
    """Each task as a cold job on a fresh server (admission control, warm worker, peak per task)."""
    print(f"{edges:,} edges; load average {_load()} at the start")
    print("| task | POST to status 2 s | estimatedBytes MiB | peakBytes MiB | load after |")
    print("|---|---|---|---|---|", flush=True)
    for task in tasks:
        with tempfile.TemporaryDirectory(dir=DEFAULT_DIR) as tmp:
            data = Path(tmp)
            (data / "files").mkdir()
            os.link(path, data / "files" / path.name)  # same file system: no copy
            server = Server(data)
            try:
                spec = {"iterations": "20", "eps": "1e-300"} if task == "analytics_pagerank" else {}
                body = {
                    "id": "t",
                    "type": task,
                    "spec": spec,
                    "datasource": {"type": "local", "spec": {"path": path.name}},
                }
                t0 = time.perf_counter()
                job = server.client().run({"tasks": [body]}).wait(poll_s=0.5)
                seconds = time.perf_counter() - t0
                t = job.progress().tasks[0]
                status = "" if job.ok else f"failed: {job.info}"
                print(
                    f"| {task} | {seconds:.1f} | {t.estimated_bytes / 2**20:.0f} | {t.peak_bytes / 2**20:.0f} "
                    f"| {_load()} {status} |",
                    flush=True,
                )
            except Exception as exc:  # a refusal names the ceiling: print it
                print(f"| {task} | refused or failed: {str(exc)[:400]} | | | {_load()} |", flush=True)
            finally:
                server.stop()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _estimate_mib(task: str, result: dict[str, float], edges: int) -> str:
    """What admission control would estimate for this graph, given its true vertex count."""
    if "vertices" not in result:
        return ""
    size = InputSize(int(result["vertices"]), edges, weighted=False, string_ids=False)
    return f"{estimate_bytes(task, size) / 2**20:.0f}"


def _row(task: str, name: str, r: dict[str, float], estimate: str) -> None:
    note = r.get("error", "")
    print(
        f"| {task} | {name} | {r['seconds']:.1f} | {r['peak_mib']:.0f} | {estimate} | {_load()} {note} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
