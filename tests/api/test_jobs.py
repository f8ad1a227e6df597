from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from graphmill.service.factory import build_service
from tests.helpers import DATA, failed_task_reason, keys, local_task, nebula_task, wait_job
from tests.scheduler.inprocess import InProcessLauncher


@pytest.fixture
def anon(settings: Settings) -> Iterator[TestClient]:
    """These tests are about scheduling and results, not processes: tasks run in-process."""
    app = create_app(settings, service=build_service(settings, launcher=InProcessLauncher))
    with TestClient(app, base_url="http://127.0.0.1:7002") as client:
        yield client


DOC_DETAIL = (
    '{"code":0,"data":{"id":1964,"name":"workflow_xkkjf_20220712103332","workflowId":"3992429968",'
    '"workflowName":"workflow_xkkjf","status":2,"tasks":[{"id":"f93dea90fc3a11ecac7e6da0662c195b","name":"BFS",'
    '"runBeginTime":"2022-07-12T10:33:35+08:00","runEndTime":"2022-07-12T10:33:38+08:00","status":2}],'
    '"runBeginTime":1657593215000,"runEndTime":1657593218000,"createTime":1657593212505},"message":"Success"}'
)
DOC_ITEM = (
    '{"id":105,"name":"workflow_q745a_20220715090915","workflowId":"4216617528","workflowName":"workflow_q745a",'
    '"status":2,"tasks":null,"runBeginTime":1657847358000,"runEndTime":1657847364000,"createTime":1657847355906}'
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def shape(node: Any) -> Any:
    """Keys in order and value types, recursively: what 'byte-compatible' fixes."""
    if isinstance(node, dict):
        return [(k, shape(v)) for k, v in node.items()]
    if isinstance(node, list):
        return [shape(node[0])] if node else []
    return type(node).__name__


def basketball_edges(*names: str) -> list[tuple[str, str]]:
    edges = []
    for name in names:
        with (DATA / "basketballplayer" / f"{name}.csv").open() as fh:
            edges += [(row["src"], row["dst"]) for row in csv.DictReader(fh)]
    return edges


def reference_pagerank(
    edges: list[tuple[str, str]], iterations: int = 10, damping: float = 0.85, eps: float = 0.0001
) -> dict[str, float]:
    """Explorer/NA PageRank straight from its definition (algorithms.md §2.1)."""
    vertices = sorted({v for e in edges for v in e})
    out = {v: 0 for v in vertices}
    for s, _ in edges:
        out[s] += 1
    pr = dict.fromkeys(vertices, 1.0)
    for _ in range(iterations):
        incoming = dict.fromkeys(vertices, 0.0)
        for s, d in edges:
            incoming[d] += pr[s] / out[s]
        new = {v: (1 - damping) + damping * incoming[v] for v in vertices}
        delta = sum(abs(new[v] - pr[v]) for v in vertices)
        pr = new
        if delta < eps:
            break
    return pr


def make_workflow(
    client: TestClient,
    tasks: list[dict[str, Any]],
    deps: list[dict[str, Any]] | None = None,
    name: str = "wf_test",
) -> int:
    r = client.post(
        "/api-open/v1/workflows", json={"name": name, "schema": {"tasks": tasks, "deps": deps or []}}
    )
    assert r.json()["code"] == 0, r.text
    return int(r.json()["data"]["id"])


def add_job(client: TestClient, wid: int, body: dict[str, Any] | None = None) -> int:
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json=body if body is not None else {"input": {}})
    assert r.json()["code"] == 0, r.text
    assert keys(r.text, "data") == ["id"]
    job_id = r.json()["data"]["id"]
    assert isinstance(job_id, int)
    return job_id


PR_TASK = nebula_task(
    "analytics_pagerank_1",
    "analytics_pagerank",
    "PageRank",
    {"iterations": "10", "is_directed": "true", "eps": "0.0001", "damping": "0.85"},
)


