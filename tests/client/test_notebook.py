"""The notebook example: its script twin runs against `graphmill demo --keep`, and the two agree."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import free_port

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = pytest.mark.server


def script_cells() -> list[tuple[str, str]]:
    text = (DOCS / "client_notebook.py").read_text()
    cells = []
    for chunk in re.split(r"^# %%", text, flags=re.M)[1:]:
        header, _, body = chunk.partition("\n")
        kind = "markdown" if header.strip() == "[markdown]" else "code"
        body = body.strip("\n")
        if kind == "markdown":
            body = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines()
            )
        cells.append((kind, body))
    return cells


def test_notebook_and_script_twin_agree() -> None:
    notebook = json.loads((DOCS / "client_notebook.ipynb").read_text())
    cells = [(c["cell_type"], "".join(c["source"])) for c in notebook["cells"]]
    assert cells == script_cells()
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


def test_script_twin_runs_against_demo_keep(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graphmill",
            "demo",
            "--keep",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "d"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        env = {
            **os.environ,
            "GRAPHMILL_URL": url,
            "GRAPHMILL_NOTEBOOK_OUT": str(tmp_path),
            "MPLBACKEND": "Agg",
        }
        out = subprocess.run(
            [sys.executable, "client_notebook.py"],
            cwd=DOCS,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        assert "SUCCESS" in out.stdout
        assert "81 PageRank rows" in out.stdout
        assert re.search(r"top 3: (?:player|team)\d+, (?:player|team)\d+, (?:player|team)\d+", out.stdout)
        assert re.search(r"largest community: \d+ members", out.stdout)
        for png in ("pagerank_top20.png", "community_sizes.png"):
            assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(30)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait(10)
