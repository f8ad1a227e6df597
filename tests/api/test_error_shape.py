"""Every error answer has the envelope of api.md §1, and the HTTP status of its code."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from graphmill.errors import ERROR_NAMES
from tests.helpers import keys

CASES = [
    ("GET", "/api-open/v1/jobs/999999", None, 50004001),  # Explorer's quirk for an unknown job
    ("GET", "/api-open/v1/jobs/abc", None, 40004001),
    ("PUT", "/api-open/v1/jobs/999999/cancel", None, 50004001),
    ("GET", "/api-open/v1/jobs/999999/tasks/abc/sample_result", None, 50004001),
    ("GET", "/api-open/v1/workflows/12345", None, 40404000),
    ("POST", "/api-open/v1/workflows/12345/jobs", {}, 50004001),
    ("GET", "/api-open/v1/workflows/12345/jobs", None, 40404000),
    ("GET", "/api-open/v1/jobs?page=0", None, 40004001),
    ("GET", "/api-open/v1/jobs?pageSize=abc", None, 40004001),
    ("GET", "/api-open/v1/jobs?pageSize=100000", None, 40004001),
    ("GET", "/api-open/v1/jobs?filter=%7Bbad", None, 40004001),
    ("GET", "/api-open/v1/jobs?filter=%7B%22status%22%3A9%7D", None, 40004001),
    ("GET", "/api-open/v1/jobs?filter=%7B%22orderByCreateTime%22%3A%22up%22%7D", None, 40004001),
    ("POST", "/api-open/v1/workflows", {"schema": "{not json"}, 40004001),
    ("POST", "/api-open/v1/workflows", {"name": "x"}, 40004001),
    ("GET", "/api-open/v1/nothing-here", None, 40404000),
    ("DELETE", "/api-open/v1/jobs", None, 40004000),
]


@pytest.mark.parametrize(("method", "path", "body", "code"), CASES)
def test_error_envelope(client: TestClient, method: str, path: str, body: object, code: int) -> None:
    """code, data, message in order; message is the code's name; HTTP status is the code's class."""
    r = client.request(method, path, json=body)
    assert r.status_code == code // 100000, r.text
    assert keys(r.text)[:3] == ["code", "data", "message"]
    payload = r.json()
    assert payload["code"] == code
    assert payload["message"] == ERROR_NAMES[code]
    assert isinstance(payload.get("detail"), str)
    assert payload["detail"]
    assert b": " not in r.content.split(b'"detail"')[0]  # compact JSON


def test_invalid_json_body(client: TestClient) -> None:
    """A body that is not JSON is ErrParam."""
    r = client.post("/api-open/v1/workflows", content=b"{", headers={"content-type": "application/json"})
    assert r.json()["code"] == 40004001


def test_unexpected_error_is_50004000(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug inside a handler answers the envelope with ErrInternalServer, not a stack trace."""
    from starlette.testclient import TestClient as TC

    service = client.app.state.service  # type: ignore[attr-defined]

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_jobs", boom)
    quiet = TC(client.app, raise_server_exceptions=False)
    quiet.cookies = client.cookies
    r = quiet.get("/api-open/v1/jobs")
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (500, 50004000, "ErrInternalServer")
    assert "boom" not in r.text
