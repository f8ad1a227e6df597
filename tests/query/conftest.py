"""Fixtures for the query component tests: basketballplayer in a store, and its CSV files as plain rows."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa
import pytest
from argon2 import PasswordHasher

from graphmill.graphstore import EmbeddedGraphStore
from graphmill.query import run_query

BASKETBALL = Path(__file__).resolve().parent.parent / "data" / "basketballplayer"
SPACE = "basketballplayer"


@dataclass(frozen=True)
class Data:
    """The basketballplayer CSV files, read with the csv module (independently of graphmill)."""

    players: dict[str, dict[str, Any]]
    teams: dict[str, dict[str, Any]]
    follow: list[dict[str, Any]]
    serve: list[dict[str, Any]]

    def edges(self, edge_type: str) -> list[dict[str, Any]]:
        return self.follow if edge_type == "follow" else self.serve

    def name(self, vid: str) -> str:
        return str((self.players.get(vid) or self.teams[vid])["name"])


def _rows(path: Path, ints: Iterable[str]) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column in ints:
            row[column] = int(row[column])
    return rows


@pytest.fixture(scope="session")
def data() -> Data:
    players = {r["vid"]: r for r in _rows(BASKETBALL / "player.csv", ["age"])}
    teams = {r["vid"]: r for r in _rows(BASKETBALL / "team.csv", [])}
    follow = _rows(BASKETBALL / "follow.csv", ["rank", "degree"])
    serve = _rows(BASKETBALL / "serve.csv", ["rank", "start_year", "end_year"])
    return Data(players, teams, follow, serve)


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedGraphStore:
    """One store with basketballplayer imported from its nGQL script; queries only read it."""
    s = EmbeddedGraphStore(tmp_path_factory.mktemp("query-store"), password_hasher=cheap_hasher())
    s.import_ngql(SPACE, BASKETBALL / "basketballplayer.ngql")
    return s


Run = Callable[..., pa.Table]


@pytest.fixture
def run(store: EmbeddedGraphStore) -> Run:
    """Run nGQL on basketballplayer: ``run(text, **params)``."""

    def _run(text: str, **params: object) -> pa.Table:
        return run_query(store, SPACE, text, params)

    return _run


def rows(table: pa.Table) -> Counter[tuple[Any, ...]]:
    """The table's rows as a multiset of tuples."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return Counter(zip(*columns, strict=True))


def counts(values: Iterable[Any]) -> Counter[Any]:
    return Counter(values)


def as_rows(items: Iterable[Any]) -> Counter[tuple[Any, ...]]:
    """Expected rows (scalars become 1-tuples) as a multiset."""
    return Counter(item if isinstance(item, tuple) else (item,) for item in items)


def graph_size(store: EmbeddedGraphStore, space: str = SPACE) -> Mapping[str, int]:
    """Vertices and edges in the database, counted directly through LadybugDB."""

    def table(conn: ladybug.Connection, cypher: str) -> pa.Table:
        result = conn.execute(cypher)
        assert isinstance(result, ladybug.QueryResult)
        return result.get_as_arrow()

    with store.open_connection(space, read_only=True) as conn:
        nodes = table(conn, "MATCH (n) RETURN count(*)").column(0)[0].as_py()
        rels = table(conn, "MATCH ()-[e]->() RETURN count(*)").column(0)[0].as_py()
        names = table(conn, "MATCH (n:player) WHERE n.vid = 'player100' RETURN n.name")
    return {"nodes": nodes, "edges": rels, "player100": names.num_rows}
