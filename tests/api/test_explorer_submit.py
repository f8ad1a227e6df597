"""Submission refuses only what Explorer refuses, with Explorer's codes; everything else runs (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.helpers import failed_task_reason, nebula_task, wait_job

JOBS = "/api-open/v1/workflows/{}/jobs"


def save(client: TestClient, tasks: list[dict[str, Any]], deps: list[dict[str, Any]] | None = None) -> int:
    r = client.post("/api-open/v1/workflows", json={"schema": {"tasks": tasks, "deps": deps or []}})
    assert r.json()["code"] == 0, r.text
    return int(r.json()["data"]["id"])


def bfs_with_root_param(default: object = None) -> dict[str, Any]:
    task = nebula_task("bfs_1", "analytics_bfs", "BFS", {"root": "${root}"})
    param: dict[str, Any] = {"name": "root"}
    if default is not None:
        param["value"] = default
    task["graph"]["params"] = [param]
    return task


def refusal(client: TestClient, path: str, body: object) -> dict[str, Any]:
    r = client.post(path, json=body)
    data: dict[str, Any] = r.json()
    assert list(data) == ["code", "data", "message", "detail"], r.text
    assert r.status_code == data["code"] // 100000
    return data


def test_a_placeholder_without_a_value_is_50004002(client: TestClient) -> None:
    wid = save(client, [bfs_with_root_param()])
    got = refusal(client, JOBS.format(wid), {"input": {}})
    assert (got["code"], got["message"]) == (50004002, "ErrInternalController")
    assert got["detail"] == "missing required parameters: bfs_1: spec.root: parameter ${root} has no value"
    reason = "parameter ${root} has no value"
    assert got["data"] == {"problems": [{"task": "bfs_1", "field": "spec.root", "reason": reason}]}


def test_input_naming_an_unknown_task_or_parameter_is_errparam(client: TestClient) -> None:
    wid = save(client, [bfs_with_root_param("player100")])
    got = refusal(client, JOBS.format(wid), {"input": {"query_9": {"root": "x"}}})
    assert (got["code"], got["message"]) == (40004001, "ErrParam")
    assert got["detail"] == "invalid job input: query_9: input: the workflow has no task 'query_9'"
    got = refusal(client, JOBS.format(wid), {"input": {"bfs_1": {"depth": 3}}})
    assert (
        got["detail"] == "invalid job input: bfs_1: input.bfs_1.depth: task 'bfs_1' has no parameter 'depth'"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (None, "a JSON body is required"),
        ({"input": [1]}, "input must be an object keyed by task id"),
        ({"input": "x"}, "input must be an object keyed by task id"),
        (
            {"input": {"bfs_1": "player100"}},
            "invalid job input: bfs_1: input.bfs_1: must be an object of parameter values",
        ),
        (
            {"input": {"bfs_1": {"root": None}}},
            "invalid job input: bfs_1: input.bfs_1.root: value must be a string, a number or a boolean",
        ),
        ({"input": {}, "strict": "yes"}, "strict must be true or false"),
    ],
)
def test_malformed_bodies_are_errparam(client: TestClient, body: object, detail: str) -> None:
    wid = save(client, [bfs_with_root_param("player100")])
    r = client.post(JOBS.format(wid), content=b"" if body is None else None, json=body)
    assert (r.json()["code"], r.json()["message"], r.json()["detail"]) == (40004001, "ErrParam", detail)


@pytest.mark.parametrize("wid", ["12345", "abc", "12x", "-1"])
def test_unknown_or_malformed_workflow_id_is_50004001(client: TestClient, wid: str) -> None:
    got = refusal(client, JOBS.format(wid), {"input": {}})
    assert (got["code"], got["message"]) == (50004001, "ErrInternalDatabase")
    assert wid in got["detail"]


def test_no_tasks_or_a_cycle_is_errparam(client: TestClient) -> None:
    empty = save(client, [])
    got = refusal(client, JOBS.format(empty), {"input": {}})
    assert got["detail"] == "the workflow cannot run: tasks: the workflow has no tasks"
    a = nebula_task("a", "analytics_wcc", "WCC", {})
    b = nebula_task("b", "analytics_wcc", "WCC", {})
    cyclic = save(client, [a, b], [{"src": "a", "dst": "b"}, {"src": "b", "dst": "a"}])
    got = refusal(client, JOBS.format(cyclic), {"input": {}})
    assert got["code"] == 40004001
    assert got["detail"] == "the workflow cannot run: a: deps: the dependencies form a cycle: a -> b -> a"
    assert client.get("/api-open/v1/jobs").json()["data"]["total"] == 0


def test_empty_input_runs_a_workflow_without_parameters(client: TestClient) -> None:
    wid = save(client, [nebula_task("wcc_1", "analytics_wcc", "WCC", {})])
    r = client.post(JOBS.format(wid), json={"input": {}})
    assert r.json()["code"] == 0
    assert wait_job(client, r.json()["data"]["id"])["status"] == 2


def test_json_values_fill_placeholders_in_algorithm_specs(client: TestClient) -> None:
    """${root} in an algorithm spec takes the job's value; an int-looking string reaches the vid as is."""
    wid = save(client, [bfs_with_root_param()])
    r = client.post(JOBS.format(wid), json={"input": {"bfs_1": {"root": "player100"}}})
    job = wait_job(client, r.json()["data"]["id"])
    assert job["status"] == 2
    rows = client.get(f"/api-open/v1/jobs/{job['id']}/tasks/bfs_1/sample_result").json()["data"]["items"]
    assert rows[0][0] == "player100"


