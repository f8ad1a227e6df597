"""The remote CLI commands against a real server on loopback."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.helpers import login, nebula_task
from tests.server.conftest import Server, submit

pytestmark = pytest.mark.server


def graphmill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graphmill", *args], capture_output=True, text=True, timeout=60
    )


def test_job_watch_and_cancel(server: Server) -> None:
    """`job watch` draws progress until the job ends and exits 0 on success; `job cancel` reports what happened."""
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        login(client)
        job_id = submit(client, [nebula_task("pr", "analytics_pagerank", "PageRank", {})])
    watched = graphmill("job", "watch", str(job_id), "--url", server.url)
    assert watched.returncode == 0, watched.stderr
    assert watched.stdout.strip().splitlines()[-1].startswith("[" + "#" * 30 + "] 100.0% Success")
    cancelled = graphmill("job", "cancel", str(job_id), "--url", server.url)
    assert cancelled.stdout.strip() == "the job had already ended"
    missing = graphmill("job", "cancel", "999", "--url", server.url)
    assert missing.returncode == 1
    assert "50004001" in missing.stderr
    wrong = graphmill("job", "watch", str(job_id), "--url", server.url, "--password", "bad")
    assert wrong.returncode == 1
    assert "40004000" in wrong.stderr
