"""Warm worker processes die with the server, even when it is killed (issue 13 item 5)."""

from __future__ import annotations

import time

import httpx
import psutil
import pytest

from tests.helpers import login, nebula_task, wait_job
from tests.server.conftest import Server, submit

pytestmark = pytest.mark.server


def test_idle_warm_workers_die_with_a_killed_server(server: Server) -> None:
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        login(client)
        job = submit(client, [nebula_task("pr", "analytics_pagerank", "PageRank", {})])
        assert wait_job(client, job)["status"] == 2
    assert server.proc is not None
    parent = psutil.Process(server.proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while len(workers) < 2:  # the default two spares, warmed up in the background
        assert time.monotonic() < deadline, "no warm workers appeared"
        # server -> forkserver -> workers: the server's grandchildren
        workers = [w for child in parent.children() for w in _children(child)]
        time.sleep(0.1)
    server.kill()
    deadline = time.monotonic() + 5
    for worker in workers:
        while worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, f"worker {worker.pid} outlived the killed server"
            time.sleep(0.05)


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [p for p in process.children() if p.status() != psutil.STATUS_ZOMBIE]
    except psutil.Error:
        return []
