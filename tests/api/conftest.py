from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, copy_tree, login


@pytest.fixture(scope="session")
def basketball_graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One imported basketballplayer store, copied into each test's data dir."""
    root = tmp_path_factory.mktemp("graph-template")
    store = EmbeddedGraphStore(root)
    store.import_ngql("basketballplayer", BASKETBALL_NGQL)
    store.ensure_default_account()
    return root


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
