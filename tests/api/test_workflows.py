from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.helpers import keys, nebula_task

SCHEMA: dict[str, Any] = {
    "datasources": [
        {"type": "hdfs", "name": "test", "spec": {"user": "root", "url": "hdfs://host:9000/base"}}
    ],
    "tasks": [nebula_task("analytics_pagerank_1", "analytics_pagerank", "PageRank", {"iterations": "10"})],
    "deps": [],
}


def create(client: TestClient, **body: Any) -> int:
    r = client.post("/api-open/v1/workflows", json=body)
    assert r.json()["code"] == 0, r.text
    assert keys(r.text, "data") == ["id", "problems"]
    wid = r.json()["data"]["id"]
    assert isinstance(wid, int)
    assert 0 < wid < 2**32
    return wid


def test_create_and_get_roundtrip(client: TestClient) -> None:
    """A workflow comes back with its schema unchanged, keys in documented order."""
    wid = create(client, name="my_flow", schema=SCHEMA)
    r = client.get(f"/api-open/v1/workflows/{wid}")
    assert keys(r.text, "data") == ["id", "name", "schema", "createTime", "updateTime", "valid", "problems"]
    data = r.json()["data"]
    assert (data["id"], data["name"], data["schema"]) == (wid, "my_flow", SCHEMA)
    assert (data["valid"], data["problems"]) == (True, [])
    assert data["createTime"] == data["updateTime"] > 0


def test_schema_as_json_string_and_default_name(client: TestClient) -> None:
    """The schema may be sent as a JSON string; the default name is workflow_ + 5 chars."""
    wid = create(client, schema=json.dumps(SCHEMA))
    data = client.get(f"/api-open/v1/workflows/{wid}").json()["data"]
    assert data["schema"] == SCHEMA
    name = data["name"]
    assert name.startswith("workflow_")
    assert len(name) == 14
    assert name[9:].isalnum()
    assert name[9:].islower() | name[9:].isdigit()


def test_list_paging_and_filter(client: TestClient) -> None:
    """List is newest first, paged, filterable by name; data keys as documented."""
    ids = [create(client, name=f"flow_{i}", schema=SCHEMA) for i in range(3)]
    r = client.get("/api-open/v1/workflows?page=1&pageSize=2")
    assert keys(r.text, "data") == ["items", "total", "Page", "PageSize"]
    assert keys(r.text, "data", "items", 0) == ["id", "name", "createTime", "updateTime"]
    data = r.json()["data"]
    assert (data["total"], data["Page"], data["PageSize"]) == (3, 1, 2)
    assert [i["id"] for i in data["items"]] == [ids[2], ids[1]]
    assert client.get("/api-open/v1/workflows?page=2&pageSize=2").json()["data"]["items"][0]["id"] == ids[0]
    only = client.get("/api-open/v1/workflows", params={"filter": "flow_1"}).json()["data"]
    assert [i["id"] for i in only["items"]] == [ids[1]]
    as_json = client.get("/api-open/v1/workflows", params={"filter": json.dumps({"name": "flow_2"})}).json()[
        "data"
    ]
    assert [i["id"] for i in as_json["items"]] == [ids[2]]


def test_update_delete_clone(client: TestClient) -> None:
    """PUT changes name/schema, clone makes a new id with the same schema, DELETE removes."""
    wid = create(client, name="a", schema=SCHEMA)
    new_schema = {**SCHEMA, "tasks": [nebula_task("analytics_wcc_1", "analytics_wcc", "WCC", {})]}
    r = client.put(f"/api-open/v1/workflows/{wid}", json={"name": "b", "schema": new_schema})
    assert r.json()["data"]["name"] == "b"
    assert r.json()["data"]["schema"] == new_schema
    clone = client.post(f"/api-open/v1/workflows/{wid}/clone").json()["data"]["id"]
    assert clone != wid
    got = client.get(f"/api-open/v1/workflows/{clone}").json()["data"]
    assert got["schema"] == new_schema
    assert got["name"] == "b_copy"
    assert client.delete(f"/api-open/v1/workflows/{wid}").json()["data"] == {"success": True}
    assert client.get(f"/api-open/v1/workflows/{wid}").json()["code"] == 40404000
    assert client.put(f"/api-open/v1/workflows/{wid}", json={"name": "c"}).json()["code"] == 40404000
    assert client.put(f"/api-open/v1/workflows/{clone}", json={}).json()["code"] == 40004001


