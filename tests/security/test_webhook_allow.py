"""Finding 7: the webhook allow-list compares parsed URLs, and every failed delivery is recorded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from graphmill.service.webhooks import is_allowed
from tests.helpers import login

ALLOW = ["http://127.0.0.1:18080/"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:18080/hook", True),
        ("http://127.0.0.1:18080", True),
        ("HTTP://127.0.0.1:18080/x", True),
        ("http://127.0.0.1:18080@127.0.0.1:18081/", False),
        ("http://127.0.0.1:18080.evil.example/", False),
        ("http://127.0.0.1:180800/", False),
        ("https://127.0.0.1:18080/", False),
        ("http://127.0.0.1:18081/", False),
        ("http://127.0.0.1/", False),
        ("http://user@127.0.0.1:18080/", False),
        ("ftp://127.0.0.1:18080/", False),
        ("http://[::1/", False),
    ],
)
def test_allow_list_compares_scheme_host_port(url: str, allowed: bool) -> None:
    assert is_allowed(url, ALLOW) is allowed


def test_allow_list_path_prefix_is_by_segment() -> None:
    allow = ["https://hooks.example:443/team/a"]
    assert is_allowed("https://hooks.example/team/a/job", allow)
    assert is_allowed("https://hooks.example/team/a", allow)
    assert not is_allowed("https://hooks.example/team/ab", allow)
    assert not is_allowed("https://hooks.example/team", allow)


@pytest.fixture
def hooked(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "d", webhook_allow=list(ALLOW), webhook_backoff_s=0.01, webhook_attempts=2
    )
    with TestClient(create_app(settings)) as client:
        login(client)
        yield client


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:18080@127.0.0.1:18081/", "http://127.0.0.1:18080.evil.example/"]
)
def test_tricky_webhooks_are_refused_at_save(hooked: TestClient, url: str) -> None:
    r = hooked.post(
        "/api-open/v1/workflows",
        json={"schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}, "webhook": url},
    )
    assert r.status_code == 403, r.text
    assert r.json()["code"] == 40304000


def test_failed_delivery_of_any_kind_is_recorded(hooked: TestClient) -> None:
    """Deliveries to where nothing listens are recorded, each attempt, with the error."""
    wid = hooked.post(
        "/api-open/v1/workflows",
        json={
            "schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]},
            "webhook": "http://127.0.0.1:18080/x",
        },
    ).json()["data"]["id"]
    job_id = hooked.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    deadline = time.monotonic() + 10
    while True:
        items = hooked.get(f"/api-open/v1/jobs/{job_id}/webhook_deliveries").json()["data"]["items"]
        if len(items) >= 2:
            break
        assert time.monotonic() < deadline, items
        time.sleep(0.05)
    assert [(i["attempt"], i["delivered"], bool(i["error"])) for i in items] == [
        (1, False, True),
        (2, False, True),
    ]


def test_delivery_after_the_allow_list_changed_is_recorded(hooked: TestClient) -> None:
    wid = hooked.post(
        "/api-open/v1/workflows",
        json={
            "schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]},
            "webhook": "http://127.0.0.1:18080/x",
        },
    ).json()["data"]["id"]
    hooked.app.state.service.settings.webhook_allow.clear()  # type: ignore[attr-defined]
    job_id = hooked.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    deadline = time.monotonic() + 10
    while not (items := hooked.get(f"/api-open/v1/jobs/{job_id}/webhook_deliveries").json()["data"]["items"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert items[0]["error"] == "not allowed by GRAPHMILL_WEBHOOK_ALLOW"


def test_delivery_to_an_unparsable_host_is_recorded(hooked: TestClient) -> None:
    """The sender records a URL the HTTP client cannot even parse instead of dying on it."""
    service = hooked.app.state.service  # type: ignore[attr-defined]
    wid = hooked.post(
        "/api-open/v1/workflows",
        json={
            "schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]},
            "webhook": "http://127.0.0.1:18080/x",
        },
    ).json()["data"]["id"]
    job_id = hooked.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    service.webhooks.allow = None  # as if the allow-list had let it through
    import asyncio

    asyncio.run(service.webhooks._deliver(job_id, "http://127.0.0.1:18080.evil.example/", b"{}"))
    items = service.store.deliveries(job_id)
    assert any("evil" in i["url"] and not i["delivered"] and i["error"] for i in items)
