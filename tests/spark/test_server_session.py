"""``[spark] session = "server"`` through the HTTP API: one long-lived Spark application per server.

One server for the module (its driver starts once); the tests run in order: reuse, cancel,
a killed driver; the module's teardown checks that the server's shutdown stops its driver.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.conftest import S3Server
from tests.helpers import local_task, login, wait_job
from tests.spark.conftest import FAST_SMALL_QUERIES_TOML
from tests.spark.test_api import FORM, _progress_lines, logs, make_job, sample, spark_settings

#: The first test pays the driver's JVM start and, on a fresh cache, the GraphX helper's compile.
pytestmark = pytest.mark.timeout(600)

SPARK_TOML = (
    '[spark]\nmaster = "local[2]"\ndriver_memory = "768m"\npartitions = 2\nsession = "server"\nserver_tasks = 2\n'
    + FAST_SMALL_QUERIES_TOML
)
APP_LINE = re.compile(r"Spark 4\.\S+ application (local-\d+) \(server session")
DRIVER_LINE = re.compile(r"the server's Spark driver process (\d+) runs the task")
#: PageRank that does not converge by itself: it runs until cancelled (or its driver dies).
ENDLESS = {"engine": "spark", "iterations": "100000", "variant": "graphalytics"}


def _settings(data: Path, s3: S3Server) -> Settings:
    # graphmill's S3 settings, which Spark's S3A connector is given too (as spark.hadoop.fs.s3a.*).
    return spark_settings(
        data,
        SPARK_TOML,
        seed=7,
        vertices=200,
        edges=1500,
        **s3.settings_fields(),
    )


#: Every driver process a test saw (with its JVM): all must be gone once the server has stopped.
_DRIVERS: list[psutil.Process] = []


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(tmp_path_factory.mktemp("data"), s3_server))) as c:
        login(c)
        yield c
    # The server's shutdown stops the driver it owns (checked here: a server of its own would
    # cost another JVM start).
    _gone, alive = psutil.wait_procs(_DRIVERS, timeout=15)
    assert not alive, f"Spark driver processes outlived the server: {alive}"


def _driver(pid: int) -> psutil.Process:
    """The driver process ``pid`` and its JVM, remembered for the shutdown check."""
    driver = psutil.Process(pid)
    family = [driver, *driver.children(recursive=True)]
    assert any("java" in p.name() for p in family), "the driver runs Spark's JVM"
    _DRIVERS.extend(family)
    return driver


def _run(
    client: TestClient, task_type: str, spec: dict[str, Any], *, strict: bool = False
) -> tuple[int, dict[str, Any]]:
    answer = make_job(client, [local_task("t", task_type, "g.parquet", spec)], strict=strict)
    assert answer["code"] == 0, answer
    job_id = answer["data"]["id"]
    return job_id, wait_job(client, job_id, timeout_s=300)


def _found(pattern: re.Pattern[str], lines: list[str]) -> str:
    for line in lines:
        if m := pattern.search(line):
            return m.group(1)
    raise AssertionError(f"no line matches {pattern.pattern}: {lines}")


def _task_lines(client: TestClient, job_id: int, done: dict[str, Any]) -> list[str]:
    return logs(client, job_id, done["tasks"][0]["id"])


def _start_endless(client: TestClient) -> tuple[int, str]:
    """A running endless PageRank on the server session, once its iterations have begun."""
    job_id = make_job(client, [local_task("pr", "analytics_pagerank", "g.parquet", ENDLESS)])["data"]["id"]
    task_id = wait_job(client, job_id, until={1})["tasks"][0]["id"]
    deadline = time.monotonic() + 240
    while not any("PageRank iteration" in line for line in _progress_lines(client, job_id, task_id)):
        assert time.monotonic() < deadline, logs(client, job_id, task_id)
        time.sleep(0.2)
    return job_id, task_id


def test_jobs_share_one_spark_application(client: TestClient) -> None:
    """Two jobs run in the same application and driver process; results equal the local engine's.

    The second is SCC, new on Spark (GraphX only), submitted strictly: its log names GraphX's
    rounds.  (Through the API in the server session: a job-mode test would start a JVM of its own.)
    """
    first_id, first = _run(client, "analytics_wcc", {"engine": "spark"})
    second_id, second = _run(client, "analytics_scc", {"engine": "spark"}, strict=True)
    local_wcc_id, local_wcc = _run(client, "analytics_wcc", {"engine": "local"})
    local_scc_id, local_scc = _run(client, "analytics_scc", {"engine": "local"})
    assert first["status"] == second["status"] == local_wcc["status"] == local_scc["status"] == 2, (
        first,
        second,
    )
    one, two = _task_lines(client, first_id, first), _task_lines(client, second_id, second)
    assert _found(APP_LINE, one) == _found(APP_LINE, two)
    assert _found(DRIVER_LINE, one) == _found(DRIVER_LINE, two)
    assert _driver(int(_found(DRIVER_LINE, one))).pid != os.getpid()  # a process of its own
    assert any(re.search(r"task 1 of this session", line) for line in one), one
    assert any(re.search(r"task 2 of this session", line) for line in two), two
    assert "implementation: GraphX (StronglyConnectedComponents rounds)" in two, two
    for (spark_id, spark_done), (local_id, local_done) in (
        ((first_id, first), (local_wcc_id, local_wcc)),
        ((second_id, second), (local_scc_id, local_scc)),
    ):
        rows = sample(client, spark_id, spark_done["tasks"][0]["id"])
        assert len(rows) > 150  # every vertex with an edge
        assert rows == sample(client, local_id, local_done["tasks"][0]["id"])


def test_cancel_stops_the_task_and_keeps_the_session(client: TestClient) -> None:
    """Cancel: status 4 within a second, the task's Spark jobs end, the next job runs on the same application."""
    job_id, task_id = _start_endless(client)
    running_app = _found(APP_LINE, logs(client, job_id, task_id))
    assert client.get("/healthz").status_code == 200  # the API answers while Spark works
    client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    final = wait_job(client, job_id, timeout_s=1.0)
    assert final["status"] == 4
    assert final["tasks"][0]["status"] == 4
    deadline = time.monotonic() + 30
    while not any("no job of it is running" in line for line in logs(client, job_id, task_id)):
        assert time.monotonic() < deadline, logs(client, job_id, task_id)
        time.sleep(0.1)
    next_id, after = _run(client, "analytics_pagerank", {"engine": "spark"})
    assert after["status"] == 2, after
    assert _found(APP_LINE, _task_lines(client, next_id, after)) == running_app


