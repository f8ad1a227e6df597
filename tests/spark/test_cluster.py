"""engine spark against a real Spark standalone cluster on loopback, through a real `graphmill serve`.

The Master, the Worker and each application's executors are separate JVMs (from the pyspark
wheel's ``spark-class``): the GraphX helper jar must reach the executors over the driver's
file server, checkpoints go to a staging folder the executors write themselves, and a
cancel must end the application on the Master, not only graphmill's task.

On demand (minutes under load: three JVM daemons plus one driver JVM per task):
``.venv/bin/pytest -m cluster tests/spark/test_cluster.py``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.helpers import local_task, login, wait_job
from tests.server.conftest import Server
from tests.spark.standalone import StandaloneCluster
from tests.spark.test_api import FORM, _progress_lines, spark_settings

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(1800)]

APP_ID = re.compile(r"Spark 4\.\S+ application (app-\d+-\d+) up in")
#: PageRank that does not converge by itself: it runs until cancelled.
ENDLESS = {"engine": "spark", "iterations": "100000", "variant": "graphalytics"}


def _toml(master: str, staging: Path) -> str:
    # One core per application, so two tasks' applications share the two-core Worker.
    return f"""[spark]
master = "{master}"
driver_memory = "512m"
executor_memory = "480m"
executor_cores = 1
partitions = 2
checkpoint_every = 2
staging_dir = "{staging}"
[spark.conf]
"spark.cores.max" = "1"
"spark.driver.host" = "127.0.0.1"
"spark.driver.bindAddress" = "127.0.0.1"
"""


@dataclass
class Stack:
    cluster: StandaloneCluster
    client: httpx.Client
    staging: Path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("cluster")
    cluster = StandaloneCluster(folder)
    staging = folder / "staging"  # "shared storage": every JVM here sees the same local path
    data = folder / "data"
    data.mkdir()
    spark_settings(data, _toml(cluster.master_url, staging), seed=11, vertices=300, edges=2500)
    server = Server(data, env={"GRAPHMILL_MAX_RUNNING_JOBS": "2"})
    try:
        cluster.start()
        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            login(client)
            yield Stack(cluster, client, staging)
    finally:
        server.stop()
        cluster.stop()


def _submit(client: httpx.Client, tasks: list[dict[str, Any]]) -> int:
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": tasks}}).json()["data"]["id"]
    answer = client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()
    assert answer["code"] == 0, answer
    return int(answer["data"]["id"])


def _logs(client: httpx.Client, job_id: int, task_id: str) -> list[str]:
    items = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/logs").json()["data"]["items"]
    return [line["message"] for line in items]


def _rows(client: httpx.Client, job_id: int, task_id: str) -> list[list[str]]:
    r = client.get(f"/api-open/v1/jobs/{job_id}/tasks/{task_id}/sample_result", params={"limit": 1000})
    return list(r.json()["data"]["items"])


def _app_id(lines: list[str]) -> str:
    found = [m.group(1) for line in lines if (m := APP_ID.search(line))]
    assert found, lines
    return found[0]


class _Watch:
    """Every file that appears under a folder while a job runs (checkpoints come and go)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            if self.folder.is_dir():
                self.seen.update(
                    str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file()
                )

    def __enter__(self) -> _Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def test_graphx_and_dataframe_tasks_on_the_cluster_equal_the_local_engine(stack: Stack) -> None:
    """WCC by GraphX and LPA by DataFrames run in executors of the cluster: same rows as the local engine."""
    client = stack.client
    tasks = [
        local_task(
            f"{name}_{engine}", ttype, "g.parquet", {"engine": engine, **spec}, name=f"{name}_{engine}"
        )
        for name, ttype, spec in (("wcc", "analytics_wcc", {}), ("lpa", "analytics_lpa", {"iterations": "6"}))
        for engine in ("local", "spark")
    ]
    started = time.monotonic()
    with _Watch(stack.staging) as staging:
        job_id = _submit(client, tasks)
        job = wait_job(client, job_id, timeout_s=1500)  # minutes under load
    print(f"cluster job: {time.monotonic() - started:.1f}s wall")
    assert job["status"] == 2, [(t, _logs(client, job_id, t["id"])) for t in job["tasks"]]
    ids = {t["name"]: t["id"] for t in job["tasks"]}
    for name in ("wcc", "lpa"):
        spark_rows = _rows(client, job_id, ids[f"{name}_spark"])
        assert len(spark_rows) > 250, name  # every vertex with an edge
        assert spark_rows == _rows(client, job_id, ids[f"{name}_local"]), name

    wcc_log, lpa_log = (_logs(client, job_id, ids[f"{n}_spark"]) for n in ("wcc", "lpa"))
    for name, log in (("wcc", wcc_log), ("lpa", lpa_log)):  # the figures bench/SPARK.md quotes
        print(name, [line for line in log if re.search(r" up in |^Spark ran |^finished in ", line)])
    assert "implementation: GraphX (ConnectedComponents)" in wcc_log, wcc_log
    # Spark's status tracker saw the stages the executors ran (the stage watcher's count).
    assert all(re.search(r"Spark ran [1-9]\d* stages", " ".join(log)) for log in (wcc_log, lpa_log))
    assert any(line.startswith("implementation: DataFrame") for line in lpa_log), lpa_log
    apps = {_app_id(wcc_log), _app_id(lpa_log)}
    assert len(apps) == 2  # an application per task (session = "job")
    # Both applications ended on the Master, and their executors ran in the Worker's JVMs:
    # the GraphX task's executor fetched graphmill's helper jar from the driver.
    state = stack.cluster.state()
    assert not apps & {a["id"] for a in state["activeapps"]}
    assert {a["id"]: a["state"] for a in state["completedapps"] if a["id"] in apps} == dict.fromkeys(
        apps, "FINISHED"
    )
    wcc_executors = list((stack.cluster.work_dir / _app_id(wcc_log)).glob("*/stderr"))
    assert wcc_executors, "the WCC application ran no executor on the Worker"
    assert any("graphmill-graphx.jar" in p.read_text(errors="replace") for p in wcc_executors)
    # Reliable checkpoints went to the staging folder (written by the executors), and the
    # application's checkpoint folder was removed when its task finished.
    assert any(re.search(r"rdd-\d+/part-\d+", path) for path in staging.seen), sorted(staging.seen)[:20]
    assert not [p for p in stack.staging.rglob("*") if p.is_file()]


