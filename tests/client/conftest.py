"""One real `graphmill serve` on loopback for the client and CLI tests of a module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphmill.client import Client
from tests.helpers import local_task, nebula_task
from tests.server.conftest import Server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, basketball_graph_dir: Path) -> Iterator[Server]:
    from tests.helpers import copy_tree

    data_dir = tmp_path_factory.mktemp("live") / "data"
    copy_tree(basketball_graph_dir, data_dir / "graph")
    files = data_dir / "files"
    files.mkdir(parents=True)
    # a CSV whose second line has one column: the job fails while reading it
    (files / "broken.csv").write_text("src,dst\n1,2\n3\n")
    srv = Server(data_dir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def gm(live: Server) -> Iterator[Client]:
    with Client(live.url, user="root", password="nebula") as client:
        yield client


def pagerank_schema(iterations: str = "10") -> dict[str, Any]:
    return {
        "tasks": [
            nebula_task("analytics_pagerank_1", "analytics_pagerank", "PageRank", {"iterations": iterations}),
            nebula_task("analytics_louvain_2", "analytics_louvain", "Louvain", {}, edges="follow", props=""),
        ],
        "deps": [],
    }


def failing_schema() -> dict[str, Any]:
    return {"tasks": [local_task("wcc", "analytics_wcc", "broken.csv", name="WCC")], "deps": []}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path