def test_pagerank_job_end_to_end(client: TestClient) -> None:
    """A PageRank job over follow,serve succeeds; detail matches the documented shape; rows match NA PageRank."""
    wid = make_workflow(client, [PR_TASK], name="workflow_abcde")
    job_id = add_job(client, wid, {"id": str(wid), "input": {}})
    detail = wait_job(client, job_id)
    r = client.get(f"/api-open/v1/jobs/{job_id}")
    import json

    assert shape(json.loads(r.text)) == shape(json.loads(DOC_DETAIL))
    assert detail["status"] == 2
    assert detail["workflowId"] == str(wid)
    assert detail["workflowName"] == "workflow_abcde"
    created = datetime.fromtimestamp(detail["createTime"] / 1000).astimezone()
    assert detail["name"] == f"workflow_abcde_{created:%Y%m%d%H%M%S}"
    assert detail["createTime"] <= detail["runBeginTime"] <= detail["runEndTime"]
    (task,) = detail["tasks"]
    assert re.fullmatch(r"[0-9a-f]{32}", task["id"])
    assert task["name"] == "PageRank"
    assert RFC3339.match(task["runBeginTime"])
    assert RFC3339.match(task["runEndTime"])

    r = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task['id']}/sample_result", params={"limit": 1000})
    assert keys(r.text, "data") == ["items"]
    rows = r.json()["data"]["items"]
    expected = reference_pagerank(basketball_edges("follow", "serve"))
    assert len(rows) == len(expected) == 81
    for vid, value in rows:
        assert isinstance(vid, str)
        assert isinstance(value, str)
        assert re.fullmatch(r"\d+\.\d{6}", value)
        assert float(value) == pytest.approx(expected[vid], abs=5e-7)
    assert (
        len(
            client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task['id']}/sample_result").json()["data"]["items"]
        )
        == 10
    )


def test_result_files_in_explorer_layout(client: TestClient, settings: Any) -> None:
    """Results are CSV files under <files-root>/analytics/<job>/tasks/<task>/; the hdfs sink is noted."""
    wid = make_workflow(client, [PR_TASK])
    job_id = add_job(client, wid)
    detail = wait_job(client, job_id)
    task_id = detail["tasks"][0]["id"]
    folder = settings.resolved_files_root / "analytics" / str(job_id) / "tasks" / task_id
    csv_text = (folder / "part-00000.csv").read_text()
    assert len(csv_text.splitlines()) == 81
    service = client.app.state.service  # type: ignore[attr-defined]
    assert "results are in the local files root" in service.store.get_task(task_id).note


def test_job_lists(client: TestClient) -> None:
    """Lists have the documented keys, tasks null, string workflow ids, newest first, filters and paging."""
    import json

    wid = make_workflow(client, [PR_TASK], name="list_me")
    other = make_workflow(client, [PR_TASK], name="empty_one")
    ids = [add_job(client, wid) for _ in range(3)]
    empty_job = add_job(client, other)
    for j in [*ids, empty_job]:
        wait_job(client, j)
    r = client.get("/api-open/v1/jobs", params={"pageSize": 2})
    assert keys(r.text, "data") == ["items", "total", "Page", "PageSize"]
    assert shape(json.loads(r.text)["data"]["items"][0]) == shape(json.loads(DOC_ITEM))
    data = r.json()["data"]
    assert (data["total"], data["Page"], data["PageSize"]) == (4, 1, 2)
    assert [i["id"] for i in data["items"]] == [empty_job, ids[2]]
    assert all(i["tasks"] is None for i in data["items"])
    per_wf = client.get(f"/api-open/v1/workflows/{wid}/jobs").json()["data"]
    assert per_wf["total"] == 3
    assert {i["id"] for i in per_wf["items"]} == set(ids)
    asc = client.get("/api-open/v1/jobs", params={"filter": json.dumps({"orderByCreateTime": "asc"})}).json()[
        "data"
    ]
    assert asc["items"][0]["id"] == ids[0]
    by_name = client.get("/api-open/v1/jobs", params={"filter": json.dumps({"name": "empty_one"})}).json()[
        "data"
    ]
    assert [i["id"] for i in by_name["items"]] == [empty_job]
    by_status = client.get("/api-open/v1/jobs", params={"filter": json.dumps({"status": 2})}).json()["data"]
    assert by_status["total"] == 4
    created = client.get(f"/api-open/v1/jobs/{ids[1]}").json()["data"]["createTime"]
    window = client.get(
        "/api-open/v1/jobs",
        params={"filter": json.dumps({"fromCreateTime": created, "toCreateTime": created})},
    ).json()["data"]
    assert ids[1] in [i["id"] for i in window["items"]]


def test_empty_workflow_is_refused_at_submit(client: TestClient) -> None:
    """A workflow with no tasks saves (a draft) but gives no job: 40004001, as on Explorer."""
    wid = make_workflow(client, [])
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {}})
    assert r.json()["code"] == 40004001
    assert r.json()["detail"] == "the workflow cannot run: tasks: the workflow has no tasks"
    assert client.get("/api-open/v1/jobs").json()["data"]["total"] == 0


