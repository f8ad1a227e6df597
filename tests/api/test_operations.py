"""graphmill's extensions: progress, logs, rerun, full results, events, idempotency, admission, metrics."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow.parquet as pq
from starlette.testclient import TestClient

from graphmill.service.estimate import InputSize, max_edges
from tests.api.test_jobs import add_job, make_workflow
from tests.helpers import nebula_task, wait_job

PR = nebula_task("pr", "analytics_pagerank", "PageRank", {})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def bfs_with_param() -> dict[str, Any]:
    task = nebula_task("bfs", "analytics_bfs", "BFS", {"root": "${start}"})
    task["graph"]["params"] = [{"name": "start"}]
    return task


def test_progress_of_finished_job(client: TestClient) -> None:
    """A finished job reports 100 %, its elapsed time and per-task rows."""
    job_id = add_job(client, make_workflow(client, [PR]))
    wait_job(client, job_id)
    data = client.get(f"/api-open/v1/jobs/{job_id}/progress").json()["data"]
    assert data["percent"] == 100.0
    assert data["remainingMs"] == 0
    assert data["elapsedMs"] >= 0
    (task,) = data["tasks"]
    assert (task["status"], task["percent"], task["rowsWritten"], task["phase"]) == (2, 100.0, 81, "done")


def test_logs_paging_and_bad_input(client: TestClient) -> None:
    """Logs page by line offset with a continuation offset; bad paging is ErrParam."""
    job_id = add_job(client, make_workflow(client, [PR]))
    detail = wait_job(client, job_id)
    base = f"/api-open/v1/jobs/{job_id}/tasks/{detail['tasks'][0]['id']}/logs"
    everything = client.get(base).json()["data"]["items"]
    messages = [line["message"] for line in everything]
    assert any(m.startswith("PageRank parameters: iterations=10") for m in messages)
    assert any(m.startswith("graph: 81 vertices, 233 edges") for m in messages)
    assert any(m.startswith("peak memory") for m in messages)
    first = client.get(base, params={"limit": 2}).json()["data"]
    assert [x["seq"] for x in first["items"]] == [0, 1]
    assert first["nextOffset"] == 2
    rest = client.get(base, params={"offset": first["nextOffset"]}).json()["data"]
    assert first["items"] + rest["items"] == everything
    for params in ({"offset": -1}, {"limit": 0}, {"limit": 10**6}, {"offset": "x"}):
        assert client.get(base, params=params).json()["code"] == 40004001
    assert client.get(f"/api-open/v1/jobs/{job_id}/tasks/{'0' * 32}/logs").json()["code"] == 40404000
    assert client.get(f"/api-open/v1/jobs/99999/tasks/{'0' * 32}/logs").json()["code"] == 50004001


def test_rerun_from_failure_keeps_successful_tasks(client: TestClient) -> None:
    """Rerun from failure reruns only what failed (and its downstream), keeps the rest, records the origin."""
    wcc = nebula_task("wcc", "analytics_wcc", "WCC", {})
    after = nebula_task("after", "analytics_nstepdegrees", "Degrees", {"step": "1"})
    wid = make_workflow(client, [wcc, bfs_with_param(), after], [{"src": "bfs", "dst": "after"}])
    failed = add_job(client, wid, {"input": {"bfs": {"start": "nobody"}}})
    first = wait_job(client, failed)
    assert [t["status"] for t in first["tasks"]] == [2, 3, 4]
    r = client.post(
        f"/api-open/v1/jobs/{failed}/rerun",
        json={"fromFailure": True, "input": {"bfs": {"start": "player100"}}},
    )
    assert r.json()["code"] == 0, r.text
    rerun = r.json()["data"]["id"]
    second = wait_job(client, rerun)
    assert [t["status"] for t in second["tasks"]] == [2, 2, 2]
    progress = client.get(f"/api-open/v1/jobs/{rerun}/progress").json()["data"]
    assert progress["rerunOf"] == failed
    kept = {t["taskId"]: t["reusedFrom"] for t in progress["tasks"]}
    assert kept == {"wcc": first["tasks"][0]["id"], "bfs": "", "after": ""}
    rows = client.get(f"/api-open/v1/jobs/{rerun}/tasks/{second['tasks'][0]['id']}/sample_result").json()
    assert len(rows["data"]["items"]) == 10
    again = client.post(f"/api-open/v1/jobs/{rerun}/rerun", json={"fromFailure": True}).json()
    assert again["code"] == 40004000  # it succeeded: nothing to rerun from
    full = client.post(f"/api-open/v1/jobs/{rerun}/rerun", json={}).json()["data"]["id"]
    assert all(
        t["reusedFrom"] == ""
        for t in client.get(f"/api-open/v1/jobs/{full}/progress").json()["data"]["tasks"]
    )
    wait_job(client, full)
    assert client.post("/api-open/v1/jobs/99999/rerun", json={}).json()["code"] == 50004001
    assert (
        client.post(f"/api-open/v1/jobs/{failed}/rerun", json={"fromFailure": "yes"}).json()["code"]
        == 40004001
    )


def test_full_result_pages_and_downloads(client: TestClient) -> None:
    """JSON pages tile the whole result; CSV and Parquet downloads carry the same rows."""
    job_id = add_job(client, make_workflow(client, [PR]))
    detail = wait_job(client, job_id)
    base = f"/api-open/v1/jobs/{job_id}/tasks/{detail['tasks'][0]['id']}/result"
    whole = client.get(base, params={"limit": 1000}).json()["data"]
    assert whole["columns"] == ["VID", "VALUE"]
    assert whole["total"] == 81
    assert len(whole["items"]) == 81
    pages: list[Any] = []
    offset = 0
    while offset < 81:
        page = client.get(base, params={"offset": offset, "limit": 20}).json()["data"]
        pages += page["items"]
        offset += 20
    assert pages == whole["items"]
    assert client.get(base, params={"offset": 500}).json()["data"]["items"] == []
    csv_text = client.get(base, params={"format": "csv"}).text.splitlines()
    assert csv_text[0] == "VID,VALUE"
    assert len(csv_text) == 82
    by_vid = {vid: value for vid, value in whole["items"]}
    for line in csv_text[1:]:
        vid, value = line.split(",")
        assert abs(float(value) - by_vid[vid]) <= 5e-7
    raw = client.get(base, params={"format": "parquet"}).content
    table = pq.read_table(io.BytesIO(raw))
    assert table.column_names == ["VID", "VALUE"]
    assert [list(r.values()) for r in table.to_pylist()] == whole["items"]
    for params in ({"format": "xml"}, {"offset": -1}, {"limit": 10**7}, {"limit": 0}):
        assert client.get(base, params=params).json()["code"] == 40004001
    assert client.get(f"/api-open/v1/jobs/{job_id}/tasks/{'1' * 32}/result").json()["code"] == 40404000


def test_idempotency_key_returns_the_first_job(client: TestClient) -> None:
    """The same Idempotency-Key gives back the first job instead of starting another."""
    wid = make_workflow(client, [PR])
    first = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}, headers={"Idempotency-Key": "abc"})
    second = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}, headers={"Idempotency-Key": "abc"})
    other = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}, headers={"Idempotency-Key": "xyz"})
    assert first.json()["data"]["id"] == second.json()["data"]["id"] != other.json()["data"]["id"]
    assert client.get(f"/api-open/v1/workflows/{wid}/jobs").json()["data"]["total"] == 2
    long_key = client.post(
        f"/api-open/v1/workflows/{wid}/jobs", json={}, headers={"Idempotency-Key": "k" * 300}
    )
    assert long_key.json()["code"] == 40004001
    wait_job(client, first.json()["data"]["id"])
    wait_job(client, other.json()["data"]["id"])


def test_estimate_and_refusal_over_budget(client: TestClient) -> None:
    """The estimate endpoint sizes a job; a job that can never fit is refused with its estimate."""
    r = client.get(
        "/api-open/v1/algorithms/analytics_pagerank/estimate",
        params={"space": "basketballplayer", "edges": "follow,serve"},
    )
    data = r.json()["data"]
    assert (data["vertices"], data["edges"], data["fits"]) == (81, 233, True)
    assert data["estimatedBytes"] > 0
    assert (
        client.get("/api-open/v1/algorithms/analytics_nope/estimate?space=x&edges=y").json()["code"]
        == 40404000
    )
    assert client.get("/api-open/v1/algorithms/analytics_pagerank/estimate").json()["code"] == 40004001
    service = client.app.state.service  # type: ignore[attr-defined]
    service.memory_budget_bytes = data["estimatedBytes"] - 1
    r = client.post(f"/api-open/v1/workflows/{make_workflow(client, [PR])}/jobs", json={})
    body = r.json()
    assert (r.status_code, body["code"]) == (403, 40304000)
    assert body["data"]["estimatedBytes"] == data["estimatedBytes"]
    assert "MiB" in body["detail"]
    # the ceiling in edges: the graph (233 edges) is just over it, it is what the coefficients give
    # for this graph's shape (string ids), and the message says so
    shape = InputSize(data["vertices"], data["edges"], data["weighted"], string_ids=True)
    assert body["data"]["maxEdges"] == max_edges("analytics_pagerank", shape, service.memory_budget_bytes)
    assert 0 < body["data"]["maxEdges"] < 233
    assert f"fits about {body['data']['maxEdges']} edges" in body["detail"]


def test_algorithm_catalogue(client: TestClient) -> None:
    """Every algorithm is listed with a JSON Schema of its parameters."""
    items = client.get("/api-open/v1/algorithms").json()["data"]["items"]
    types = {i["type"]: i for i in items}
    # algorithms.md §2.0 column EXP, plus StronglyConnectedComponent.
    assert set(types) == {
        "analytics_pagerank",
        "analytics_kcore",
        "analytics_nstepdegrees",
        "analytics_degree_with_time",
        "analytics_bnc",
        "analytics_cnc",
        "analytics_apsp",
        "analytics_sssp",
        "analytics_bfs",
        "analytics_shortest_path",
        "analytics_lpa",
        "analytics_hanp",
        "analytics_wcc",
        "analytics_scc",
        "analytics_louvain",
        "analytics_infomap",
        "analytics_triangle_count",
        "analytics_node2vec",
        "analytics_tree_stat",
        "analytics_hyperanf",
        "analytics_clustering_coefficient",
        "analytics_jaccard_similarity",
    }
    for item in items:
        assert item["parameters"]["type"] == "object", item["type"]
    pr = types["analytics_pagerank"]
    assert pr["outputColumns"] == ["VID", "VALUE"]
    assert pr["parameters"]["properties"]["damping"]["default"] == 0.85
    assert (
        types["analytics_bfs"]["outputColumns"] is None or "ROOT" in types["analytics_bfs"]["outputColumns"]
    )


def test_metrics(client: TestClient) -> None:
    """/metrics exposes job counts by status, queue length, task durations and HTTP latency."""
    wait_job(client, add_job(client, make_workflow(client, [PR])))
    text = client.get("/metrics").text
    assert 'graphmill_jobs{status="success"} 1.0' in text
    assert "graphmill_queue_length 0.0" in text
    assert 'graphmill_task_duration_seconds_count{status="success",type="analytics_pagerank"} 1.0' in text
    assert (
        'graphmill_http_request_duration_seconds_count{code="200",method="GET",route="/api-open/v1/jobs/{job_id}"}'
        in text
    )
    assert "graphmill_worker_memory_bytes" in text


def test_events_snapshot_for_finished_job(client: TestClient) -> None:
    """The event stream of a finished job sends a snapshot and ends."""
    job_id = add_job(client, make_workflow(client, [PR]))
    wait_job(client, job_id)
    with client.stream("GET", f"/api-open/v1/jobs/{job_id}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    blocks = [b for b in text.split("\n\n") if b]
    assert blocks[0].startswith("event: snapshot")
    assert blocks[-1].startswith("event: end")
    snapshot = json.loads(blocks[0].split("data: ", 1)[1])
    assert snapshot["job"]["status"] == 2
    assert client.get("/api-open/v1/jobs/4242/events").json()["code"] == 50004001


def test_unknown_jobs_and_tasks_on_every_extension(client: TestClient) -> None:
    """Every extension answers an unknown job with Explorer's code and a bad id with ErrParam."""
    for method, path in [
        ("GET", "/progress"),
        ("GET", "/events"),
        ("POST", "/rerun"),
        ("GET", "/webhook_deliveries"),
        ("GET", f"/tasks/{'0' * 32}/logs"),
        ("GET", f"/tasks/{'0' * 32}/result"),
    ]:
        assert client.request(method, f"/api-open/v1/jobs/777{path}").json()["code"] == 50004001, path
        assert client.request(method, f"/api-open/v1/jobs/x7{path}").json()["code"] == 40004001, path
