"""Soak: many identical demo jobs through a real server, and not one fails by accident (issue 8).

The short version runs in CI.  The full one (1,000 jobs) is deselected by default; run it with
``.venv/bin/pytest -m slow tests/server/test_soak.py -s``.  It prints jobs, failures and wall time.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from graphmill.cli.demo import DEMO_SCHEMA
from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, login, wait_job
from tests.server.conftest import Server

pytestmark = pytest.mark.server


def run_soak(data_dir: Path, jobs: int, submitters: int = 8) -> None:
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    # The defaults (3 jobs, 10 tasks at once): processes start while others are being reaped.
    server = Server(data_dir, env={"GRAPHMILL_MAX_RUNNING_JOBS": "3"})
    server.start()
    started = time.perf_counter()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            login(client)
            wid = client.post("/api-open/v1/workflows", json={"schema": DEMO_SCHEMA}).json()["data"]["id"]

            def one_job(_: int) -> tuple[int, str]:
                r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={})
                assert r.json()["code"] == 0, r.text
                detail = wait_job(client, int(r.json()["data"]["id"]), timeout_s=600)
                return int(detail["status"]), str(detail.get("reason") or "")

            with ThreadPoolExecutor(submitters) as pool:
                results = list(pool.map(one_job, range(jobs)))
    finally:
        server.stop()
    wall = time.perf_counter() - started
    failures = Counter(reason for status, reason in results if status != 2)
    print(f"\nsoak: {jobs} jobs, {sum(failures.values())} not successful, wall {wall:.1f} s")
    assert not failures, failures


def test_soak_short(tmp_path: Path) -> None:
    run_soak(tmp_path / "data", jobs=30)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_soak_1000_jobs(tmp_path: Path) -> None:
    run_soak(tmp_path / "data", jobs=1000)
