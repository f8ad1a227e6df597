"""Fixtures for the graph store tests: the basketballplayer data and stores built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from graphmill.graphstore import EmbeddedGraphStore

BASKETBALL = Path(__file__).resolve().parent.parent / "data" / "basketballplayer"
NGQL_SPACE = "basketballplayer"
CSV_SPACE = "basketballplayer_csv"


def cheap_hasher() -> PasswordHasher:
    """Argon2 with small costs, so that tests hashing passwords stay fast."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def basketball_dir() -> Path:
    return BASKETBALL


@pytest.fixture(scope="session")
def basketball_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedGraphStore:
    """One store, shared read-only, with basketballplayer imported from nGQL and from CSV."""
    store = EmbeddedGraphStore(tmp_path_factory.mktemp("basketball-store"), password_hasher=cheap_hasher())
    store.import_ngql(NGQL_SPACE, BASKETBALL / "basketballplayer.ngql")
    store.import_csv_dir(CSV_SPACE, BASKETBALL)
    return store


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedGraphStore:
    """An empty store of the test's own."""
    return EmbeddedGraphStore(tmp_path / "store", password_hasher=cheap_hasher())