def test_s3_source_without_the_s3a_jars_fails_naming_them(client: TestClient, s3_server: S3Server) -> None:
    """An s3:// datasource is read by Spark itself (s3a://); without hadoop-aws the task says which jars to add."""
    bucket = s3_server.new_bucket()
    with s3_server.admin().open_output_stream(f"{bucket}/in/e.csv") as out:
        out.write(b"1,2\n2,3\n")
    task = {
        "id": "w",
        "type": "analytics_wcc",
        "spec": {"engine": "spark"},
        "datasource": {"type": "hdfs", "spec": {"hdfsName": "lake", "path": "in/e.csv"}},
    }
    lake = [{"type": "hdfs", "name": "lake", "spec": {"url": f"s3://{bucket}"}}]
    r = client.post("/api-open/v1/workflows", json={"schema": {"datasources": lake, "tasks": [task]}})
    job_id = client.post(f"/api-open/v1/workflows/{r.json()['data']['id']}/jobs", json={}).json()["data"][
        "id"
    ]
    done = wait_job(client, job_id, timeout_s=120)
    assert done["status"] == 3, done
    text = " ".join(logs(client, job_id, "w"))
    assert f"cannot read s3a://{bucket}/in/e.csv: Spark has no S3A connector" in text, text
    assert "S3AFileSystem not found" in text
    assert re.search(r"Add hadoop-aws-3\.\d+\.\d+\.jar \(the Hadoop version of this pyspark\)", text), text
    assert "to 'jars' in the [spark] table of graphmill.toml" in text


def _status(client: TestClient, job_id: int) -> int:
    return int(client.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"])


def _cancel(client: TestClient, *job_ids: int) -> None:
    for job_id in job_ids:
        client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    for job_id in job_ids:
        assert wait_job(client, job_id, timeout_s=30)["status"] == 4


def test_admission_charges_the_driver_once_and_each_task_its_share(client: TestClient) -> None:
    """Two server-mode tasks run together when the budget holds one driver and two task shares;
    with room for one share only, the next waits in Preparing until memory frees up."""
    service = client.app.state.service  # type: ignore[attr-defined]
    runner = service.runner
    driver = service.planner.spark_config.local_footprint_bytes()
    first_id, _ = _start_endless(client)
    estimate = service.store.get_job(first_id).tasks[0].estimated_bytes
    share = estimate - driver
    assert 0 < share < driver // 4  # what a task adds is small next to a whole driver
    assert runner.resident_bytes == {"spark-driver": driver}
    assert runner.reserved_bytes == share
    saved = runner.memory_budget_bytes, service.memory_budget_bytes
    try:
        # Room for the driver and two shares, far from two drivers: both tasks run together.
        runner.memory_budget_bytes = service.memory_budget_bytes = driver + 2 * share + 2**20
        second_id, _ = _start_endless(client)
        assert _status(client, first_id) == _status(client, second_id) == 1
        assert runner.reserved_bytes == 2 * share
        _cancel(client, second_id)
        # Room for the driver and one share: a second task waits until the first ends.
        runner.memory_budget_bytes = service.memory_budget_bytes = driver + share + 2**20
        endless = [local_task("pr", "analytics_pagerank", "g.parquet", ENDLESS)]
        waiting = make_job(client, endless)["data"]["id"]
        time.sleep(1.5)  # the scheduler looks for work at least once a second
        assert _status(client, waiting) == 0
        assert _status(client, first_id) == 1
        _cancel(client, first_id)
        assert wait_job(client, waiting, until={1}, timeout_s=30)["status"] == 1
        _cancel(client, waiting)
    finally:
        runner.memory_budget_bytes, service.memory_budget_bytes = saved


def test_killed_driver_fails_its_task_and_the_next_gets_a_new_one(client: TestClient) -> None:
    """A driver that dies mid-task: that task fails saying so; the next task starts a fresh driver."""
    job_id, task_id = _start_endless(client)
    lines = logs(client, job_id, task_id)
    old_app, driver_pid = _found(APP_LINE, lines), int(_found(DRIVER_LINE, lines))
    os.kill(driver_pid, signal.SIGKILL)
    failed = wait_job(client, job_id, timeout_s=30)
    assert failed["status"] == 3
    assert failed["tasks"][0]["status"] == 3
    text = " ".join(logs(client, job_id, task_id))
    assert "the Spark driver process ended while running the task" in text
    assert "killed by SIGKILL" in text
    next_id, after = _run(client, "analytics_wcc", {"engine": "spark"})
    assert after["status"] == 2, after
    new_lines = _task_lines(client, next_id, after)
    assert _found(APP_LINE, new_lines) != old_app
    assert _driver(int(_found(DRIVER_LINE, new_lines))).pid != driver_pid
    assert any("task 1 of this session" in line for line in new_lines)
