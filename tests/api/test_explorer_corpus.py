"""Workflows as Explorer's canvas saves them (tests/data/explorer) save, submit and run unchanged.

Each corpus entry is saved as it is (drafts included, one of them as a JSON string), must list
the problems the index names, and its job must end in the status Explorer would give it, each
task with NA's result column count or its failure reason in both its log and /progress.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, DATA, copy_tree, login, wait_job

CORPUS = DATA / "explorer"
INDEX: dict[str, Any] = json.loads((CORPUS / "index.json").read_text())


@pytest.fixture(scope="module")
def demo_graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """basketballplayer imported under the name Explorer's demos use."""
    root = tmp_path_factory.mktemp("demo-graph")
    store = EmbeddedGraphStore(root)
    store.import_ngql(INDEX["space"], BASKETBALL_NGQL)
    store.ensure_default_account()
    return root


@pytest.fixture
def demo(tmp_path: Path, demo_graph_dir: Path) -> Iterator[TestClient]:
    copy_tree(demo_graph_dir, tmp_path / "data" / "graph")
    settings = Settings(data_dir=tmp_path / "data", max_running_tasks=4)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:7002") as client:
        login(client)
        yield client


def task_outcome(client: TestClient, job_id: int, task: dict[str, Any]) -> tuple[int, int | None, str]:
    """(status, result column count or None, log text) of one job task, checked against /progress."""
    base = f"/api-open/v1/jobs/{job_id}/tasks/{task['id']}"
    log = "\n".join(line["message"] for line in client.get(f"{base}/logs").json()["data"]["items"])
    if task["status"] != 2:
        progress = client.get(f"/api-open/v1/jobs/{job_id}/progress").json()["data"]
        (entry,) = [t for t in progress["tasks"] if t["id"] == task["id"]]
        assert entry["message"], entry
        assert entry["message"] in log, (entry, log)
        return task["status"], None, log
    columns = client.get(f"{base}/result", params={"limit": 1}).json()["data"]["columns"]
    return 2, len(columns), log


@pytest.mark.parametrize("entry", INDEX["workflows"], ids=[w["file"] for w in INDEX["workflows"]])
def test_explorer_workflow_runs_as_on_explorer(demo: TestClient, entry: dict[str, Any]) -> None:
    workflow = json.loads((CORPUS / entry["file"]).read_text())
    schema = json.dumps(workflow["schema"]) if entry.get("schema_as_string") else workflow["schema"]
    saved = demo.post("/api-open/v1/workflows", json={"name": workflow["name"], "schema": schema}).json()
    assert saved["code"] == 0, saved
    assert sorted([p["task"], p["field"]] for p in saved["data"]["problems"]) == sorted(entry["problems"])
    stored = demo.get(f"/api-open/v1/workflows/{saved['data']['id']}").json()["data"]
    assert stored["schema"] == workflow["schema"]
    assert stored["valid"] is (not entry["problems"])

    submitted = demo.post(
        f"/api-open/v1/workflows/{saved['data']['id']}/jobs", json={"input": entry["input"]}
    )
    assert submitted.json()["code"] == 0, submitted.text
    job = wait_job(demo, submitted.json()["data"]["id"], timeout_s=240)
    by_schema_id = {
        t["taskId"]: t for t in demo.get(f"/api-open/v1/jobs/{job['id']}/progress").json()["data"]["tasks"]
    }
    got: dict[str, Any] = {}
    for sid, expected in entry["tasks"].items():
        status, columns, log = task_outcome(
            demo, job["id"], {**by_schema_id[sid], "id": by_schema_id[sid]["id"]}
        )
        got[sid] = {"status": status}
        if status == 2:
            got[sid]["columns"] = columns
        if "log" in expected:
            assert expected["log"] in log, (sid, log)
    wanted = {
        sid: {"status": e["status"], **({"columns": e["columns"]} if e["status"] == 2 else {})}
        for sid, e in entry["tasks"].items()
    }
    assert got == wanted
    assert job["status"] == entry["status"]


def test_pending_entries_name_a_query_construct() -> None:
    """Entries waiting for the query work fail today, naming what is missing, and say what success looks like."""
    pending = [e for w in INDEX["workflows"] for e in w["tasks"].values() if e.get("pending")]
    assert pending
    assert all(
        e["pending"] == "query" and e["status"] == 3 and e["log"] and e["columns"] >= 1 for e in pending
    )
