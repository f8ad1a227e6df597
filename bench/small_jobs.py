"""Small-job latency: POST .../jobs to status 2, median and p99, against a real `graphmill serve`.

One PageRank task over follow,serve on basketballplayer, timed from POST to status 2; the first
job is a warm-up and not counted (it starts the forkserver).  The empty workflow has been refused
(40004001) since Explorer's canvas workflows landed, so it makes no job any more: its figure is the
round trip of that refusal, the floor of any POST .../jobs.
Also prints the CPU time the server and all its processes (forkserver, workers, spares warming
up) spent per job: on a loaded machine latency stretches with the load, CPU time does not.

Usage: .venv/bin/python bench/small_jobs.py [--runs 50] [-- extra `graphmill serve` options]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _server import Server  # noqa: E402
from http_load import time_jobs  # noqa: E402

from graphmill.cli.demo import DEMO_SCHEMA  # noqa: E402

ONE_PAGERANK: dict[str, Any] = {**DEMO_SCHEMA, "tasks": DEMO_SCHEMA["tasks"][:1], "deps": []}


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants, live or reaped."""
    import psutil

    def own(p: psutil.Process) -> float:
        t = p.cpu_times()
        return float(t.user + t.system + t.children_user + t.children_system)

    root = psutil.Process(pid)
    total = own(root)
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # gone meanwhile: its parent counts it
            total += own(child)
    return total


def time_refusals(client: httpx.Client, runs: int) -> list[float]:
    """POST .../jobs of the empty workflow, which is answered 40004001 without making a job."""
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": [], "deps": []}}).json()["data"][
        "id"
    ]
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        answer = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()
        times.append(time.perf_counter() - t0)
        assert answer["code"] == 40004001, answer
    return times[1:]


def summary(name: str, seconds: list[float], cpu_s: float) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return (
        f"{name}: median {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, "
        f"min {ms[0]:.1f}, max {ms[-1]:.1f} over {len(ms)} jobs; CPU {cpu_s / len(ms) * 1000:.1f} ms per job"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("serve_options", nargs="*")
    args = ap.parse_args()
    from graphmill.graphstore.embedded import EmbeddedGraphStore

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        EmbeddedGraphStore(data_dir / "graph").import_ngql(
            "basketballplayer", ROOT / "src" / "graphmill" / "data" / "basketballplayer.ngql"
        )
        server = Server(data_dir, *args.serve_options)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                account = base64.b64encode(json.dumps(["root", "nebula"]).encode()).decode()
                r = client.post(
                    "/api-open/v1/connect",
                    headers={"Authorization": f"Bearer {account}"},
                    json={"address": "127.0.0.1", "port": 9669},
                )
                client.cookies.set("explorer_token", r.cookies["explorer_token"])
                before = cpu_seconds(server.proc.pid)
                times = time_refusals(client, args.runs)
                print(summary("empty workflow (refused)", times, cpu_seconds(server.proc.pid) - before))
                time_jobs(client, ONE_PAGERANK, 1)
                time.sleep(2)  # spares warm up after the first task: not part of the figure
                before = cpu_seconds(server.proc.pid)
                times = time_jobs(client, ONE_PAGERANK, args.runs)
                print(summary("one PageRank", times, cpu_seconds(server.proc.pid) - before))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
