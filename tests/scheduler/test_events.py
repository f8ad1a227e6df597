"""Progress through the event stream, cancel latency, admission control and webhooks, on a running app."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import login, wait_job
from tests.scheduler.test_cancel import FORM, long_task, make_job, worker_pid, write_big_graph


@pytest.fixture
def app(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "d", webhook_allow=["http://127.0.0.1:1/"], webhook_backoff_s=0.05
    )
    with TestClient(create_app(settings)) as client:
        login(client)
        client.files_root = settings.resolved_files_root
        client.data_dir = settings.data_dir
        yield client


def read_events(client: TestClient, job_id: int, on_event: Any) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/api-open/v1/jobs/{job_id}/events") as r:
        kind = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
                events.append((kind, data))
                on_event(kind, data)
    return events


def test_events_show_rising_progress_and_cancel_kills_worker(app: TestClient) -> None:
    """Progress rises monotonically through the event stream; cancel ends the worker within a second; 4 stays."""
    path = write_big_graph(app.files_root)
    job_id = make_job(app, [long_task(path)])
    seen: list[float] = []
    state: dict[str, Any] = {}

    def on_event(kind: str, data: dict[str, Any]) -> None:
        if kind == "progress" and data["phase"] == "computing" and data["fraction"] is not None:
            seen.append(data["fraction"])
        if len([f for f in seen if f > 0]) >= 3 and "cancelled_at" not in state:
            state["pid"] = worker_pid(app, job_id, data["taskId"])
            state["cancelled_at"] = time.monotonic()
            app.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)

    events = read_events(app, job_id, on_event)
    statuses = [d["status"] for k, d in events if k == "job"]
    assert statuses[-2:] == [5, 4]
    assert events[-1][0] == "end"
    assert seen == sorted(seen)
    assert seen[-1] > 0
    pid = state["pid"]
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() - state["cancelled_at"] < 1.0
        time.sleep(0.01)
    time.sleep(0.3)
    assert app.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"] == 4


def test_job_waits_in_preparing_until_memory_frees(app: TestClient) -> None:
    """With room for one task's estimate only, a second job waits in 0 and starts once the first ends."""
    path = write_big_graph(app.files_root)
    service = app.app.state.service  # type: ignore[attr-defined]
    first = make_job(app, [long_task(path)])
    estimate = service.store.get_job(first).tasks[0].estimated_bytes
    assert estimate > 0
    service.runner.memory_budget_bytes = int(estimate * 1.5)
    wait_job(app, first, until={1})
    second = make_job(app, [long_task(path, iterations=10)])  # same estimate: the two do not fit together
    time.sleep(1.2)
    assert app.get(f"/api-open/v1/jobs/{second}").json()["data"]["status"] == 0
    app.put(f"/api-open/v1/jobs/{first}/cancel", headers=FORM)
    assert wait_job(app, second, timeout_s=30)["status"] == 2


class _Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[dict[str, str], bytes]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        self.send_response(500 if len(type(self).calls) == 1 else 200)  # the first attempt fails
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_webhook_signed_retried_and_recorded(app: TestClient) -> None:
    """A job's webhook gets a signed POST when it ends, retried after a failure, with every attempt recorded."""
    _Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    # Allowed by scheme, host and port (the receiver's port is known only now).
    app.app.state.service.settings.webhook_allow[:] = [f"http://127.0.0.1:{server.server_address[1]}/"]  # type: ignore[attr-defined]
    try:
        # A task of a type this server lacks ends the job (Failed) at once, without a worker process.
        quick = {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}
        wid = app.post("/api-open/v1/workflows", json={"schema": quick, "webhook": url}).json()["data"]["id"]
        job_id = app.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"]
        deadline = time.monotonic() + 10
        while len(_Receiver.calls) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        headers, body = _Receiver.calls[-1]
        assert json.loads(body)["job"]["id"] == job_id
        assert json.loads(body)["job"]["status"] == 3
        secret = (app.data_dir / "webhook.key").read_bytes()
        expected = hmac.new(
            secret, f"{headers['X-Graphmill-Timestamp']}.".encode() + body, hashlib.sha256
        ).hexdigest()
        assert headers["X-Graphmill-Signature"] == f"sha256={expected}"
        time.sleep(0.1)
        items = app.get(f"/api-open/v1/jobs/{job_id}/webhook_deliveries").json()["data"]["items"]
        assert [(i["attempt"], i["statusCode"], i["delivered"]) for i in items] == [
            (1, 500, False),
            (2, 200, True),
        ]
    finally:
        server.shutdown()
        server.server_close()
    refused = app.post(
        "/api-open/v1/workflows", json={"schema": {"tasks": []}, "webhook": "http://10.0.0.1/x"}
    )
    assert refused.json()["code"] == 40304000
