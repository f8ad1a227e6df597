"""Measure the API end to end on loopback against a real `graphmill serve` process.

Prints:
- the time from POST .../jobs to status 2 for an empty workflow and for the demo workflow
  (PageRank over follow,serve then WCC on basketballplayer), median of N runs;
- requests per second of GET /api-open/v1/jobs/<id>, with wrk when installed
  (`apt-get install wrk`), else with an asyncio httpx loader (slower: it measures itself too).

Usage: .venv/bin/python bench/http_load.py [--runs 10] [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import shutil
import statistics
import subprocess
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

from graphmill.cli.demo import DEMO_SCHEMA  # noqa: E402


def wait_status(client: httpx.Client, job_id: int) -> dict[str, Any]:
    while True:
        data: dict[str, Any] = client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]
        if data["status"] in (2, 3, 4):
            return data
        time.sleep(0.005)


def time_jobs(client: httpx.Client, schema: dict[str, Any], runs: int) -> list[float]:
    wid = client.post("/api-open/v1/workflows", json={"schema": schema}).json()["data"]["id"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        job_id = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
        data = wait_status(client, job_id)
        times.append(time.perf_counter() - t0)
        assert data["status"] == 2, data
    return times


async def python_load(url: str, token: str, seconds: float, connections: int) -> float:
    count = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(
        cookies={"explorer_token": token}, limits=httpx.Limits(max_connections=connections)
    ) as c:

        async def worker() -> None:
            nonlocal count
            while time.perf_counter() < deadline:
                r = await c.get(url)
                assert r.status_code == 200
                count += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return count / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    from graphmill.graphstore.embedded import EmbeddedGraphStore

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        EmbeddedGraphStore(data_dir / "graph").import_ngql(
            "basketballplayer", ROOT / "src" / "graphmill" / "data" / "basketballplayer.ngql"
        )
        server = Server(data_dir)
        base = server.url
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                account = base64.b64encode(json.dumps(["root", "nebula"]).encode()).decode()
                r = client.post(
                    "/api-open/v1/connect",
                    headers={"Authorization": f"Bearer {account}"},
                    json={"address": "127.0.0.1", "port": 9669},
                )
                token = r.cookies["explorer_token"]
                client.cookies.set("explorer_token", token)
                # (The empty workflow makes no job since issue 14: bench/small_jobs.py times its refusal.)
                demo = time_jobs(client, DEMO_SCHEMA, args.runs)
                print(
                    f"demo workflow (PageRank -> WCC), POST to status 2: median {statistics.median(demo) * 1000:.1f} ms "
                    f"(min {min(demo) * 1000:.1f}, max {max(demo) * 1000:.1f}) over {args.runs} runs"
                )
                job_id = client.get("/api-open/v1/jobs").json()["data"]["items"][0]["id"]
            url = f"{base}/api-open/v1/jobs/{job_id}"
            if shutil.which("wrk"):
                out = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        f"-c{args.connections}",
                        f"-d{int(args.seconds)}s",
                        "-H",
                        f"Cookie: explorer_token={token}",
                        "--latency",
                        url,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                print(f"wrk GET /api-open/v1/jobs/{job_id} ({args.connections} connections, 2 threads):")
                print(out)
            else:
                rps = asyncio.run(python_load(url, token, args.seconds, args.connections))
                print(
                    f"httpx loader GET /api-open/v1/jobs/{job_id}: {rps:.0f} requests/s (install wrk for a better figure)"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
