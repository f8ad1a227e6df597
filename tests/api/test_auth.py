from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from graphmill.auth.tokens import Principal
from tests.helpers import account_header, keys


@pytest.mark.parametrize("json_form", [True, False])
def test_connect_sets_cookie(anon: TestClient, json_form: bool) -> None:
    """Both account encodings log in; the token comes as the documented cookie."""
    r = anon.post(
        "/api-open/v1/connect",
        headers=account_header(json_form=json_form),
        json={"address": "127.0.0.1", "port": 9669},
    )
    assert r.status_code == 200
    assert r.content == b'{"code":0,"data":{"success":true},"message":"Success"}'
    cookie = r.headers["set-cookie"]
    token = r.cookies["explorer_token"]
    # The documented attributes, then SameSite=Lax (CSRF: the cookie never rides a cross-site POST).
    assert cookie == f"explorer_token={token}; Path=/; Max-Age=259200; HttpOnly; SameSite=Lax"


def test_port_may_be_a_numeric_string(anon: TestClient) -> None:
    """A port sent as "9669" is numeric and accepted."""
    r = anon.post(
        "/api-open/v1/connect", headers=account_header(), json={"address": "127.0.0.1", "port": "9669"}
    )
    assert r.json()["code"] == 0


def test_wrong_password_is_40004000(anon: TestClient) -> None:
    """A wrong password gives ErrBadRequest with HTTP 400."""
    r = anon.post(
        "/api-open/v1/connect",
        headers=account_header(password="nope"),
        json={"address": "127.0.0.1", "port": 9669},
    )
    assert r.status_code == 400
    assert keys(r.text)[:3] == ["code", "data", "message"]
    assert r.json()["code"] == 40004000
    assert r.json()["message"] == "ErrBadRequest"


@pytest.mark.parametrize(
    "body",
    [
        {"address": "", "port": 9669},
        {"address": "127.0.0.1", "port": "abc"},
        {"port": 9669},
        {"address": "127.0.0.1", "port": True},
        {"address": 5, "port": 1},
    ],
)
def test_bad_address_or_port_is_40004001(anon: TestClient, body: dict[str, object]) -> None:
    """An empty address or a non-numeric port gives ErrParam."""
    r = anon.post("/api-open/v1/connect", headers=account_header(), json=body)
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (400, 40004001, "ErrParam")


def test_unknown_graph_address_is_refused(anon: TestClient) -> None:
    """An address with no configured graph database cannot be logged in to."""
    r = anon.post(
        "/api-open/v1/connect", headers=account_header(), json={"address": "127.0.0.2", "port": 9669}
    )
    assert r.json()["code"] == 40004000
    assert "127.0.0.2:9669" in r.json()["detail"]


def test_missing_token_is_40104000(anon: TestClient) -> None:
    """Every endpoint but connect needs the token."""
    for method, path in [
        ("GET", "/api-open/v1/jobs"),
        ("GET", "/api-open/v1/jobs/1"),
        ("PUT", "/api-open/v1/jobs/1/cancel"),
        ("POST", "/api-open/v1/workflows/1/jobs"),
        ("GET", "/api-open/v1/workflows/1/jobs"),
        ("GET", "/api-open/v1/jobs/1/tasks/x/sample_result"),
        ("GET", "/api-open/v1/workflows"),
        ("POST", "/api-open/v1/workflows"),
    ]:
        r = anon.request(method, path)
        assert (r.status_code, r.json()["code"], r.json()["message"]) == (401, 40104000, "ErrUnauthorized"), (
            path
        )


def test_token_by_header_and_invalid_token(anon: TestClient) -> None:
    """The token works as an explorer_token header; a forged one is 40104000."""
    r = anon.post(
        "/api-open/v1/connect", headers=account_header(), json={"address": "127.0.0.1", "port": 9669}
    )
    token = r.cookies["explorer_token"]
    anon.cookies.clear()
    assert anon.get("/api-open/v1/jobs").json()["code"] == 40104000
    assert anon.get("/api-open/v1/jobs", headers={"explorer_token": token}).json()["code"] == 0
    bad = anon.get("/api-open/v1/jobs", headers={"explorer_token": token + "x"})
    assert bad.json()["code"] == 40104000


def test_expired_token_is_40104001(anon: TestClient) -> None:
    """A token past its lifetime gives ErrSession."""
    service = anon.app.state.service  # type: ignore[attr-defined]
    old = service.tokens.issue(Principal("root", "127.0.0.1:9669"), now_s=time.time() - 259201)
    anon.cookies.set("explorer_token", old)
    r = anon.get("/api-open/v1/jobs")
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (401, 40104001, "ErrSession")


def test_healthz_needs_no_token(anon: TestClient) -> None:
    """The health check answers without a login."""
    assert anon.get("/healthz").content == b'{"code":0,"data":{"status":"ok"},"message":"Success"}'
