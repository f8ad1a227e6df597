"""Spark reads s3:// datasources itself (s3a://) from a real S3 server (moto) on loopback.

S3A is not in the pyspark wheel and Maven is not reachable here.  The only hadoop-aws with a
matching (unshaded) AWS SDK on PyPI is in sagemaker-pyspark 1.4.5's sdist: hadoop-aws 3.3.1
and aws-java-sdk-bundle 1.11.901, two Hadoop minor versions older than the wheel's 3.5.0.
It works with four duration settings given as plain numbers (3.3's S3A reads them as
integers; 3.5's defaults say ``60s``), so this test checks graphmill's part: endpoint,
path-style access, credentials from graphmill's settings, the s3a:// path, results equal
to the local engine's.  A production install uses hadoop-aws of the wheel's own Hadoop
version and its AWS SDK v2 bundle, which need none of these four settings.

On demand: ``.venv/bin/pytest -m cluster tests/spark/test_s3a_spark.py``.  The jars come
from ``GRAPHMILL_TEST_S3A_JARS`` (comma-separated paths), else from the sdist, fetched
once with pip into ``~/.cache/graphmill/s3a-test-jars``.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from tests.conftest import S3Server
from tests.helpers import login, wait_job
from tests.spark.test_api import logs, sample, spark_settings

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(900)]

_SDIST = "sagemaker-pyspark==1.4.5"
_JARS = ("hadoop-aws-3.3.1.jar", "aws-java-sdk-bundle-1.11.901.jar")
#: hadoop-aws 3.3 parses these as plain numbers; the 3.5 defaults carry units.
_OLD_S3A_NUMBERS = {
    "fs.s3a.threads.keepalivetime": "60",
    "fs.s3a.connection.establish.timeout": "5000",
    "fs.s3a.connection.timeout": "200000",
    "fs.s3a.multipart.purge.age": "86400",
}


def s3a_test_jars() -> list[Path]:
    given = os.environ.get("GRAPHMILL_TEST_S3A_JARS")
    if given:
        return [Path(p) for p in given.split(",")]
    folder = Path.home() / ".cache" / "graphmill" / "s3a-test-jars"
    jars = [folder / name for name in _JARS]
    if all(j.is_file() for j in jars):
        return jars
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            work,
            _SDIST,
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        (sdist,) = Path(work).glob("*.tar.gz")
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                if Path(member.name).name in _JARS:
                    source = archive.extractfile(member)
                    assert source is not None
                    (folder / Path(member.name).name).write_bytes(source.read())
    assert all(j.is_file() for j in jars), f"{_SDIST} no longer holds {_JARS}"
    return jars


def _toml(jars: list[Path]) -> str:
    conf = "\n".join(f'"spark.hadoop.{k}" = "{v}"' for k, v in _OLD_S3A_NUMBERS.items())
    listed = ", ".join(f'"{j}"' for j in jars)
    return (
        '[spark]\nmaster = "local[2]"\ndriver_memory = "768m"\npartitions = 2\nsession = "server"\n'
        f"jars = [{listed}]\n[spark.conf]\n{conf}\n"
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def client(data: Path, s3_server: S3Server) -> Iterator[TestClient]:
    """A server whose Spark session has the S3A jars; its files root holds the graph as g.parquet."""
    settings = spark_settings(
        data,
        _toml(s3a_test_jars()),
        seed=3,
        vertices=150,
        edges=900,
        **s3_server.settings_fields(),
    )
    with TestClient(create_app(settings)) as c:
        login(c)
        yield c


def _task(tid: str, ttype: str, path: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": tid,
        "type": ttype,
        "spec": spec,
        "datasource": {"type": "hdfs", "spec": {"hdfsName": "lake", "path": path}},
    }


def test_spark_reads_s3_parquet_and_csv_gz_itself(
    client: TestClient, data: Path, s3_server: S3Server
) -> None:
    """WCC from Parquet and PageRank from gzipped CSV on S3: Spark's rows equal the local engine's."""
    bucket = s3_server.new_bucket()
    fs = s3_server.admin()
    table = pq.read_table(data / "files" / "g.parquet")
    with fs.open_output_stream(f"{bucket}/in/g.parquet") as out:
        pq.write_table(table, out)
    text = "".join(
        f"{s},{d}\n" for s, d in zip(*(table.column(c).to_pylist() for c in ("src", "dst")), strict=True)
    )
    with fs.open_output_stream(f"{bucket}/in/g.csv.gz", compression=None) as out:
        out.write(gzip.compress(text.encode()))
    tasks = [
        _task(f"{name}_{engine}", ttype, path, {"engine": engine})
        for name, ttype, path in (
            ("wcc", "analytics_wcc", "in/g.parquet"),
            ("pr", "analytics_pagerank", "in/g.csv.gz"),
        )
        for engine in ("local", "spark")
    ]
    lake = [{"type": "hdfs", "name": "lake", "spec": {"url": f"s3://{bucket}"}}]
    r = client.post("/api-open/v1/workflows", json={"schema": {"datasources": lake, "tasks": tasks}})
    job_id = client.post(f"/api-open/v1/workflows/{r.json()['data']['id']}/jobs", json={}).json()["data"][
        "id"
    ]
    done = wait_job(client, job_id, timeout_s=600)
    assert done["status"] == 2, [(t["id"], logs(client, job_id, t["id"])) for t in done["tasks"]]
    wcc = sample(client, job_id, "wcc_spark")
    assert len(wcc) > 140
    assert wcc == sample(client, job_id, "wcc_local")
    local_pr = {row[0]: float(row[1]) for row in sample(client, job_id, "pr_local")}
    spark_pr = {row[0]: float(row[1]) for row in sample(client, job_id, "pr_spark")}
    assert spark_pr == pytest.approx(local_pr, rel=1e-9)
    for task_id in ("wcc_spark", "pr_spark"):
        lines = logs(client, job_id, task_id)
        assert any(line.startswith("graph: ") for line in lines), lines
        assert not any(line.startswith("staged s3://") for line in lines), "Spark read S3 itself"
    assert any(line.startswith("staged s3://") for line in logs(client, job_id, "wcc_local"))
