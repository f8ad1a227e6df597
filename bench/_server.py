"""A real `graphmill serve` process on loopback for the benchmarks."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from graphmill.client import Client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RawClient:
    """Plain calls under ``/api-open/v1``: the envelope's ``data``, or an error for a non-zero code."""

    def __init__(self, url: str) -> None:
        logged_in = Client(url, timeout_s=120)
        logged_in.connect("root", "nebula")
        self._http = logged_in._http  # carries the session cookie

    def _data(self, response: httpx.Response) -> Any:
        body = response.json()
        if body.get("code") != 0:
            raise RuntimeError(f"{response.request.url}: {body}")
        return body.get("data")

    def get(self, path: str) -> Any:
        return self._data(self._http.get(f"/api-open/v1{path}"))

    def post(self, path: str, body: Any = None) -> Any:
        return self._data(self._http.post(f"/api-open/v1{path}", json=body))


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

    def raw(self) -> RawClient:
        """A logged-in client of plain ``get``/``post`` calls that return the envelope's data."""
        return RawClient(self.url)

    def client(self) -> Client:
        client = Client(self.url, timeout_s=120)
        client.connect("root", "nebula")
        return client

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
