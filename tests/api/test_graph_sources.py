"""Graph addresses: the embedded store, clusters configured in graphmill.toml, and everything else."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import account_header, copy_tree, failed_task_reason, login, nebula_task


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the with block ends


@pytest.fixture
def app_with_cluster(tmp_path: Path, basketball_graph_dir: Path) -> Iterator[TestClient]:
    data = tmp_path / "d"
    copy_tree(basketball_graph_dir, data / "graph")
    port = closed_port()
    (data / "graphmill.toml").write_text(
        f'[[nebula]]\naddress = "127.0.0.1:19669"\ngraphd = ["127.0.0.1:{port}"]\ntimeout_ms = 2000\n'
    )
    with TestClient(create_app(Settings(data_dir=data))) as client:
        yield client


def test_login_to_a_configured_cluster_reaches_it(app_with_cluster: TestClient) -> None:
    """/connect to a configured cluster authenticates at that cluster (here unreachable: a clear 40004000)."""
    r = app_with_cluster.post(
        "/api-open/v1/connect", headers=account_header(), json={"address": "127.0.0.1", "port": 19669}
    )
    body = r.json()
    assert body["code"] == 40004000
    assert "127.0.0.1" in body["detail"]
    # The embedded store still answers at its own address.
    login(app_with_cluster)


def test_job_on_unconfigured_address_is_refused(app_with_cluster: TestClient) -> None:
    """A datasource naming an address nobody configured fails its task (strictly: refused), listing what is configured."""
    login(app_with_cluster)
    task = nebula_task("w", "analytics_wcc", "WCC", {})
    task["datasource"]["spec"]["graphd"] = "127.0.0.9:9669"
    wid = app_with_cluster.post("/api-open/v1/workflows", json={"schema": {"tasks": [task]}}).json()["data"][
        "id"
    ]
    reason = failed_task_reason(app_with_cluster, wid)
    assert "127.0.0.1:19669" in reason
    assert "127.0.0.9:9669" in reason
    r = app_with_cluster.post(f"/api-open/v1/workflows/{wid}/jobs", json={"strict": True})
    assert r.json()["code"] == 40004001
    assert "127.0.0.1:19669" in r.json()["detail"]
    assert "127.0.0.9:9669" in r.json()["detail"]
