from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.helpers import copy_tree, login


@pytest.fixture
def data_dir(tmp_path: Path, basketball_graph_dir: Path) -> Path:
    d = tmp_path / "data"
    copy_tree(basketball_graph_dir, d / "graph")
    return d


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir)


@pytest.fixture
def anon(settings: Settings) -> Iterator[TestClient]:
    """A client of a running app, not logged in."""
    with TestClient(create_app(settings), base_url="http://127.0.0.1:7002") as client:
        yield client


@pytest.fixture
def client(anon: TestClient) -> TestClient:
    """A logged-in client."""
    login(anon)
    return anon
