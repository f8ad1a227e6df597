"""A round trip through a real HDFS, only when GRAPHMILL_TEST_HDFS names one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from graphmill.fs import FsConfig, HdfsConfig, filesystem_for, parse_location, stage_edges, upload_dir

#: Read at import time: the autouse fixture of tests/conftest.py hides GRAPHMILL_* variables from tests.
HDFS_ADDRESS = os.environ.get("GRAPHMILL_TEST_HDFS", "")
HDFS_USER = os.environ.get("GRAPHMILL_TEST_HDFS_USER") or None

pytestmark = pytest.mark.skipif(
    not HDFS_ADDRESS,
    reason=(
        "set GRAPHMILL_TEST_HDFS=host:port (optionally GRAPHMILL_TEST_HDFS_USER) to run against a real "
        "HDFS; the worker also needs JAVA_HOME, ARROW_LIBHDFS_DIR and CLASSPATH=$(hadoop classpath --glob)"
    ),
)


def test_upload_then_stage_through_hdfs(tmp_path: Path) -> None:
    """A result folder uploaded to HDFS reads back byte for byte and stages as a datasource."""
    config = FsConfig(hdfs=HdfsConfig(user=HDFS_USER))
    base = f"hdfs://{HDFS_ADDRESS}/tmp/graphmill-test-{uuid.uuid4().hex[:12]}"
    root = tmp_path / "files"
    root.mkdir()
    local = tmp_path / "result"
    local.mkdir()
    (local / "part-00000.csv").write_text("1,0.5\n2,0.25\n")
    (local / "manifest.json").write_text("{}")
    loc = parse_location(base, files_root=root)
    fs, path = filesystem_for(loc, config)
    try:
        uris = upload_dir(local, loc, config)
        assert uris == [f"{base}/part-00000.csv", f"{base}/manifest.json"]
        with fs.open_input_stream(f"{path}/part-00000.csv", compression=None) as f:
            assert f.read() == b"1,0.5\n2,0.25\n"
        dest = stage_edges(loc, config, tmp_path / "e.parquet")
        assert pq.read_table(dest).to_pydict() == {"f0": ["1", "2"], "f1": ["0.5", "0.25"]}
    finally:
        fs.delete_dir(path)
