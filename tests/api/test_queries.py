"""Query components (nebula_ngql) in workflows: queries feed algorithms, algorithms feed query parameters."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.test_jobs import add_job, make_workflow, reference_pagerank
from tests.helpers import DATA, failed_task_reason, wait_job

NEBULA_DS = {
    "type": "nebula",
    "spec": {"type": "nebula", "space": "basketballplayer", "graphd": "127.0.0.1:9669"},
}


def rows_of(client: TestClient, job_id: int, task_id: str) -> list[list[Any]]:
    r = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/result", params={"limit": 10000})
    items: list[list[Any]] = r.json()["data"]["items"]
    return items


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / "basketballplayer" / f"{name}.csv").open() as fh:
        return list(csv.DictReader(fh))


def query_task(tid: str, ngql: str, params: list[str], output: list[str]) -> dict[str, Any]:
    return {
        "id": tid,
        "name": "Query",
        "type": "nebula_ngql",
        "spec": {"ngql": ngql},
        "graph": {
            "params": [{"name": p} for p in params],
            "output": [{"name": o, "dataType": "string"} for o in output],
        },
        "datasource": NEBULA_DS,
    }


def test_query_feeds_pagerank_which_feeds_a_query(client: TestClient) -> None:
    """Explorer's canonical chain: MATCH → PageRank (dependence) → a query taking PageRank's column."""
    q1 = query_task("query_1", "MATCH (v1:player)--(v2) RETURN id(v1), id(v2)", [], ["src", "dst"])
    pr = {
        "id": "analytics_pagerank_2",
        "name": "PageRank",
        "type": "analytics_pagerank",
        "spec": {
            "iterations": "10",
            "is_directed": "true",
            "eps": "0.0001",
            "damping": "0.85",
            "vtype": "string",
        },
        "graph": {"params": [], "output": [{"name": "vid"}, {"name": "value"}]},
        "datasource": {"type": "hdfs", "spec": {"type": "dependence"}},
    }
    q3 = query_task(
        "query_3",
        "MATCH (v:player) WHERE id(v) IN ${ids} AND v.player.age > ${min_age} RETURN id(v) AS vid, v.player.name AS name",
        ["ids", "min_age"],
        ["vid", "name"],
    )
    q3["graph"]["params"][1]["value"] = "40"
    deps = [
        {
            "src": "query_1",
            "dst": "analytics_pagerank_2",
            "spec": {"input": {"srcField": 1, "dstField": 2}, "params": []},
        },
        {
            "src": "analytics_pagerank_2",
            "dst": "query_3",
            "spec": {"params": [{"name": "ids", "columnIndex": 1, "dataType": "string"}]},
        },
    ]
    wid = make_workflow(client, [q1, pr, q3], deps)
    job_id = add_job(client, wid)
    detail = wait_job(client, job_id)
    assert detail["status"] == 2, client.get(f"/api-open/v1/jobs/{job_id}/progress").json()
    t1, t2, t3 = (t["id"] for t in detail["tasks"])

    # Independently from the CSVs: every edge seen from its player end(s), both ways for follow.
    follow, serve = csv_rows("follow"), csv_rows("serve")
    expected_pairs = sorted(
        [(r["src"], r["dst"]) for r in follow]
        + [(r["dst"], r["src"]) for r in follow]
        + [(r["src"], r["dst"]) for r in serve]
    )
    assert sorted(map(tuple, rows_of(client, job_id, t1))) == expected_pairs

    expected_pr = reference_pagerank(expected_pairs)
    got_pr = {vid: value for vid, value in rows_of(client, job_id, t2)}
    assert got_pr.keys() == expected_pr.keys()
    assert all(abs(got_pr[v] - expected_pr[v]) < 1e-9 for v in got_pr)

    players = {r["vid"]: (r["name"], int(r["age"])) for r in csv_rows("player")}
    expected_names = sorted((vid, name) for vid, (name, age) in players.items() if vid in got_pr and age > 40)
    assert sorted(map(tuple, rows_of(client, job_id, t3))) == expected_names
    sample = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{t3}/sample_result").json()["data"]["items"]
    assert all(isinstance(cell, str) for row in sample for cell in row)


def test_query_input_is_bound_not_spliced(client: TestClient) -> None:
    """A job input value that tries to break out of the query stays one string value; the graph is unchanged."""
    q = query_task("q", "MATCH (v:player) WHERE v.player.name == ${name} RETURN id(v)", ["name"], [])
    wid = make_workflow(client, [q])
    attack = '" OR 1==1 RETURN 1; MATCH (n) DETACH DELETE n //'
    detail = wait_job(client, add_job(client, wid, {"input": {"q": {"name": attack}}}))
    assert detail["status"] == 2
    assert rows_of(client, detail["id"], detail["tasks"][0]["id"]) == []
    ok = wait_job(client, add_job(client, wid, {"input": {"q": {"name": "Tim Duncan"}}}))
    assert rows_of(client, ok["id"], ok["tasks"][0]["id"]) == [["player100"]]
    missing = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={})
    assert missing.json()["code"] == 50004002


@pytest.mark.parametrize(
    "ngql",
    [
        'INSERT VERTEX player(name, age) VALUES "x":("x", 1)',
        "MATCH (v) RETURN id(v); DROP SPACE basketballplayer",
    ],
)
def test_write_queries_are_listed_at_save_and_fail_at_run_time(client: TestClient, ngql: str) -> None:
    """A query that would modify the graph, or smuggles a second statement, is a listed problem at save,
    refused by strict save, and fails its task at run time with the same reason."""
    schema = {"tasks": [query_task("q", ngql, [], [])]}
    r = client.post("/api-open/v1/workflows", json={"schema": schema})
    body = r.json()
    assert body["code"] == 0, ngql
    (problem,) = body["data"]["problems"]
    assert (problem["task"], problem["field"]) == ("q", "spec.ngql")
    assert f"spec.ngql: {problem['reason']}" in failed_task_reason(client, body["data"]["id"])
    strict = client.post("/api-open/v1/workflows", json={"schema": schema, "strict": True}).json()
    assert strict["code"] == 40004001
    assert strict["data"]["problems"] == [problem]


def test_query_runtime_error_fails_the_task_with_the_message(client: TestClient) -> None:
    """A query naming a tag the space does not have fails its task; the log carries the reason."""
    detail = wait_job(
        client,
        add_job(client, make_workflow(client, [query_task("q", "MATCH (v:robot) RETURN id(v)", [], [])])),
    )
    assert detail["status"] == 3
    logs = client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{detail['tasks'][0]['id']}/logs").json()[
        "data"
    ]["items"]
    assert any("robot" in line["message"] for line in logs)


def test_pagerank_written_back_then_queried(client: TestClient) -> None:
    """A nebula sink writes PageRank into tag pagerank(value); a later query filters players on it."""
    pr = {
        "id": "pr",
        "name": "PageRank",
        "type": "analytics_pagerank",
        "spec": {"nebula_input_edges": "follow,serve", "nebula_input_edges_props": ","},
        "datasource": NEBULA_DS,
        "datasink": {
            "type": "nebula",
            "spec": {"tag": "pagerank", "prop": "value", "type": "double", "mode": "insert", "create": True},
        },
    }
    q = query_task(
        "q",
        "MATCH (v:player) WHERE v.pagerank.value > 0.3 RETURN id(v) AS vid, v.pagerank.value AS pr",
        [],
        [],
    )
    wid = make_workflow(client, [pr, q], [{"src": "pr", "dst": "q"}])
    detail = wait_job(client, add_job(client, wid))
    assert detail["status"] == 2, client.get(f"/api-open/v1/jobs/{detail['id']}/progress").json()
    ranks = {vid: value for vid, value in rows_of(client, detail["id"], detail["tasks"][0]["id"])}
    players = {r["vid"] for r in csv_rows("player")}
    expected = sorted((v, r) for v, r in ranks.items() if v in players and r > 0.3)
    got = sorted((v, r) for v, r in rows_of(client, detail["id"], detail["tasks"][1]["id"]))
    assert [v for v, _ in got] == [v for v, _ in expected]
    assert expected
    assert all(abs(a - b) < 1e-12 for (_, a), (_, b) in zip(got, expected, strict=True))
    logs = client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{detail['tasks'][0]['id']}/logs").json()[
        "data"
    ]
    assert any(
        line["message"].startswith("wrote 81 vertices back to tag pagerank(value)") for line in logs["items"]
    )


def test_nebula_sink_creates_nothing_unasked(client: TestClient) -> None:
    """Without create, a sink naming a tag the space lacks fails its task and the space is unchanged."""
    pr = {
        "id": "pr",
        "type": "analytics_pagerank",
        "spec": {"nebula_input_edges": "follow", "nebula_input_edges_props": ""},
        "datasource": NEBULA_DS,
        "datasink": {"type": "nebula", "spec": {"tag": "rank_tag", "prop": "value"}},
    }
    detail = wait_job(client, add_job(client, make_workflow(client, [pr])))
    assert detail["status"] == 3
    service = client.app.state.service  # type: ignore[attr-defined]
    assert "rank_tag" not in service.graphstore.get_space("basketballplayer").tags
    bad = {**pr, "datasink": {"type": "nebula", "spec": {"tag": "t", "prop": "value", "mode": "upsert"}}}
    bad_wid = make_workflow(client, [bad])
    assert "datasink mode must be insert or update, not 'upsert'" in failed_task_reason(client, bad_wid)
    r = client.post(f"/api-open/v1/workflows/{bad_wid}/jobs", json={"strict": True})
    assert r.json()["code"] == 40004001
    assert "mode" in r.json()["detail"]
