"""A workflow of many tasks: how long submit, progress, cancel and rerun take, and whether
the server stays responsive (``/healthz`` latency measured while each call is in flight).

The workflow is a chain of WCC tasks over a small local CSV, each fed by the previous one,
so the DAG is as deep as it is wide.  Usage:
    .venv/bin/python bench/big_workflow.py [--tasks 5000]
Prints one line per operation: seconds taken and the worst /healthz latency meanwhile.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server


def schema(n: int) -> dict[str, Any]:
    tasks = [
        {
            "id": "t0",
            "type": "analytics_wcc",
            "spec": {},
            "datasource": {"type": "local", "spec": {"path": "g.csv"}},
        }
    ]
    deps = []
    for i in range(1, n):
        tasks.append({"id": f"t{i}", "type": "analytics_wcc", "spec": {}})
        deps.append({"src": f"t{i - 1}", "dst": f"t{i}", "spec": {"input": {"srcField": 1, "dstField": 2}}})
    return {"tasks": tasks, "deps": deps}


def timed(url: str, label: str, call: Callable[[], Any]) -> Any:
    """Run ``call`` while probing /healthz; print its duration and the worst probe latency."""
    worst = 0.0
    stop = threading.Event()

    def probe() -> None:
        nonlocal worst
        with httpx.Client(timeout=120) as c:
            while not stop.is_set():
                t0 = time.perf_counter()
                c.get(f"{url}/healthz")
                worst = max(worst, time.perf_counter() - t0)
                time.sleep(0.02)

    prober = threading.Thread(target=probe)
    prober.start()
    t0 = time.perf_counter()
    try:
        result = call()
    finally:
        took = time.perf_counter() - t0
        stop.set()
        prober.join()
    print(f"{label:<24} {took:7.2f} s   worst /healthz {worst * 1000:7.0f} ms", flush=True)
    return result


def wait_ended(client: Any, job_id: int) -> None:
    while client.get(f"/jobs/{job_id}/progress")["status"] not in (2, 3, 4):
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=5000)
    ap.add_argument(
        "--no-cap-option", dest="cap_option", action="store_false", help="for servers before the cap"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        (data / "files").mkdir(parents=True)
        (data / "files" / "g.csv").write_text("src,dst\n1,2\n2,3\n")
        extra = ("--max-tasks-per-workflow", str(args.tasks)) if args.cap_option else ()
        server = Server(data, *extra)
        try:
            client = server.client()
            wid = timed(server.url, "save", lambda: client.post("/workflows", {"schema": schema(args.tasks)}))
            wid = wid["id"]
            job = timed(server.url, "submit", lambda: client.post(f"/workflows/{wid}/jobs", {"input": {}}))
            job_id = job["id"]
            timed(server.url, "progress", lambda: client.get(f"/jobs/{job_id}/progress"))
            timed(server.url, "detail", lambda: client.get(f"/jobs/{job_id}"))
            timed(server.url, "cancel", lambda: client.put_form(f"/jobs/{job_id}/cancel"))
            timed(server.url, "cancel until status 4", lambda: wait_ended(client, job_id))
            timed(
                server.url,
                "rerun from failure",
                lambda: client.post(f"/jobs/{job_id}/rerun", {"fromFailure": True}),
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
