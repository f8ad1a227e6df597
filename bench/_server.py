"""A real `graphmill serve` process on loopback for the benchmarks."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graphmill.client import Client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graphmill",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(data_dir),
                "--log-level",
                "warning",
                *extra,
            ],
        )
        for _ in range(600):
            try:
                httpx.get(f"{self.url}/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.05)

    def client(self) -> Client:
        client = Client(self.url, timeout_s=120)
        client.connect("root", "nebula")
        return client

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
