"""Shared test helpers: a served app with the basketballplayer space, login, waiting for jobs."""

from __future__ import annotations

import base64
import json
import shutil
import time
from pathlib import Path
from typing import Any

import httpx

DATA = Path(__file__).parent / "data"
BASKETBALL_NGQL = DATA / "basketballplayer" / "basketballplayer.ngql"
TERMINAL = {2, 3, 4}


def account_header(user: str = "root", password: str = "nebula", *, json_form: bool = True) -> dict[str, str]:
    raw = json.dumps([user, password]) if json_form else f"{user}:{password}"
    return {"Authorization": "Bearer " + base64.b64encode(raw.encode()).decode()}


def login(client: httpx.Client) -> str:
    r = client.post(
        "/api-open/v1/connect", headers=account_header(), json={"address": "127.0.0.1", "port": 9669}
    )
    assert r.status_code == 200, r.text
    token = r.cookies["explorer_token"]
    client.cookies.set("explorer_token", token)
    return token


def ordered(text: str) -> Any:
    """Parse JSON keeping key order as lists of pairs, to compare key order exactly."""
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def keys(text: str, *path: str | int) -> list[str]:
    node: Any = ordered(text)
    for step in path:
        node = dict(node)[step] if isinstance(step, str) else node[step]
    return [k for k, _ in node]


def wait_job(
    client: httpx.Client, job_id: int, *, timeout_s: float = 60, until: set[int] = TERMINAL
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        r = client.get(f"/api-open/v1/jobs/{job_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        if data["status"] in until:
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still in status {data['status']}: {data}")
        time.sleep(0.02)


def nebula_task(
    tid: str,
    ttype: str,
    name: str,
    spec: dict[str, Any],
    *,
    space: str = "basketballplayer",
    edges: str = "follow,serve",
    props: str = ",",
) -> dict[str, Any]:
    return {
        "id": tid,
        "name": name,
        "clusterSize": 1,
        "type": ttype,
        "spec": {**spec, "nebula_input_edges": edges, "nebula_input_edges_props": props, "vtype": "string"},
        "graph": {"params": [], "input": [], "output": []},
        "datasink": {"type": "hdfs", "spec": {"url": "${test}/analytics/${job_id}/tasks/${task_id}/"}},
        "datasource": {
            "type": "nebula",
            "spec": {"type": "nebula", "space": space, "graphd": "127.0.0.1:9669"},
        },
    }


def local_task(
    tid: str, ttype: str, path: str, spec: dict[str, Any] | None = None, name: str = ""
) -> dict[str, Any]:
    return {
        "id": tid,
        "name": name or ttype.removeprefix("analytics_").upper(),
        "type": ttype,
        "spec": spec or {},
        "graph": {"params": []},
        "datasource": {"type": "local", "spec": {"path": path}},
    }


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


def failed_task_reason(client: httpx.Client, wid: int, body: dict[str, Any] | None = None) -> str:
    """Submit a job that is accepted (not strict) and whose first task fails at run time.

    Returns that task's reason after checking it is the same in its log and in /progress.
    """
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json=body if body is not None else {"input": {}})
    assert r.json()["code"] == 0, r.text
    job = wait_job(client, r.json()["data"]["id"])
    assert job["status"] == 3, job
    failed = [t for t in job["tasks"] if t["status"] == 3]
    assert failed, job
    task_id = failed[0]["id"]
    progress = client.get(f"/api-open/v1/jobs/{job['id']}/progress").json()["data"]
    (entry,) = [t for t in progress["tasks"] if t["id"] == task_id]
    reason: str = entry["message"]
    logs = client.get(f"/api-open/v1/jobs/{job['id']}/tasks/{task_id}/logs").json()["data"]["items"]
    assert any(line["level"] == "error" and reason in line["message"] for line in logs), (reason, logs)
    return reason
