"""Spark session modes compared: ``session = "job"`` (an application per task) against ``"server"``.

``python bench/spark_session.py [--jobs 4] [--edges 20000] [--master local[2]]``

For each mode a real ``graphmill serve`` on loopback runs the same
small PageRank ``--jobs`` times, one job after the other, and reports per job: the wall time
from submission to status 2, and what the task log says about Spark start-up.  In ``job``
mode every job starts a JVM; in ``server`` mode the first job starts the session and the
others only pay the per-job overhead.  Then one WCC on the local engine as the floor.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server

_UP = re.compile(r"(?:up in|started in) ([\d.]+)s")
_ACCOUNT = {"Authorization": "Bearer cm9vdDpuZWJ1bGE="}  # root:nebula


def _job(client: httpx.Client, spec: dict[str, Any]) -> tuple[float, list[str]]:
    task = {
        "id": "pr",
        "name": "PR",
        "type": "analytics_pagerank",
        "spec": spec,
        "graph": {"params": []},
        "datasource": {"type": "local", "spec": {"path": "g.parquet"}},
    }
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": [task]}}).json()["data"]["id"]
    started = time.perf_counter()
    job_id = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    while (done := client.get(f"/api-open/v1/jobs/{job_id}").json()["data"])["status"] not in (2, 3, 4):
        time.sleep(0.02)
    wall = time.perf_counter() - started
    assert done["status"] == 2, done
    task_id = done["tasks"][0]["id"]
    items = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/logs").json()["data"]["items"]
    return wall, [line["message"] for line in items]


def run_mode(mode: str, args: argparse.Namespace, work: Path) -> list[tuple[float, str]]:
    data = work / mode
    data.mkdir()
    (data / "graphmill.toml").write_text(
        f'[spark]\nmaster = "{args.master}"\ndriver_memory = "1g"\npartitions = 2\nsession = "{mode}"\n'
    )
    files = data / "files"
    files.mkdir(parents=True)
    rng = np.random.default_rng(3)
    n = max(2, args.edges // 10)
    pq.write_table(
        pa.table({"src": rng.integers(0, n, args.edges), "dst": rng.integers(0, n, args.edges)}),
        files / "g.parquet",
    )
    results = []
    server = Server(data)
    try:
        client = httpx.Client(base_url=server.url, timeout=120)
        client.post("/api-open/v1/connect", headers=_ACCOUNT, json={"address": "127.0.0.1", "port": 9669})
        for _ in range(args.jobs):
            wall, lines = _job(client, {"engine": "spark", "iterations": "10"})
            up = next(
                (m.group(1) for line in lines if "application" in line and (m := _UP.search(line))), "?"
            )
            results.append((wall, up))
            print(f"{mode}: job {len(results)} {wall:.1f}s (Spark start-up per the log: {up}s)", flush=True)
        wall, _ = _job(client, {"engine": "local", "iterations": "10"})
        print(f"{mode}: the same PageRank on the local engine {wall:.1f}s", flush=True)
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--edges", type=int, default=20000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--modes", default="job,server")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="graphmill-spark-session-"))
    table = {mode: run_mode(mode, args, work) for mode in args.modes.split(",")}
    print("\n| mode | first job | later jobs (mean) | Spark start-up in the first job's log |")
    print("|---|---|---|---|")
    for mode, rows in table.items():
        later = [wall for wall, _ in rows[1:]]
        mean = f"{sum(later) / len(later):.1f} s" if later else "–"
        print(f"| {mode} | {rows[0][0]:.1f} s | {mean} | {rows[0][1]} s |")


if __name__ == "__main__":
    main()
