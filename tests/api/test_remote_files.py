"""HDFS/S3 datasources and sinks through a job, against a real S3-compatible server (moto) on loopback."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.api.test_jobs import add_job, make_workflow, reference_pagerank
from tests.conftest import S3Server
from tests.helpers import failed_task_reason, login, wait_job


@pytest.fixture
def s3_app(tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    for key, value in {
        "GRAPHMILL_S3_ENDPOINT_URL": s3_server.endpoint,
        "GRAPHMILL_S3_REGION": "us-east-1",
        "GRAPHMILL_S3_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(key, value)
    with TestClient(create_app(Settings(data_dir=tmp_path / "d", remote_sinks=True))) as client:
        login(client)
        yield client


def test_s3_csv_gz_in_pagerank_out_to_s3(s3_app: TestClient, s3_server: S3Server) -> None:
    """Edges from a gzipped CSV on S3 feed PageRank; the result folder lands on S3 under Explorer's template."""
    bucket = s3_server.new_bucket()
    fs = s3_server.admin()
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("a", "c"), ("d", "a")]
    with fs.open_output_stream(f"{bucket}/in/edges.csv.gz", compression=None) as out:
        out.write(gzip.compress(("src,dst\n" + "".join(f"{s},{d}\n" for s, d in edges)).encode()))
    task = {
        "id": "pr",
        "name": "PageRank",
        "type": "analytics_pagerank",
        "spec": {"vtype": "string"},
        "datasource": {
            "type": "hdfs",
            "spec": {"hdfsName": "lake", "path": "in/edges.csv.gz", "header": True},
        },
        "datasink": {"type": "hdfs", "spec": {"url": "${lake}/analytics/${job_id}/tasks/${task_id}/"}},
    }
    schema_datasources = [{"type": "hdfs", "name": "lake", "spec": {"url": f"s3://{bucket}"}}]
    r = s3_app.post(
        "/api-open/v1/workflows", json={"schema": {"datasources": schema_datasources, "tasks": [task]}}
    )
    wid = r.json()["data"]["id"]
    detail = wait_job(s3_app, add_job(s3_app, wid))
    assert detail["status"] == 2, s3_app.get(f"/api-open/v1/jobs/{detail['id']}/progress").json()
    task_id = detail["tasks"][0]["id"]
    prefix = f"{bucket}/analytics/{detail['id']}/tasks/{task_id}"
    manifest = json.loads(fs.open_input_stream(f"{prefix}/manifest.json").read())
    assert manifest["rows"] == 4
    lines = fs.open_input_stream(f"{prefix}/part-00000.csv").read().decode().splitlines()
    expected = reference_pagerank(edges)
    assert {line.split(",")[0]: float(line.split(",")[1]) for line in lines} == pytest.approx(
        expected, abs=5e-7
    )
    logs = s3_app.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{task_id}/logs").json()["data"]["items"]
    assert any(line["message"].startswith("uploaded 3 files to s3://") for line in logs)


def test_unresolvable_sink_with_remote_sinks_is_refused(s3_app: TestClient, tmp_path: Path) -> None:
    """With remote sinks on, a sink naming an unknown datasource fails the task; strict refuses at submit."""
    task = {
        "id": "w",
        "type": "analytics_wcc",
        "spec": {"nebula_input_edges": "follow", "nebula_input_edges_props": ""},
        "datasource": {"type": "local", "spec": {"path": "e.csv"}},
        "datasink": {"type": "hdfs", "spec": {"url": "${missing}/out/"}},
    }
    files_root = tmp_path / "d" / "files"
    files_root.mkdir(parents=True, exist_ok=True)
    (files_root / "e.csv").write_text("a,b\nb,c\n")
    wid = make_workflow(s3_app, [task])
    assert "no datasource named 'missing'" in failed_task_reason(s3_app, wid)
    r = s3_app.post(f"/api-open/v1/workflows/{wid}/jobs", json={"strict": True})
    assert r.json()["code"] == 40004001, r.text
    assert "no datasource named 'missing'" in r.json()["detail"]


def test_remote_datasource_path_outside_root_is_refused(client: TestClient) -> None:
    """A file:// or relative hdfs-type datasource path may not leave the files root (task fails; strict refuses)."""
    task = {
        "id": "w",
        "type": "analytics_wcc",
        "spec": {},
        "datasource": {"type": "hdfs", "spec": {"url": "file:///etc/passwd"}},
    }
    wid = make_workflow(client, [task])
    assert "outside the files root" in failed_task_reason(client, wid)
    r = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"strict": True})
    assert r.json()["code"] == 40004001
    assert "outside the files root" in r.json()["detail"]
