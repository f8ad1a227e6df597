"""Workflows of many tasks: capped per workflow, submitted and cancelled in O(tasks) (issue 8, 2c).

The timings are bench/big_workflow.py's business; these check the behaviour on a short version.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import login, wait_job

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def chain(n: int) -> dict[str, Any]:
    """t0 reads a local CSV; each later task reads the previous one's result (listed downstream first)."""
    tasks: list[dict[str, Any]] = [
        {"id": f"t{i}", "type": "analytics_wcc", "spec": {}} for i in reversed(range(1, n))
    ]
    tasks.append(
        {
            "id": "t0",
            "type": "analytics_wcc",
            "spec": {},
            "datasource": {"type": "local", "spec": {"path": "g.csv"}},
        }
    )
    deps = [
        {"src": f"t{i - 1}", "dst": f"t{i}", "spec": {"input": {"srcField": 1, "dstField": 2}}}
        for i in range(1, n)
    ]
    return {"tasks": tasks, "deps": deps}


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "d", max_tasks_per_workflow=1500, max_running_jobs=1)
    settings.resolved_files_root.mkdir(parents=True)
    (settings.resolved_files_root / "g.csv").write_text("src,dst\n1,2\n2,3\n")
    with TestClient(create_app(settings)) as client:
        login(client)
        yield client


def test_tasks_per_workflow_are_capped(capped: TestClient) -> None:
    """More tasks than GRAPHMILL_MAX_TASKS_PER_WORKFLOW is ErrParam at save, with the limit named."""
    r = capped.post("/api-open/v1/workflows", json={"schema": chain(1501)}).json()
    assert (r["code"], r["message"]) == (40004001, "ErrParam")
    assert r["detail"] == (
        "the workflow has 1501 tasks; at most 1500 are allowed (GRAPHMILL_MAX_TASKS_PER_WORKFLOW)"
    )
    assert r["data"] == {"field": "schema.tasks", "tasks": 1501, "limit": 1500}
    assert capped.post("/api-open/v1/workflows", json={"schema": chain(1500)}).json()["code"] == 0


def test_a_lowered_cap_refuses_submission_too(capped: TestClient) -> None:
    wid = capped.post("/api-open/v1/workflows", json={"schema": chain(20)}).json()["data"]["id"]
    capped.app.state.service.settings.max_tasks_per_workflow = 10  # type: ignore[attr-defined]
    r = capped.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {}}).json()
    assert r["code"] == 40004001
    assert "at most 10 are allowed" in r["detail"]


def test_a_long_chain_submits_runs_in_order_and_cancels(capped: TestClient) -> None:
    """1,500 tasks listed downstream first: the job is created, runs upstream first, and a cancel ends every task."""
    wid = capped.post("/api-open/v1/workflows", json={"schema": chain(1500)}).json()["data"]["id"]
    job_id = capped.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {}}).json()["data"]["id"]
    progress = capped.get(f"/api-open/v1/jobs/{job_id}/progress").json()["data"]
    assert len(progress["tasks"]) == 1500
    first = wait_job(capped, job_id, until={1})
    assert first["status"] == 1
    capped.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    ended = wait_job(capped, job_id)
    assert ended["status"] == 4
    statuses = {
        t["taskId"]: t["status"]
        for t in capped.get(f"/api-open/v1/jobs/{job_id}/progress").json()["data"]["tasks"]
    }
    assert set(statuses.values()) <= {2, 4}
    assert statuses["t1499"] == 4
    done = sorted(int(sid[1:]) for sid, status in statuses.items() if status == 2)
    assert done == list(range(len(done)))  # only a prefix of the chain ran, in order
    rerun = capped.post(f"/api-open/v1/jobs/{job_id}/rerun", json={"fromFailure": True}).json()
    assert rerun["code"] == 0, rerun
    kept = [
        t
        for t in capped.get(f"/api-open/v1/jobs/{rerun['data']['id']}/progress").json()["data"]["tasks"]
        if t["reusedFrom"]
    ]
    assert len(kept) == len(done)
    capped.put(f"/api-open/v1/jobs/{rerun['data']['id']}/cancel", headers=FORM)
    assert wait_job(capped, rerun["data"]["id"])["status"] == 4
