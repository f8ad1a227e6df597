"""Cancel through the API: the worker process is really gone and the job stays Interrupted."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import local_task, login, wait_job

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def write_big_graph(root: Path, name: str = "big.parquet", edges: int = 400_000) -> str:
    rng = np.random.default_rng(7)
    root.mkdir(parents=True, exist_ok=True)
    table = pa.table({"src": rng.integers(0, edges // 8, edges), "dst": rng.integers(0, edges // 8, edges)})
    pq.write_table(table, root / name)
    return name


def long_task(path: str, iterations: int = 1_000_000) -> dict[str, Any]:
    # The Graphalytics PageRank runs exactly `iterations` rounds (no convergence test): minutes.
    return local_task(
        "pr", "analytics_pagerank", path, {"iterations": str(iterations), "variant": "graphalytics"}
    )


@pytest.fixture
def app_client(tmp_path: Path) -> Any:
    settings = Settings(data_dir=tmp_path / "d", max_running_jobs=1)
    with TestClient(create_app(settings)) as client:
        login(client)
        client.files_root = settings.resolved_files_root
        yield client


def worker_pid(client: TestClient, job_id: int, task_id: str, timeout_s: float = 20) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        logs = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/logs").json()["data"]["items"]
        for line in logs:
            m = re.match(r"worker process (\d+) started", line["message"])
            if m and any(x["message"].startswith("graph: ") for x in logs):
                return int(m.group(1))
        time.sleep(0.02)
    raise AssertionError("the task never started computing")


def make_job(client: TestClient, tasks: list[dict[str, Any]]) -> int:
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": tasks}}).json()["data"]["id"]
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={})
    assert r.json()["code"] == 0, r.text
    return int(r.json()["data"]["id"])


def test_cancel_running_job_kills_worker(app_client: TestClient) -> None:
    """Cancel moves a running job to 5 then 4 within a second, kills its process, and 4 is final."""
    client = app_client
    path = write_big_graph(client.files_root)
    job_id = make_job(client, [long_task(path)])
    detail = wait_job(client, job_id, until={1})
    task_id = detail["tasks"][0]["id"]
    pid = worker_pid(client, job_id, task_id)
    assert psutil.pid_exists(pid)
    started = time.monotonic()
    r = client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    assert r.content == b'{"code":0,"data":{"success":true},"message":"Success"}'
    assert client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"] in (4, 5)
    final = wait_job(client, job_id, timeout_s=1.0)
    assert final["status"] == 4
    assert final["tasks"][0]["status"] == 4
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() - started < 1.0, "worker still alive a second after cancel"
        time.sleep(0.01)
    time.sleep(0.3)
    again = client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]
    assert again["status"] == 4
    assert again["runEndTime"] == final["runEndTime"]
    assert not (client.files_root / "analytics" / str(job_id)).exists() or not any(
        (client.files_root / "analytics" / str(job_id)).rglob("manifest.json")
    )
    assert client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM).json()["data"] == {"success": False}


def test_cancel_while_preparing_never_starts_tasks(app_client: TestClient) -> None:
    """A job waiting for a slot is cancelled before any task starts."""
    client = app_client
    path = write_big_graph(client.files_root)
    blocker = make_job(client, [long_task(path)])
    wait_job(client, blocker, until={1})
    queued = make_job(client, [local_task("w", "analytics_wcc", path)])
    time.sleep(0.2)
    assert client.get(f"/api-open/v1/jobs/{queued}").json()["data"]["status"] == 0
    assert client.put(f"/api-open/v1/jobs/{queued}/cancel", headers=FORM).json()["data"] == {"success": True}
    job = client.get(f"/api-open/v1/jobs/{queued}").json()["data"]
    assert job["status"] == 4
    assert job["tasks"][0]["status"] == 4
    assert job["tasks"][0]["runBeginTime"] == ""
    assert job["runBeginTime"] == 0
    client.put(f"/api-open/v1/jobs/{blocker}/cancel", headers=FORM)
    assert wait_job(client, blocker, timeout_s=2)["status"] == 4


def test_cancel_finished_job_answers_false(app_client: TestClient) -> None:
    """Cancelling a finished job changes nothing and answers success false."""
    client = app_client
    # A task of a type this server lacks fails at once, without a worker process.
    job_id = make_job(client, [{"id": "x", "type": "analytics_nope", "spec": {}}])
    assert wait_job(client, job_id)["status"] == 3
    assert client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM).json()["data"] == {"success": False}
    assert client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"] == 3


def test_detail_is_fast_while_a_long_task_runs(app_client: TestClient) -> None:
    """The API stays responsive: job detail answers in milliseconds during a long computation."""
    client = app_client
    path = write_big_graph(client.files_root)
    job_id = make_job(client, [long_task(path)])
    detail = wait_job(client, job_id, until={1})
    worker_pid(client, job_id, detail["tasks"][0]["id"])
    timings = []
    for _ in range(50):
        t0 = time.perf_counter()
        assert client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"] == 1
        timings.append(time.perf_counter() - t0)
    timings.sort()
    # Median well under 50 ms even through the test client's thread hop.
    assert timings[len(timings) // 2] < 0.05, timings
    client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    wait_job(client, job_id, timeout_s=2)


def test_shutdown_interrupts_running_jobs(tmp_path: Path) -> None:
    """Stopping the server marks running jobs Interrupted with the reason, not Running."""
    settings = Settings(data_dir=tmp_path / "d")
    with TestClient(create_app(settings)) as client:
        login(client)
        path = write_big_graph(settings.resolved_files_root)
        job_id = make_job(client, [long_task(path)])
        wait_job(client, job_id, until={1})
        store = client.app.state.service.store  # type: ignore[attr-defined]
    from graphmill.store.sqlite import SQLiteStore

    store = SQLiteStore(settings.metadata_db_path)
    job = store.get_job(job_id)
    assert job.status == 4
    assert "shut down" in job.reason
    assert job.tasks[0].status == 4
    store.close()
