"""Round trips through a real S3 server: moto, started by the tests on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.errors import TaskFailed
from graphmill.fs import FsConfig, S3Config, parse_location, resolve_template, stage_edges, upload_dir
from graphmill.fs.filesystems import filesystem_for
from tests.conftest import S3Server


def put(fs: Any, path: str, data: bytes) -> None:
    """Write an object."""
    with fs.open_output_stream(path, compression=None) as out:
        out.write(data)


def get(fs: Any, path: str) -> bytes:
    """Read an object."""
    with fs.open_input_stream(path, compression=None) as f:
        return bytes(f.read())


def parquet_bytes(table: Any) -> bytes:
    """A table as Parquet file bytes."""
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_stage_csv_gz_and_parquet_from_s3(s3_server: S3Server, root: Path, tmp_path: Path) -> None:
    """CSV, CSV.gz and Parquet objects stage to the exact same local tables."""
    bucket = s3_server.new_bucket()
    admin = s3_server.admin()
    put(admin, f"{bucket}/in/e.csv", b"src,dst,weight\n1,2,0.5\n2,3,1.5\n")
    put(admin, f"{bucket}/in/e2.csv.gz", gzip.compress(b"a,b\nb,c\n"))
    table = pa.table({"s": [1, 2], "d": [2, 3], "w": [0.5, 1.5]})
    put(admin, f"{bucket}/in/e.parquet", parquet_bytes(table))
    cases = {
        "e.csv": {"src": ["1", "2"], "dst": ["2", "3"], "weight": ["0.5", "1.5"]},
        "e2.csv.gz": {"f0": ["a", "b"], "f1": ["b", "c"]},
        "e.parquet": table.to_pydict(),
    }
    for name, want in cases.items():
        loc = parse_location(f"s3://{bucket}/in/{name}", files_root=root)
        dest = stage_edges(loc, s3_server.config, tmp_path / f"{name}.parquet", block_size=64)
        assert pq.read_table(dest).to_pydict() == want


def test_stage_a_folder_from_s3(s3_server: S3Server, root: Path, tmp_path: Path) -> None:
    """A prefix of part objects stages in name order, skipping _SUCCESS."""
    bucket = s3_server.new_bucket()
    admin = s3_server.admin()
    put(admin, f"{bucket}/out/part-00001.csv.gz", gzip.compress(b"3,4\n"))
    put(admin, f"{bucket}/out/part-00000.csv", b"1,2\n")
    put(admin, f"{bucket}/out/_SUCCESS", b"")
    loc = parse_location(f"s3://{bucket}/out/", files_root=root)
    dest = stage_edges(loc, s3_server.config, tmp_path / "e.parquet")
    assert pq.read_table(dest).to_pydict() == {"f0": ["1", "3"], "f1": ["2", "4"]}


def test_missing_object_and_bucket(s3_server: S3Server, root: Path, tmp_path: Path) -> None:
    """A missing key or bucket is reported with its URI."""
    bucket = s3_server.new_bucket()
    for uri in (f"s3://{bucket}/nope.csv", "s3://gm-no-such-bucket/e.csv"):
        with pytest.raises(TaskFailed, match=f"{uri} does not exist"):
            stage_edges(parse_location(uri, files_root=root), s3_server.config, tmp_path / "e.parquet")


def test_sink_template_upload_and_read_back(s3_server: S3Server, root: Path, tmp_path: Path) -> None:
    """A result folder goes to the resolved sink, manifest.json last, and reads back byte for byte."""
    bucket = s3_server.new_bucket()
    admin = s3_server.admin()
    base = f"s3://{bucket}/base"
    sink = resolve_template(
        "${test}/analytics/${job_id}/tasks/${task_id}/", datasources={"test": base}, job_id=9, task_id="pr_1"
    )
    prefix = f"{bucket}/base/analytics/9/tasks/pr_1"
    put(admin, f"{prefix}/manifest.json", b'{"stale": true}')  # left by an earlier attempt

    local = tmp_path / "result"
    local.mkdir()
    (local / "part-00000.csv").write_text("1,0.5\n2,0.25\n")
    pq.write_table(pa.table({"vid": [1, 2], "value": [0.5, 0.25]}), local / "result.parquet")
    (local / "blob.bin").write_bytes(os.urandom(11 << 20))  # several multipart parts
    (local / "manifest.json").write_text(json.dumps({"ok": True}))

    observer = s3_server.admin()
    states: list[tuple[str, bool, bool]] = []

    def hook(uri: str) -> None:
        key = uri.removeprefix("s3://")
        states.append(
            (
                uri.rsplit("/", 1)[1],
                observer.get_file_info(key).type.name == "File",
                observer.get_file_info(f"{prefix}/manifest.json").type.name == "File",
            )
        )

    uris = upload_dir(local, parse_location(sink, files_root=root), s3_server.config, on_uploaded=hook)
    names = ["blob.bin", "part-00000.csv", "result.parquet", "manifest.json"]
    assert uris == [f"s3://{prefix}/{n}" for n in names]
    # each file exists when reported; no manifest is visible until the data is all there
    assert states == [(n, True, n == "manifest.json") for n in names]
    for name in names:
        assert get(admin, f"{prefix}/{name}") == (local / name).read_bytes()

    # the uploaded folder is a valid datasource for a downstream task
    staged = stage_edges(
        parse_location(f"{sink}part-00000.csv", files_root=root), s3_server.config, tmp_path / "down.parquet"
    )
    assert pq.read_table(staged).to_pydict() == {"f0": ["1", "2"], "f1": ["0.5", "0.25"]}


def test_upload_sees_s3_errors(s3_server: S3Server, root: Path, tmp_path: Path) -> None:
    """Uploading to a bucket that does not exist fails with TaskFailed (buckets are never created)."""
    local = tmp_path / "r"
    local.mkdir()
    (local / "manifest.json").write_text("{}")
    loc = parse_location("s3://gm-missing-bucket/x/", files_root=root)
    with pytest.raises(TaskFailed, match=r"uploading .* to s3://gm-missing-bucket/x failed"):
        upload_dir(local, loc, s3_server.config)


def test_filesystem_for_s3_points_at_the_endpoint(s3_server: S3Server, root: Path) -> None:
    """filesystem_for gives an S3FileSystem at the configured endpoint and a bucket/key path."""
    from pyarrow import fs as pafs

    bucket = s3_server.new_bucket()
    fs, path = filesystem_for(parse_location(f"s3://{bucket}/k/", files_root=root), s3_server.config)
    assert isinstance(fs, pafs.S3FileSystem)
    assert fs.region == "us-east-1"
    assert path == f"{bucket}/k"
    _, bucket_only = filesystem_for(parse_location(f"s3://{bucket}", files_root=root), s3_server.config)
    assert bucket_only == bucket
    assert fs.get_file_info(bucket_only).type == pafs.FileType.Directory  # answered by moto


def test_plain_http_needs_opt_in(s3_server: S3Server) -> None:
    """The same endpoint without allow_http is refused before any request."""
    from graphmill.errors import ParamError

    with pytest.raises(ParamError, match="GRAPHMILL_S3_ALLOW_HTTP"):
        FsConfig(s3=S3Config(endpoint_url=s3_server.endpoint, access_key="a", secret_key="b"))
