"""Cancel latency: from `PUT /jobs/<id>/cancel` to the job in status 4 and its worker process gone.

Each run starts a PageRank that would run for minutes on a 4M-edge graph, waits until it is
computing, cancels it, and times (a) the cancel call, (b) until GET /jobs/<id> says 4,
(c) until the worker pid no longer exists.  Usage:
    .venv/bin/python bench/cancel_latency.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--edges", type=int, default=4_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        rng = np.random.default_rng(1)
        (data / "files").mkdir(parents=True)
        n = args.edges // 8
        pq.write_table(
            pa.table({"src": rng.integers(0, n, args.edges), "dst": rng.integers(0, n, args.edges)}),
            data / "files" / "g.parquet",
        )
        server = Server(data)
        try:
            client = server.client()
            schema = {
                "tasks": [
                    {
                        "id": "pr",
                        "type": "analytics_pagerank",
                        "spec": {"iterations": "1000000", "variant": "graphalytics"},
                        "datasource": {"type": "local", "spec": {"path": "g.parquet"}},
                    }
                ]
            }
            wid = client.workflows.create(schema).id
            call, to_status, to_gone = [], [], []
            for _ in range(args.runs):
                job = client.run(wid)
                pid = None
                while pid is None:
                    task = job.progress().tasks[0]
                    if task.status == 1 and task.phase == "computing":
                        for line in job.logs(task.id):
                            if line.message.startswith("worker process"):
                                pid = int(line.message.split()[2])
                    time.sleep(0.01)
                t0 = time.perf_counter()
                job.cancel()
                call.append(time.perf_counter() - t0)
                while job.refresh().status != 4:
                    time.sleep(0.002)
                to_status.append(time.perf_counter() - t0)
                while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    time.sleep(0.002)
                to_gone.append(time.perf_counter() - t0)
                assert job.refresh().status == 4
            for name, values in (
                ("cancel call returns", call),
                ("job in status 4", to_status),
                ("worker process gone", to_gone),
            ):
                print(
                    f"{name:22s} median {statistics.median(values) * 1000:7.1f} ms   "
                    f"worst {max(values) * 1000:7.1f} ms   ({args.runs} runs)"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
