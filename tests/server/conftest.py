"""A real `graphmill serve` process on loopback, for the full-stack tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.env = {"GRAPHMILL_MAX_RUNNING_JOBS": "1", **(env or {})}
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graphmill",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "data"
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    srv = Server(data_dir)
    yield srv
    srv.stop()


def submit(client: httpx.Client, tasks: list[dict[str, Any]]) -> int:
    wid = client.post("/api-open/v1/workflows", json={"schema": {"tasks": tasks}}).json()["data"]["id"]
    return int(client.post(f"/api-open/v1/workflows/{wid}/jobs", json={}).json()["data"]["id"])