def _executors(app_id: str) -> list[psutil.Process]:
    """The Worker's executor JVMs of an application (``CoarseGrainedExecutorBackend … --app-id``)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        line = process.info["cmdline"] or []
        if "org.apache.spark.executor.CoarseGrainedExecutorBackend" in line and app_id in line:
            found.append(process)
    return found


def test_cancel_ends_the_application_and_frees_the_executors(stack: Stack) -> None:
    """Cancel of a running cluster task: status 4 within a second; the Master drops the application and the Worker its executor."""
    client, cluster = stack.client, stack.cluster
    job_id = _submit(client, [local_task("pr", "analytics_pagerank", "g.parquet", ENDLESS)])
    task_id = wait_job(client, job_id, until={1})["tasks"][0]["id"]
    deadline = time.monotonic() + 300
    while not any("PageRank iteration" in line for line in _progress_lines(client, job_id, task_id)):  # type: ignore[arg-type]
        assert time.monotonic() < deadline, _logs(client, job_id, task_id)
        time.sleep(0.2)
    app = _app_id(_logs(client, job_id, task_id))
    assert app in cluster.active_apps()
    executors = _executors(app)
    assert executors, "the application runs an executor JVM of the Worker"
    assert cluster.state()["coresused"] == 1
    started = time.monotonic()
    client.put(f"/api-open/v1/jobs/{job_id}/cancel", headers=FORM)
    final = wait_job(client, job_id, timeout_s=1.0)
    assert final["status"] == 4
    assert final["tasks"][0]["status"] == 4
    while app in cluster.active_apps():
        assert time.monotonic() - started < 30, "the application outlived the cancel on the Master"
        time.sleep(0.1)
    left_master_s = time.monotonic() - started
    _gone, alive = psutil.wait_procs(executors, timeout=30)
    assert not alive, "the executor JVM outlived the cancel"
    state = cluster.state()
    assert (state["coresused"], state["memoryused"]) == (0, 0)
    completed = cluster.completed(app)
    assert completed is not None
    print(f"cancel: application left the Master after {left_master_s:.2f}s, state {completed['state']}")
