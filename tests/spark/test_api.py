"""engine: spark through the HTTP API, with a real worker process and its own Spark JVM."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import local_task, login, wait_job
from tests.spark.conftest import FAST_SMALL_QUERIES_TOML

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: Each Spark task here starts a JVM of its own: under load that alone has taken minutes.
pytestmark = pytest.mark.timeout(600)
SPARK_TOML = (
    '[spark]\nmaster = "local[2]"\ndriver_memory = "768m"\npartitions = 2\n' + FAST_SMALL_QUERIES_TOML
)


def spark_settings(data: Path, toml: str, *, seed: int, vertices: int, edges: int, **more: Any) -> Settings:
    """Settings (``more`` added) with ``toml`` as graphmill.toml and a random graph as ``g.parquet`` in the files root."""
    (data / "graphmill.toml").write_text(toml)
    settings = Settings(data_dir=data, max_running_jobs=2, **more)
    rng = np.random.default_rng(seed)
    files = settings.resolved_files_root
    files.mkdir(parents=True)
    pq.write_table(
        pa.table({"src": rng.integers(0, vertices, edges), "dst": rng.integers(0, vertices, edges)}),
        files / "g.parquet",
    )
    return settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = spark_settings(tmp_path_factory.mktemp("data"), SPARK_TOML, seed=5, vertices=300, edges=3000)
    with TestClient(create_app(settings)) as c:
        login(c)
        yield c


def make_job(client: TestClient, tasks: list[dict[str, Any]], *, strict: bool = False) -> dict[str, Any]:
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": tasks}}).json()["data"]["id"]
    body = {"strict": True} if strict else {}
    return dict(client.post(f"/api-open/v1/workflows/{wid}/jobs", json=body).json())


def logs(client: TestClient, job_id: int, task_id: str) -> list[str]:
    items = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/logs").json()["data"]["items"]
    return [line["message"] for line in items]


def sample(client: TestClient, job_id: int, task_id: str) -> list[list[str]]:
    r = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/sample_result", params={"limit": 1000})
    return list(r.json()["data"]["items"])


def test_spark_job_writes_the_local_engines_result(client: TestClient) -> None:
    """The same WCC on both engines: identical result rows, and the task log says where it ran."""
    local = make_job(client, [local_task("wcc", "analytics_wcc", "g.parquet", {"engine": "local"})])
    spark = make_job(client, [local_task("wcc", "analytics_wcc", "g.parquet", {"engine": "spark"})])
    assert local["code"] == spark["code"] == 0, (local, spark)
    done_local = wait_job(client, local["data"]["id"])
    done_spark = wait_job(client, spark["data"]["id"], timeout_s=300)
    assert done_local["status"] == done_spark["status"] == 2, done_spark
    local_task_id, spark_task_id = done_local["tasks"][0]["id"], done_spark["tasks"][0]["id"]
    rows = sample(client, spark["data"]["id"], spark_task_id)
    assert len(rows) > 250  # every vertex of the 300-id range that has an edge
    assert rows == sample(client, local["data"]["id"], local_task_id)
    lines = logs(client, spark["data"]["id"], spark_task_id)
    assert any("engine spark" in line for line in lines)
    assert any(re.match(r"Spark 4\.\S+ application local-\d+ up", line) for line in lines), lines


def test_unsupported_algorithm_is_refused_for_spark(client: TestClient) -> None:
    """Strict submission refuses it; Explorer-style submission accepts it and the task fails, saying why."""
    task = local_task("im", "analytics_infomap", "g.parquet", {"engine": "spark"})
    answer = make_job(client, [task], strict=True)
    assert answer["code"] == 40004001
    text = str(answer)
    assert "analytics_infomap runs on the local engine only" in text
    assert "analytics_pagerank" in text
    assert "analytics_wcc" in text
    accepted = make_job(client, [task])
    assert accepted["code"] == 0
    done = wait_job(client, accepted["data"]["id"])
    assert done["status"] == 3
    lines = " ".join(logs(client, accepted["data"]["id"], done["tasks"][0]["id"]))
    assert "analytics_infomap runs on the local engine only; engine spark runs" in lines


def test_unknown_engine_is_refused(client: TestClient) -> None:
    task = local_task("pr", "analytics_pagerank", "g.parquet", {"engine": "flink"})
    answer = make_job(client, [task], strict=True)
    assert answer["code"] == 40004001
    assert "spec.engine must be one of local, spark, auto" in str(answer)


def _spark_jvms() -> set[int]:
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "java" in child.name():
                found.add(child.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def test_cancel_stops_the_spark_job_and_its_jvm(client: TestClient) -> None:
    """Cancel of a running Spark task: status 4 within a second, and the task's JVM is gone."""
    task = local_task(
        "pr",
        "analytics_pagerank",
        "g.parquet",
        {"engine": "spark", "iterations": "100000", "variant": "graphalytics"},
    )
    # This test process may hold a JVM of its own (pyspark keeps its gateway after a session stops).
    before = _spark_jvms()
    job_id = make_job(client, [task])["data"]["id"]
    task_id = wait_job(client, job_id, until={1})["tasks"][0]["id"]
    deadline = time.monotonic() + 240
    while not any("PageRank iteration" in p for p in _progress_lines(client, job_id, task_id)):
        assert time.monotonic() < deadline, logs(client, job_id, task_id)
        time.sleep(0.2)
    jvms = _spark_jvms() - before
    assert jvms, ("the Spark task runs in a JVM of its own", logs(client, job_id, task_id))
    started = time.monotonic()
    client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    final = wait_job(client, job_id, timeout_s=1.0)
    assert final["status"] == 4
    assert final["tasks"][0]["status"] == 4
    while _alive(jvms):
        assert time.monotonic() - started < 10.0, "the Spark JVM outlived the cancel"
        time.sleep(0.05)
    # The cancel reached Spark (its job group, from a thread: not from the signal handler,
    # which would call the JVM on the main thread's busy py4j connection: "reentrant call").
    lines = logs(client, job_id, task_id)
    assert any(line.startswith("cancelled Spark job group graphmill-") for line in lines), lines
    text = "\n".join(lines)
    for error in ("reentrant", "Traceback", "Py4J", "py4j"):
        assert error not in text, lines


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def _progress_lines(client: TestClient, job_id: int, task_id: str) -> list[str]:
    r = client.get(f"/api-open/v1/jobs/{job_id}/progress")
    return [str(r.json()), *logs(client, job_id, task_id)]
