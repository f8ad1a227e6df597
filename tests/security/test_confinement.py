"""Finding 1: nothing is read from outside the files root, whatever path form or link leads there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graphmill.config import Settings
from tests.helpers import wait_job

SECRET = "secret-outside-1,secret-outside-2"


def _outside_file(tmp_path: Path) -> Path:
    outside = tmp_path / "outside" / "secret.csv"
    outside.parent.mkdir()
    outside.write_text("".join(f"{SECRET}-{i},x\n" for i in range(3)) + "not,a,pair,line,with,commas\n")
    return outside


def _folder_with_link(settings: Settings, outside: Path) -> Path:
    folder = settings.resolved_files_root / "lake" / "edges"
    folder.mkdir(parents=True)
    (folder / "part-00000.csv").write_text("a,b\nb,c\n")
    (folder / "part-00001.csv").symlink_to(outside)
    return folder


def _run(
    client: TestClient, datasource: dict[str, Any], datasources: list[Any]
) -> tuple[dict[str, Any], str]:
    task = {"id": "w", "type": "analytics_wcc", "spec": {"vtype": "string"}, "datasource": datasource}
    r = client.post("/api-open/v1/workflows", json={"schema": {"datasources": datasources, "tasks": [task]}})
    assert r.json()["code"] == 0, r.text
    job = client.post(f"/api-open/v1/workflows/{r.json()['data']['id']}/jobs", json={"input": {}})
    assert job.json()["code"] == 0, job.text
    detail = wait_job(client, job.json()["data"]["id"])
    tid = detail["tasks"][0]["id"]
    logs = client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{tid}/logs?limit=1000").text
    sample = client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{tid}/sample_result").text
    return detail, logs + sample + str(detail)


@pytest.mark.parametrize("form", ["relative", "absolute", "file-uri", "hdfsName+path", "template"])
def test_folder_datasource_never_reads_a_linked_outside_file(
    client: TestClient, settings: Settings, tmp_path: Path, form: str
) -> None:
    """A part file that links out of the files root fails the task, and nothing of it is shown."""
    folder = _folder_with_link(settings, _outside_file(tmp_path))
    lake = [{"type": "hdfs", "name": "lake", "spec": {"url": str(folder.parent)}}]
    datasource = {
        "relative": {"type": "hdfs", "spec": {"url": "lake/edges"}},
        "absolute": {"type": "hdfs", "spec": {"url": str(folder)}},
        "file-uri": {"type": "hdfs", "spec": {"url": folder.as_uri()}},
        "hdfsName+path": {"type": "hdfs", "spec": {"hdfsName": "lake", "path": "edges"}},
        "template": {"type": "hdfs", "spec": {"url": "${lake}/edges"}},
    }[form]
    detail, shown = _run(client, datasource, lake)
    assert detail["status"] == 3
    assert "secret-outside" not in shown
    assert "outside the files root" in shown


def test_parse_errors_do_not_echo_the_row(client: TestClient, settings: Settings) -> None:
    """A CSV row of the wrong width fails the task without the row's text in the log."""
    folder = settings.resolved_files_root / "bad"
    folder.mkdir(parents=True)
    (folder / "part-00000.csv").write_text("a,b\nb,c\nsensitive-row-content-here\n")
    detail, shown = _run(client, {"type": "hdfs", "spec": {"url": "bad"}}, [])
    assert detail["status"] == 3
    assert "sensitive-row-content" not in shown


def test_result_file_swapped_for_a_link_is_not_served(client: TestClient, tmp_path: Path) -> None:
    """sample_result and the result extension refuse a result file that now links outside."""
    outside = _outside_file(tmp_path)
    from tests.helpers import nebula_task

    task = nebula_task("w", "analytics_wcc", "WCC", {})
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": [task]}}).json()["data"]["id"]
    job = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={"input": {}}).json()["data"]["id"]
    detail = wait_job(client, job)
    assert detail["status"] == 2
    tid = detail["tasks"][0]["id"]
    result_dir = Path(client.app.state.service.store.get_job(job).tasks[0].result_dir)  # type: ignore[attr-defined]
    (result_dir / "part-00000.csv").unlink()
    (result_dir / "part-00000.csv").symlink_to(outside)
    for url in (
        f"/api-open/v1/jobs/{job}/tasks/{tid}/sample_result",
        f"/api-open/v1/jobs/{job}/tasks/{tid}/result?format=csv",
    ):
        r = client.get(url)
        assert r.status_code == 403, r.text
        assert "secret-outside" not in r.text


def test_upload_skips_links_planted_in_the_result_folder(tmp_path: Path) -> None:
    """upload_dir copies the folder's own files, never what a link in it points to."""
    from graphmill.fs import FsConfig, parse_location, upload_dir

    outside = _outside_file(tmp_path)
    root = tmp_path / "files"
    result = root / "analytics" / "1" / "tasks" / "t"
    result.mkdir(parents=True)
    (result / "part-00000.csv").write_text("a,1\n")
    (result / "manifest.json").write_text("{}")
    (result / "stolen.csv").symlink_to(outside)
    uris = upload_dir(result, parse_location("copy", files_root=root), FsConfig())
    assert [u.rsplit("/", 1)[1] for u in uris] == ["part-00000.csv", "manifest.json"]
    assert not (root / "copy" / "stolen.csv").exists()


def test_upload_into_a_linked_folder_stays_inside(tmp_path: Path) -> None:
    """A local sink folder whose subfolder links out of the root is refused, nothing written outside."""
    from graphmill.errors import TaskFailed
    from graphmill.fs import FsConfig, parse_location, upload_dir

    root = tmp_path / "files"
    result = root / "analytics" / "1" / "tasks" / "t"
    result.mkdir(parents=True)
    (result / "part-00000.csv").write_text("a,1\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "sink").mkdir()
    (root / "sink" / "out").symlink_to(outside, target_is_directory=True)
    with pytest.raises(TaskFailed, match="outside the files root"):
        upload_dir(result, parse_location("sink", files_root=root).child("out"), FsConfig())
    assert list(outside.iterdir()) == []
