"""The web console in a real Chromium against a real server on loopback.

1. First load: bytes transferred (every response, headers included, gzip as served) and time to
   interactive of the workflows page with a cold cache: when its table has rendered and no long
   task (> 50 ms) ran after it. Median of --loads fresh browser profiles.
2. The job page while a job of --tasks PageRank tasks streams progress events: React commits of
   the job page per animation frame (the page batches events into at most one commit a frame).

Needs Debian's chromium and playwright (dev dependencies). Usage:
    .venv/bin/python bench/console.py [--loads 5] [--tasks 20] [--iterations 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from _server import Server
from tests.console.conftest import CHROMIUM_ARGS as ARGS

from graphmill.graphstore.embedded import EmbeddedGraphStore

LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration); })
  .observe({ type: "longtask", buffered: true });
window.__frames = [];
const tick = () => { window.__frames.push(performance.now()); requestAnimationFrame(tick); };
requestAnimationFrame(tick);
"""


def browser(pw: Any, cookie: str, url: str) -> Any:
    context = pw.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="gm-bench-chromium-"),
        executable_path="/usr/bin/chromium",
        args=ARGS,
        headless=True,
        viewport={"width": 1280, "height": 800},
    )
    context.add_cookies([{"name": "explorer_token", "value": cookie, "url": url}])
    context.add_init_script(LONG_TASKS)
    return context


def first_load(pw: Any, cookie: str, url: str) -> dict[str, float]:
    context = browser(pw, cookie, url)
    page = context.new_page()
    page.goto(url + "/#/workflows")
    rendered = page.wait_for_function(
        "document.querySelector('table.grid tbody tr td a') && performance.now()"
    ).json_value()
    page.wait_for_timeout(1000)  # let any late long task show up
    figures: dict[str, float] = page.evaluate(
        """() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const res = performance.getEntriesByType("resource");
        return {
          bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
          decoded: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0),
          requests: 1 + res.length,
          domContentLoaded: nav.domContentLoadedEventEnd,
          lastLongTask: Math.max(0, ...window.__longTasks),
        };
      }"""
    )
    context.close()
    figures["rendered"] = rendered
    figures["tti"] = max(rendered, figures["lastLongTask"])
    return figures


def many_task_job(server: Server, api: Any, files: Path, tasks: int, iterations: int) -> int:
    rng = np.random.default_rng(1)
    edges = 100_000
    pq.write_table(
        pa.table({"src": rng.integers(0, edges // 8, edges), "dst": rng.integers(0, edges // 8, edges)}),
        files / "bench.parquet",
    )
    spec = {"iterations": str(iterations), "variant": "graphalytics"}
    schema = {
        "tasks": [
            {
                "id": f"pr_{i}",
                "name": f"PageRank {i}",
                "type": "analytics_pagerank",
                "spec": spec,
                "datasource": {"type": "local", "spec": {"path": "bench.parquet"}},
            }
            for i in range(tasks)
        ]
    }
    wid = api.post("/workflows", {"name": "render_bench", "schema": schema})["id"]
    return int(api.post(f"/workflows/{wid}/jobs", {"input": {}})["id"])


def job_page_renders(pw: Any, cookie: str, server: Server, job_id: int) -> dict[str, Any]:
    context = browser(pw, cookie, server.url)
    page = context.new_page()
    page.goto(f"{server.url}/#/jobs/{job_id}")
    # A second subscriber counts the events the page receives.
    page.evaluate(
        """(id) => { window.__events = 0; const s = new EventSource(`/api-open/v1/jobs/${id}/events`);
        for (const k of ["snapshot", "job", "task", "progress"]) s.addEventListener(k, () => window.__events++); }""",
        job_id,
    )
    page.get_by_test_id("job-status").filter(has_text="Success").wait_for(timeout=600_000)
    page.wait_for_timeout(500)
    data = page.evaluate(
        "() => ({ commits: window.__gmJobCommits, frames: window.__frames, events: window.__events })"
    )
    context.close()
    commits, frames = data["commits"], data["frames"]
    per_frame = np.histogram(commits, bins=frames)[0] if len(frames) > 1 else np.array([len(commits)])
    span_s = (frames[-1] - frames[0]) / 1000 if len(frames) > 1 else 0.0
    return {
        "events": data["events"],
        "commits": len(commits),
        "frames": len(frames),
        "fps": round(len(frames) / span_s, 1) if span_s else 0.0,
        "max_commits_per_frame": int(per_frame.max()),
        "frames_with_more_than_one_commit": int((per_frame > 1).sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=20)
    ap.add_argument("--iterations", type=int, default=3000)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        ngql = resources.files("graphmill.data") / "basketballplayer.ngql"
        with resources.as_file(ngql) as path:
            EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", path)
        (data_dir / "files").mkdir(parents=True)
        os.environ["GRAPHMILL_MAX_RUNNING_TASKS"] = str(args.tasks)
        server = Server(data_dir)
        try:
            api = server.client()
            cookie = api._http.cookies["explorer_token"]
            for i in range(12):
                api.post("/workflows", {"name": f"workflow_{i}", "schema": {"tasks": [], "deps": []}})
            with sync_playwright() as pw:
                loads = [first_load(pw, cookie, server.url) for _ in range(args.loads)]
                print("first load (cold cache, median of", args.loads, "):")
                for key in ("bytes", "decoded", "requests", "domContentLoaded", "rendered", "tti"):
                    print(f"  {key:>17}: {statistics.median(x[key] for x in loads):,.0f}")
                job_id = many_task_job(server, api, data_dir / "files", args.tasks, args.iterations)
                renders = job_page_renders(pw, cookie, server, job_id)
                print(f"job page, {args.tasks} tasks streaming progress:", json.dumps(renders))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
