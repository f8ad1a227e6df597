"""The full stack on loopback: a real `graphmill serve` process killed with SIGKILL mid-job."""

from __future__ import annotations

import time

import httpx
import psutil
import pytest

from tests.helpers import login, nebula_task, wait_job
from tests.scheduler.test_cancel import long_task, write_big_graph
from tests.server.conftest import Server, submit

pytestmark = pytest.mark.server


def test_sigkill_mid_job_then_restart(server: Server) -> None:
    """After SIGKILL, the running job ends Interrupted with a reason, the queued one runs, none is lost,
    and a rerun from failure completes the interrupted one."""
    server.start()
    path = write_big_graph(server.data_dir / "files")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        login(client)
        # About 1 s of work on an idle machine: killed long before it ends, and short enough to rerun.
        running = submit(client, [long_task(path, iterations=1000)])
        queued = submit(client, [nebula_task("pr", "analytics_pagerank", "PageRank", {})])
        detail = wait_job(client, running, until={1})
        task_id = detail["tasks"][0]["id"]
        deadline = time.monotonic() + 20
        pid = None
        while pid is None and time.monotonic() < deadline:
            for line in client.get(f"/api-open/v1/jobs/{running}/tasks/{task_id}/logs").json()["data"][
                "items"
            ]:
                if line["message"].startswith("worker process"):
                    pid = int(line["message"].split()[2])
            time.sleep(0.02)
        assert pid is not None
        assert client.get(f"/api-open/v1/jobs/{queued}").json()["data"]["status"] == 0
    server.kill()
    # The worker dies with its parents (PR_SET_PDEATHSIG): no orphan keeps computing.
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "worker outlived the killed server"
        time.sleep(0.05)
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        login(client)
        first = client.get(f"/api-open/v1/jobs/{running}").json()["data"]
        assert first["status"] == 4
        assert first["tasks"][0]["status"] == 4
        assert first["runEndTime"] >= first["runBeginTime"] > 0
        second = wait_job(client, queued, timeout_s=180)
        assert second["status"] == 2
        listed = client.get("/api-open/v1/jobs").json()["data"]
        assert {i["id"] for i in listed["items"]} == {running, queued}
        for item in listed["items"]:
            assert item["status"] in (2, 4)
        progress = client.get(f"/api-open/v1/jobs/{running}/progress").json()["data"]
        assert "server stopped" in progress["reason"]
        # Rerun from failure completes the interrupted job.
        rerun = client.post(f"/api-open/v1/jobs/{running}/rerun", json={"fromFailure": True}).json()["data"][
            "id"
        ]
        assert wait_job(client, rerun, timeout_s=180)["status"] == 2
        assert client.get(f"/api-open/v1/jobs/{rerun}/progress").json()["data"]["rerunOf"] == running