BAD_SCHEMA: dict[str, Any] = {
    "tasks": [
        nebula_task("t1", "analytics_pagerank", "PageRank", {"iterations": "ten", "damping": "2"}),
        nebula_task("t1", "analytics_nope", "X", {}),
    ],
    "deps": [{"src": "t1", "dst": "t9"}],
}


def assert_bad_schema_problems(problems: list[dict[str, Any]]) -> None:
    got = {(p["task"], p["field"]) for p in problems}
    assert ("t1", "spec.iterations") in got
    assert ("t1", "spec.damping") in got
    assert ("t1", "type") in got
    assert ("t9", "deps[0].dst") in got
    assert ("t1", "tasks[1].id") in got


def test_strict_save_refuses_and_lists_problems_with_task_and_field(client: TestClient) -> None:
    """With "strict": true, save-time validation refuses and names the task and field of each problem."""
    r = client.post("/api-open/v1/workflows", json={"schema": BAD_SCHEMA, "strict": True})
    body = r.json()
    assert body["code"] == 40004001
    assert r.status_code == 400
    assert_bad_schema_problems(body["data"]["problems"])
    assert "t1" in body["detail"]
    assert client.get("/api-open/v1/workflows").json()["data"]["total"] == 0


def test_draft_saves_verbatim_with_its_problems(client: TestClient) -> None:
    """Saving never refuses a draft over its content: it is stored as sent, its problems listed."""
    r = client.post("/api-open/v1/workflows", json={"schema": BAD_SCHEMA})
    assert r.json()["code"] == 0, r.text
    assert_bad_schema_problems(r.json()["data"]["problems"])
    data = client.get(f"/api-open/v1/workflows/{r.json()['data']['id']}").json()["data"]
    assert data["schema"] == BAD_SCHEMA
    assert data["valid"] is False
    assert_bad_schema_problems(data["problems"])


def test_save_refuses_only_unusable_bodies(client: TestClient) -> None:
    """Not JSON, a schema that is no object, a name that is no string: 40004000/40004001."""
    r = client.post(
        "/api-open/v1/workflows", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.json()["code"] == 40004001, r.text
    for body in ({"schema": [1]}, {"schema": "[1]"}, {"schema": "{oops"}, {"name": 5, "schema": {}}):
        r = client.post("/api-open/v1/workflows", json=body)
        assert r.json()["code"] == 40004001, body


def test_local_path_escaping_root_is_a_problem(client: TestClient) -> None:
    """A local datasource path that leaves the files root is listed at save, refused by strict save."""
    for path in ["../secret.csv", "/etc/passwd", "a/../../b.csv"]:
        schema = {
            "tasks": [
                {
                    "id": "t",
                    "type": "analytics_wcc",
                    "spec": {},
                    "datasource": {"type": "local", "spec": {"path": path}},
                }
            ]
        }
        r = client.post("/api-open/v1/workflows", json={"schema": schema})
        (problem,) = r.json()["data"]["problems"]
        assert "outside the files root" in problem["reason"], path
        r = client.post("/api-open/v1/workflows", json={"schema": schema, "strict": True})
        assert r.json()["code"] == 40004001, path
        assert "outside the files root" in r.json()["detail"]


def test_new_algorithms_validate_at_save_and_strict_submit(client: TestClient) -> None:
    """Bad options are listed with task, parameter and reason; a missing ids1 is 50004002 under strict."""
    bad = nebula_task("tc", "analytics_triangle_count", "TriangleCount", {"opt": "5"})
    r = client.post("/api-open/v1/workflows", json={"schema": {"tasks": [bad]}})
    (problem,) = r.json()["data"]["problems"]
    assert (problem["task"], problem["field"]) == ("tc", "spec.opt")
    jaccard = nebula_task("jc", "analytics_jaccard_similarity", "Jaccard", {})
    wid = create(client, schema={"tasks": [jaccard]})
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"strict": True})
    assert r.json()["code"] == 50004002
    assert r.json()["data"]["problems"][0]["field"] == "spec.ids1"
