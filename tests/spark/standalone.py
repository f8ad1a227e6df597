"""A real Spark standalone cluster on loopback: one Master and one Worker, from the pyspark wheel.

The wheel ships ``bin/spark-class``; the Master and the Worker are separate JVMs, and the
Worker starts each application's executors as JVMs of their own, so jars, files and
checkpoints cross process boundaries as they do on a real cluster.  Every port is picked
free on 127.0.0.1 (never Spark's defaults: the machine may run other Spark processes).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from graphmill.spark.graphx.build import pyspark_jars


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    """The pyspark wheel's folder: it has Spark's ``bin`` and ``jars`` as a Spark install does."""
    return pyspark_jars()[1].parent


@dataclass
class StandaloneCluster:
    """Master and Worker processes this test run started (stopped by their own PIDs only)."""

    folder: Path
    worker_cores: int = 2
    worker_memory: str = "1g"
    master_port: int = field(default_factory=free_port)
    master_ui_port: int = field(default_factory=free_port)
    worker_ui_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def master_url(self) -> str:
        return f"spark://127.0.0.1:{self.master_port}"

    @property
    def work_dir(self) -> Path:
        """The Worker's folder: one sub-folder per application, with each executor's stdout/stderr."""
        return self.folder / "work"

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SPARK_HOME": str(spark_home()),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_DAEMON_MEMORY": "256m",
            # No REST submission server (it would take port 6066, shared machine-wide).
            "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        }

    def _spawn(self, name: str, *args: str) -> None:
        command = ["nice", "-n", "10", str(spark_home() / "bin" / "spark-class"), *args]
        with (self.folder / f"{name}.log").open("wb") as log:  # the daemon keeps its own descriptor
            self.processes.append(
                subprocess.Popen(command, env=self._env(), stdout=log, stderr=subprocess.STDOUT)
            )

    def start(self, timeout_s: float = 240) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._spawn(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1",
            "--port", str(self.master_port),
            "--webui-port", str(self.master_ui_port),
        )  # fmt: skip
        # The Worker retries its registration until the Master is up: both JVMs start at once.
        self._spawn(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1",
            "--cores", str(self.worker_cores),
            "--memory", self.worker_memory,
            "--webui-port", str(self.worker_ui_port),
            "--work-dir", str(self.work_dir),
            self.master_url,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for process in self.processes:
                assert process.poll() is None, f"a Spark daemon exited: {self.logs()}"
            try:
                if self.state()["aliveworkers"] == 1:
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise AssertionError(f"the standalone cluster did not come up: {self.logs()}")

    def state(self) -> dict[str, Any]:
        """The Master's ``/json`` view: workers, cores used, active and completed applications."""
        r = httpx.get(f"http://127.0.0.1:{self.master_ui_port}/json/", timeout=5)
        r.raise_for_status()
        answer: dict[str, Any] = r.json()
        return answer

    def active_apps(self) -> list[str]:
        return [app["id"] for app in self.state()["activeapps"]]

    def completed(self, app_id: str) -> dict[str, Any] | None:
        return next((a for a in self.state()["completedapps"] if a["id"] == app_id), None)

    def logs(self) -> str:
        return " | ".join(
            (self.folder / f"{n}.log").read_text(errors="replace")[-2000:]
            for n in ("master", "worker")
            if (self.folder / f"{n}.log").is_file()
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