def test_bad_values_fail_at_run_time_with_the_reason(client: TestClient) -> None:
    """Out of range, required left empty, a root that does not exist: status 3, the reason in logs and progress."""
    cases = [
        (nebula_task("pr", "analytics_pagerank", "PR", {"damping": "2"}), "spec.damping: must be at most 1"),
        (nebula_task("sssp", "analytics_sssp", "SSSP", {"root": ""}), "spec.root: required"),
        (nebula_task("bfs", "analytics_bfs", "BFS", {"root": "nobody"}), "nobody"),
    ]
    for task, reason in cases:
        assert reason in failed_task_reason(client, save(client, [task]))


def test_strict_submission_refuses_what_would_fail(client: TestClient, settings: Any) -> None:
    """ "strict": true refuses at submit with every problem listed; lenient submission creates the job."""
    wid = save(client, [nebula_task("pr", "analytics_pagerank", "PR", {"damping": "2", "iterations": "x"})])
    got = refusal(client, JOBS.format(wid), {"input": {}, "strict": True})
    assert got["code"] == 40004001
    assert {p["field"] for p in got["data"]["problems"]} == {"spec.damping", "spec.iterations"}
    assert client.post(JOBS.format(wid), json={"input": {}}).json()["code"] == 0


def test_tasks_are_addressed_by_schema_id_or_job_task_id(client: TestClient) -> None:
    """sample_result, result and logs accept `analytics_pagerank_1` as well as the 32-hex id."""
    wid = save(client, [nebula_task("analytics_pagerank_1", "analytics_pagerank", "PageRank", {})])
    job = wait_job(client, client.post(JOBS.format(wid), json={"input": {}}).json()["data"]["id"])
    hex_id = job["tasks"][0]["id"]
    base = f"/api-open/v1/jobs/{job['id']}/tasks"
    for path in ("sample_result", "result", "logs"):
        by_schema = client.get(f"{base}/analytics_pagerank_1/{path}").json()
        by_hex = client.get(f"{base}/{hex_id}/{path}").json()
        assert by_schema["code"] == 0, by_schema
        assert by_schema == by_hex
    assert client.get(f"{base}/nope/sample_result").json()["code"] == 40404000
