"""Findings 2b, 2d, 5 in-process: JSON-only bodies, the Origin check, the cookie, CORS, login limits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import account_header

P = "/api-open/v1"
CONNECT = {"address": "127.0.0.1", "port": 9669}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/workflows", "text/plain"),
        ("/workflows", "application/x-www-form-urlencoded"),
        ("/workflows", "multipart/form-data; boundary=x"),
        ("/workflows", ""),
    ],
)
def test_non_json_bodies_are_refused(client: TestClient, path: str, content_type: str) -> None:
    body = b'{"name":"x","schema":{"tasks":[{"id":"x","type":"analytics_nope","spec":{}}]}}'
    r = client.post(P + path, content=body, headers={"Content-Type": content_type} if content_type else {})
    assert r.status_code == 415
    assert r.json()["code"] == 41504000
    assert r.json()["message"] == "ErrUnsupportedMediaType"


def test_json_with_charset_and_empty_form_cancel_still_work(client: TestClient) -> None:
    r = client.post(
        f"{P}/workflows",
        content=b'{"schema":{"tasks":[{"id":"x","type":"analytics_nope","spec":{}}]}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    wid = r.json()["data"]["id"]
    # Submitting needs a JSON body (issue 14: an empty one is ErrParam, as on Explorer).
    assert client.post(f"{P}/workflows/{wid}/jobs", headers=FORM).json()["code"] == 40004001
    job = client.post(f"{P}/workflows/{wid}/jobs", json={"input": {}}).json()["data"]["id"]
    assert client.put(f"{P}/jobs/{job}/cancel", headers=FORM).json()["code"] == 0


def test_cross_origin_state_changes_are_refused(client: TestClient) -> None:
    wid = client.post(
        f"{P}/workflows", json={"schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}}
    ).json()["data"]["id"]
    job = client.post(f"{P}/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    evil = {"Origin": "http://evil.example", **FORM}
    r = client.put(f"{P}/jobs/{job}/cancel", headers=evil)
    assert (r.status_code, r.json()["code"]) == (403, 40304000)
    assert (
        client.post(
            f"{P}/workflows", json={"schema": {}}, headers={"Origin": "http://evil.example"}
        ).status_code
        == 403
    )
    assert client.delete(f"{P}/workflows/{wid}", headers={"Origin": "null"}).status_code == 403
    # the server's own pages, and clients that send no Origin, pass
    own = {"Origin": "http://127.0.0.1:7002", **FORM}
    assert client.put(f"{P}/jobs/{job}/cancel", headers=own).json()["code"] == 0
    assert client.get(f"{P}/jobs/{job}", headers={"Origin": "http://evil.example"}).status_code == 200


def test_cookie_is_samesite_lax_and_secure_over_tls(settings: Settings) -> None:
    with TestClient(create_app(settings), base_url="https://graphmill.example") as tls:
        r = tls.post(f"{P}/connect", headers=account_header(), json=CONNECT)
        cookie = r.headers["set-cookie"]
    assert cookie.endswith("; HttpOnly; SameSite=Lax; Secure")


def test_cors_is_off_by_default_and_on_by_setting(data_dir: Path) -> None:
    preflight = {"Origin": "http://app.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(Settings(data_dir=data_dir))) as off:
        r = off.options(f"{P}/workflows", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
    allowed = Settings(data_dir=data_dir, cors_allow_origins=["http://app.example"])
    with TestClient(create_app(allowed), base_url="http://127.0.0.1:7002") as on:
        r = on.options(f"{P}/workflows", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "http://app.example"
        assert r.headers["access-control-allow-credentials"] == "true"
        on.post(f"{P}/connect", headers=account_header(), json=CONNECT)
        r = on.post(
            f"{P}/workflows",
            json={"schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}},
            headers={"Origin": "http://app.example"},
        )
        assert r.json()["code"] == 0


def test_connect_refuses_a_missing_account_before_the_body(anon: TestClient) -> None:
    """No Authorization header: refused even though the body is not JSON at all."""
    r = anon.post(f"{P}/connect", content=b"\xff" * 1000, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (400, 40004000)
    assert "Authorization" in r.json()["detail"]


def test_connect_body_is_capped_small(anon: TestClient) -> None:
    r = anon.post(
        f"{P}/connect",
        headers={**account_header(), "Content-Type": "application/json"},
        content=b" " * (65 << 10),
    )
    assert (r.status_code, r.json()["code"]) == (413, 41304000)


def test_body_cap_is_a_setting(data_dir: Path) -> None:
    with TestClient(create_app(Settings(data_dir=data_dir, max_body_mb=0.01))) as small:
        small.post(f"{P}/connect", headers=account_header(), json=CONNECT)
        body = {"name": "x" * 20000, "schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}}
        r = small.post(f"{P}/workflows", json=body)
        assert (r.status_code, r.json()["code"], r.json()["message"]) == (413, 41304000, "ErrPayloadTooLarge")
        assert r.headers["connection"] == "close"


@pytest.fixture
def strict(data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=data_dir, login_max_failures=3, login_window_s=60)
    with TestClient(create_app(settings)) as client:
        yield client


def test_failed_logins_are_limited_with_retry_after(strict: TestClient) -> None:
    wrong = account_header("root", "wrong")
    for _ in range(3):
        assert strict.post(f"{P}/connect", headers=wrong, json=CONNECT).json()["code"] == 40004000
    r = strict.post(f"{P}/connect", headers=wrong, json=CONNECT)
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (429, 42904000, "ErrTooManyRequests")
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # the right password does not get through either while the account is locked
    assert strict.post(f"{P}/connect", headers=account_header(), json=CONNECT).status_code == 429


def test_concurrent_wrong_logins_cannot_outrun_the_limit(strict: TestClient) -> None:
    """Eight wrong passwords at once: three are judged, the other five are refused unhashed."""
    wrong = account_header("root", "wrong")
    with ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(lambda _: strict.post(f"{P}/connect", headers=wrong, json=CONNECT).status_code, range(8))
        )
    assert sorted(codes) == [400] * 3 + [429] * 5


def test_limiter_counts_accounts_and_addresses_apart() -> None:
    from graphmill.auth.ratelimit import LoginLimiter
    from graphmill.errors import TooManyRequests

    now = [0.0]
    limiter = LoginLimiter(2, 10, clock=lambda: now[0])
    limiter.admit("alice", "10.0.0.1")
    limiter.admit("alice", "10.0.0.2")
    with pytest.raises(TooManyRequests):  # alice from anywhere
        limiter.check("alice", "10.0.0.3")
    limiter.check("bob", "10.0.0.3")
    mark = limiter.admit("dave", "10.0.0.4")
    limiter.succeeded("dave", "10.0.0.4", mark)  # a success takes its mark back
    limiter.admit("dave", "10.0.0.4")
    limiter.check("dave", "10.0.0.4")
    limiter.admit("bob", "10.0.0.1")
    with pytest.raises(TooManyRequests) as caught:  # anyone from 10.0.0.1
        limiter.check("carol", "10.0.0.1")
    assert caught.value.retry_after_s == 10
    now[0] = 10.5
    limiter.check("alice", "10.0.0.3")
    limiter.check("carol", "10.0.0.1")


def test_password_check_runs_off_the_event_loop(anon: TestClient) -> None:
    """While a login's password check is stuck, other requests are still answered."""
    import threading

    release = threading.Event()
    service = anon.app.state.service  # type: ignore[attr-defined]
    store = service.graphs.embedded
    real_verify = store.verify_account

    def stuck_verify(user: str, password: str) -> bool:
        release.wait()  # a check that would block the loop, if it ran there
        return bool(real_verify(user, password))

    # Unstuck after 3 s at the latest: on a blocked loop /healthz answers only after that.
    timer = threading.Timer(3, release.set)
    timer.start()

    store.verify_account = stuck_verify
    login = threading.Thread(target=lambda: anon.post(f"{P}/connect", headers=account_header(), json=CONNECT))
    login.start()
    try:
        time.sleep(0.2)  # the login is now inside the stuck check
        assert anon.get("/healthz").json()["data"] == {"status": "ok"}
        assert not release.is_set()  # answered while the check was still stuck
    finally:
        release.set()
        timer.cancel()
        login.join()
        store.verify_account = real_verify
