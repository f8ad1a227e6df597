"""Warm worker processes start with the server and die with it, even when it is killed (issue 13)."""

from __future__ import annotations

import time

import psutil
import pytest

from tests.server.conftest import Server

pytestmark = pytest.mark.server


def test_warm_workers_start_with_the_server_and_die_with_it(server: Server) -> None:
    server.start()  # and no job: the server's first job must not pay for the spares' start
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