def test_dag_order_and_failure_propagation(client: TestClient) -> None:
    """Downstream starts after upstream ends; a failed task fails the job and its downstream never runs."""
    a = nebula_task("a", "analytics_wcc", "WCC", {})
    b = nebula_task("b", "analytics_nstepdegrees", "Degrees", {"step": "1"})
    bad = nebula_task("bad", "analytics_bfs", "BFS", {"root": "no_such_vertex"})
    after_bad = nebula_task("after_bad", "analytics_pagerank", "PR", {})
    wid = make_workflow(
        client, [a, b, bad, after_bad], [{"src": "a", "dst": "b"}, {"src": "bad", "dst": "after_bad"}]
    )
    job_id = add_job(client, wid)
    detail = wait_job(client, job_id)
    store = client.app.state.service.store  # type: ignore[attr-defined]
    job = store.get_job(job_id)
    tasks = {t.schema_task_id: t for t in job.tasks}
    assert job.status == 3
    assert "bad" in job.reason
    assert tasks["a"].status == 2
    assert tasks["b"].status == 2
    assert tasks["b"].begin_time_ms >= tasks["a"].end_time_ms
    assert tasks["bad"].status == 3
    assert "no_such_vertex" in tasks["bad"].reason
    assert tasks["after_bad"].status == 4
    assert tasks["after_bad"].begin_time_ms == 0
    assert tasks["after_bad"].reason.startswith("not run")
    assert [t["status"] for t in detail["tasks"]] == [2, 2, 3, 4]
    logs = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{tasks['bad'].id}/logs").json()["data"]
    assert any("no_such_vertex" in line["message"] for line in logs["items"])


def test_sample_result_of_unfinished_or_unknown_task(client: TestClient) -> None:
    """sample_result of a task without a result or of a task not in the job is ErrNotFound."""
    bad = nebula_task("bad", "analytics_bfs", "BFS", {"root": "nobody"})
    job_id = add_job(client, make_workflow(client, [bad]))
    detail = wait_job(client, job_id)
    r = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{detail['tasks'][0]['id']}/sample_result")
    assert r.json()["code"] == 40404000
    assert client.get(f"/api-open/v1/jobs/{job_id}/tasks/{'0' * 32}/sample_result").json()["code"] == 40404000
    assert client.get(f"/api-open/v1/jobs/{job_id}/tasks/x/sample_result?limit=-1").json()["code"] == 40004001


def test_input_placeholders_and_refusals(client: TestClient) -> None:
    """Input fills ${root}; a missing value is 50004002; unknown names are 40004001; nothing is created."""
    bfs = nebula_task("analytics_bfs_9", "analytics_bfs", "BFS", {"root": "${start}"})
    bfs["graph"]["params"] = [{"name": "start"}]
    wid = make_workflow(client, [bfs])
    before = client.get("/api-open/v1/jobs").json()["data"]["total"]
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {}})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (500, 50004002, "ErrInternalController")
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {"query_1": {"x": 1}}})
    assert r.json()["code"] == 40004001
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {"analytics_bfs_9": {"nope": 1}}})
    assert r.json()["code"] == 40004001
    assert client.get("/api-open/v1/jobs").json()["data"]["total"] == before
    job_id = add_job(client, wid, {"input": {"analytics_bfs_9": {"start": "player100"}}})
    detail = wait_job(client, job_id)
    assert detail["status"] == 2
    rows = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{detail['tasks'][0]['id']}/sample_result").json()
    ((root, visited),) = rows["data"]["items"]
    assert root == "player100"
    assert int(visited) > 1
    store = client.app.state.service.store  # type: ignore[attr-defined]
    assert store.get_job(job_id).schema["tasks"][0]["spec"]["root"] == "player100"


def test_job_records_workflow_version(client: TestClient) -> None:
    """A job keeps the workflow version it ran, even after the workflow changes."""
    wid = make_workflow(client, [PR_TASK])
    first = add_job(client, wid)
    wcc = nebula_task("wcc", "analytics_wcc", "WCC", {})
    client.put(f"/api-open/v1/workflows/{wid}", json={"schema": {"tasks": [wcc, PR_TASK], "deps": []}})
    second = add_job(client, wid)
    store = client.app.state.service.store  # type: ignore[attr-defined]
    assert store.get_job(first).workflow_version == 1
    assert store.get_job(second).workflow_version == 2
    assert len(store.get_job(first).schema["tasks"]) == 1
    assert len(store.get_job(second).schema["tasks"]) == 2
    wait_job(client, first)
    wait_job(client, second)


