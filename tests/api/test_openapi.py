"""The OpenAPI document: generated from the route table, complete, and true to what the API answers."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from graphmill.api.table import OPERATIONS
from tests.helpers import keys, nebula_task, wait_job

B = "/api-open/v1"


@pytest.fixture
def doc(anon: TestClient) -> dict[str, Any]:
    r = anon.get(f"{B}/openapi.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    document: dict[str, Any] = r.json()
    return document


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """Validate against ``schema`` with the document's components resolvable as ``#/components/…``."""
    return jsonschema.Draft202012Validator({**schema, "components": doc["components"]})


def template_of(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, ops in doc["paths"].items():
        pattern = "^" + re.sub(r"{\w+}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            op: dict[str, Any] = ops[method.lower()]
            return op
    raise AssertionError(f"{method} {path} is not described")


def check(doc: dict[str, Any], method: str, path: str, status: int, body: Any) -> None:
    op = template_of(doc, method, path)
    response = op["responses"].get(str(status))
    assert response is not None, f"{method} {path}: status {status} is not documented"
    schema = response["content"]["application/json"]["schema"]
    errors = sorted(validator(doc, schema).iter_errors(body), key=str)
    assert not errors, f"{method} {path} {status}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_every_route_is_described(anon: TestClient, doc: dict[str, Any]) -> None:
    """Each route the app serves is in the document with its method, and nothing documented is missing."""
    served = {
        (m, r.path)
        for r in anon.app.routes  # type: ignore[attr-defined]
        if isinstance(r, Route)
        for m in (r.methods or set()) - {"HEAD"}
    }
    described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    hidden = {(op.method, op.full_path) for op in OPERATIONS if not op.in_schema}
    assert hidden == {("GET", "/docs/assets/{name}"), ("GET", "/"), ("GET", "/assets/{path:path}")}
    assert served - hidden == described
    assert len(described) >= 26  # the set equality above is the check; this guards an empty table
    explorer = {
        (m.upper(), p) for p, ops in doc["paths"].items() for m, op in ops.items() if op["x-explorer"]
    }
    assert explorer == {
        ("POST", f"{B}/connect"),
        ("POST", f"{B}/workflows/{{workflow_id}}/jobs"),
        ("GET", f"{B}/workflows/{{workflow_id}}/jobs"),
        ("GET", f"{B}/jobs"),
        ("GET", f"{B}/jobs/{{job_id}}"),
        ("PUT", f"{B}/jobs/{{job_id}}/cancel"),
        ("GET", f"{B}/jobs/{{job_id}}/tasks/{{task_id}}/sample_result"),
    }


def test_documented_examples_validate(doc: dict[str, Any]) -> None:
    """Every success and error example in the document is valid against its own schema."""
    jsonschema.Draft202012Validator.check_schema({"components": doc["components"]})
    seen = 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                media = response["content"].get("application/json")
                if media is None or "$ref" not in json.dumps(media["schema"]):
                    continue
                examples = [media["example"]] if "example" in media else []
                examples += [e["value"] for e in media.get("examples", {}).values()]
                assert examples, f"{method} {path} {status} has no example"
                for example in examples:
                    validator(doc, media["schema"]).validate(example)
                    seen += 1
    assert seen > 60


def test_key_order_is_noted(doc: dict[str, Any], client: TestClient) -> None:
    """x-key-order in the document is the order the API writes keys in."""
    schemas = doc["components"]["schemas"]
    assert schemas["JobItem"]["x-key-order"] == [
        "id", "name", "workflowId", "workflowName", "status", "tasks", "runBeginTime", "runEndTime", "createTime"
    ]  # fmt: skip
    assert schemas["WorkflowPage"]["x-key-order"] == ["items", "total", "Page", "PageSize"]
    r = client.get(f"{B}/jobs")
    assert keys(r.text) == ["code", "data", "message"]
    assert keys(r.text, "data") == schemas["JobPage"]["x-key-order"]
    r = client.get(f"{B}/jobs/77")
    assert keys(r.text)[:3] == schemas["ErrorEnvelope"]["x-key-order"][:3]


def test_real_answers_match_the_document(client: TestClient, doc: dict[str, Any]) -> None:
    """A whole session's answers, successes and errors, validate against the document."""

    def call(method: str, path: str, status: int = 200, **kw: Any) -> Any:
        r = client.request(method, path, **kw)
        assert r.status_code == status, r.text
        check(doc, method, path, status, r.json())
        return r.json()["data"]

    schema = {"tasks": [nebula_task("pr", "analytics_pagerank", "PageRank", {"iterations": "5"})], "deps": []}
    wid = call("POST", f"{B}/workflows", json={"name": "doc", "schema": schema})["id"]
    call("GET", f"{B}/workflows")
    call("GET", f"{B}/workflows/{wid}")
    call("PUT", f"{B}/workflows/{wid}", json={"name": "doc2"})
    assert [v["version"] for v in call("GET", f"{B}/workflows/{wid}/versions")["items"]] == [2, 1]
    clone = call("POST", f"{B}/workflows/{wid}/clone", json={})["id"]
    job = call("POST", f"{B}/workflows/{wid}/jobs", json={"input": {}})["id"]
    wait_job(client, job)
    detail = call("GET", f"{B}/jobs/{job}")
    task = detail["tasks"][0]["id"]
    call("GET", f"{B}/jobs")
    call("GET", f"{B}/workflows/{wid}/jobs")
    call("GET", f"{B}/jobs/{job}/progress")
    call("GET", f"{B}/jobs/{job}/tasks/{task}/logs")
    call("GET", f"{B}/jobs/{job}/tasks/{task}/result", params={"limit": 3})
    call("GET", f"{B}/jobs/{job}/tasks/{task}/sample_result", params={"limit": 3})
    call("GET", f"{B}/jobs/{job}/webhook_deliveries")
    call("GET", f"{B}/algorithms")
    call(
        "GET",
        f"{B}/algorithms/analytics_pagerank/estimate",
        params={"space": "basketballplayer", "edges": "follow"},
    )
    call("PUT", f"{B}/jobs/{job}/cancel")
    rerun = call("POST", f"{B}/jobs/{job}/rerun", json={"fromFailure": False})["id"]
    wait_job(client, rerun)
    call("DELETE", f"{B}/workflows/{clone}")
    call("GET", "/healthz")
    # errors
    call("GET", f"{B}/workflows/{clone}", 404)
    call("GET", f"{B}/jobs/999", 500)
    call("POST", f"{B}/workflows", 400, json={"name": 5, "schema": schema})
    call("POST", f"{B}/workflows/{wid}/jobs", 400, json={"input": []})
    call("POST", f"{B}/jobs/{job}/rerun", 400, json={"fromFailure": "yes"})
    client.cookies.clear()
    call("GET", f"{B}/jobs", 401)


def test_typed_bodies_refuse_wrong_types_with_problems(client: TestClient) -> None:
    """A body field of the wrong type is a 40004001 naming the field, not a 500 or a silent coercion."""
    r = client.post(f"{B}/workflows", json={"name": ["x"], "schema": {"tasks": []}})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == 40004001
    assert body["data"]["problems"][0]["field"] == "name"
    r = client.post(f"{B}/workflows", json={"name": "x"})
    assert r.json()["data"]["problems"] == [{"task": None, "field": "schema", "reason": "Field required"}]


def test_docs_page_works_offline(anon: TestClient) -> None:
    """/docs is Swagger UI served from the package: every asset it loads is ours, none from the network."""
    page = anon.get("/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert not re.findall(r"(?:src|href)=\"https?://", page.text)
    assert "/api-open/v1/openapi.json" in page.text
    for asset in re.findall(r"(?:src|href)=\"(/docs/assets/[^\"]+)\"", page.text):
        r = anon.get(asset)
        assert r.status_code == 200, asset
        assert len(r.content) > 500
    assert "validatorUrl: null" in page.text
    assert (
        anon.get("/docs/assets/LICENSE").text.startswith("\n")
        or "Apache" in anon.get("/docs/assets/LICENSE").text
    )
    assert anon.get("/docs/assets/../app.py").status_code == 404
    assert anon.get("/docs/assets/secret.key").status_code == 404