@pytest.mark.parametrize(
    ("task", "reason", "code"),
    [
        # An unknown space is ErrNotFound; a missing edge type or file in a known place, ErrParam.
        (nebula_task("t", "analytics_wcc", "WCC", {}, space="nope"), "nope", 40404000),
        (
            nebula_task("t", "analytics_wcc", "WCC", {}, edges="likes", props=""),
            "edge type 'likes' does not exist",
            40004001,
        ),
        (local_task("t", "analytics_wcc", "missing.csv"), "'missing.csv' does not exist", 40004001),
    ],
)
def test_missing_data_fails_at_run_time_or_refuses_strictly(
    client: TestClient, task: dict[str, Any], reason: str, code: int
) -> None:
    """Unknown space or edge type, or a missing local file: the task fails with the reason; strict refuses."""
    wid = make_workflow(client, [task])
    assert reason in failed_task_reason(client, wid)
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"strict": True})
    assert r.json()["code"] == code, r.text
    assert reason in r.json()["detail"]


def write_csv(root: Path, name: str, text: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)


def test_local_csv_datasource_with_and_without_header(client: TestClient, settings: Any) -> None:
    """A local CSV (header optional, int ids) feeds an algorithm; results keep the ids."""
    root = settings.resolved_files_root
    write_csv(root / "in", "h.csv", "src,dst\n1,2\n2,3\n4,5\n")
    write_csv(root / "in", "n.csv", "1,2\n2,3\n4,5\n")
    for name in ("h.csv", "n.csv"):
        wid = make_workflow(client, [local_task("w", "analytics_wcc", f"in/{name}", {"vtype": "int64"})])
        detail = wait_job(client, add_job(client, wid))
        assert detail["status"] == 2, detail
        rows = client.get(
            f"/api-open/v1/jobs/{detail['id']}/tasks/{detail['tasks'][0]['id']}/sample_result"
        ).json()
        assert sorted(map(tuple, rows["data"]["items"])) == [
            ("1", "1"),
            ("2", "1"),
            ("3", "1"),
            ("4", "4"),
            ("5", "4"),
        ]


def test_dependence_datasource_reads_upstream_columns(client: TestClient, settings: Any) -> None:
    """A dependence datasource takes the upstream result's chosen columns as src and dst."""
    root = settings.resolved_files_root
    write_csv(root, "e.csv", "a,b\nb,c\nx,y\n")
    up = local_task("up", "analytics_wcc", "e.csv", {"vtype": "string"})
    down = {
        "id": "down",
        "name": "Degrees",
        "type": "analytics_nstepdegrees",
        "spec": {"step": "1", "type": "out"},
        "graph": {"params": []},
        "datasource": {"type": "hdfs", "spec": {"type": "dependence"}},
    }
    wid = make_workflow(
        client,
        [up, down],
        [{"src": "up", "dst": "down", "spec": {"input": {"srcField": 2, "dstField": 1}, "params": []}}],
    )
    detail = wait_job(client, add_job(client, wid))
    assert detail["status"] == 2, detail
    rows = client.get(
        f"/api-open/v1/jobs/{detail['id']}/tasks/{detail['tasks'][1]['id']}/sample_result"
    ).json()
    # edges LABEL -> VID: a->a, a->b, a->c, x->x, x->y
    assert dict(map(tuple, rows["data"]["items"])) == {"a": "3", "b": "0", "c": "0", "x": "2", "y": "0"}


def test_dependence_column_out_of_range_is_a_problem(client: TestClient) -> None:
    """srcField beyond the upstream's output columns is listed at save and fails the task at run time."""
    up = nebula_task("up", "analytics_wcc", "WCC", {})
    down = {
        "id": "down",
        "type": "analytics_wcc",
        "spec": {},
        "datasource": {"type": "hdfs", "spec": {"type": "dependence"}},
    }
    r = client.post(
        "/api-open/v1/workflows",
        json={
            "schema": {
                "tasks": [up, down],
                "deps": [{"src": "up", "dst": "down", "spec": {"input": {"srcField": 1, "dstField": 3}}}],
            }
        },
    )
    assert r.json()["code"] == 0
    assert r.json()["data"]["problems"][0]["field"] == "deps[0].spec.input.dstField"
    reason = failed_task_reason(client, r.json()["data"]["id"])
    assert "deps[0].spec.input.dstField: column 3 is out of range (1..2) of 'up'" in reason
