"""Write-back on the embedded store fails as a cluster's does: WriteBackFailed, naming the problem."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from graphmill.formats.writeback import WriteBackFailed
from graphmill.graphstore import EmbeddedGraphStore
from tests.query.conftest import BASKETBALL, cheap_hasher


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedGraphStore:
    s = EmbeddedGraphStore(tmp_path / "g", password_hasher=cheap_hasher())
    s.import_ngql("nba", BASKETBALL / "basketballplayer.ngql")
    return s


def results() -> pa.Table:
    return pa.table({"vid": ["player100", "player101"], "value": [0.5, 0.25]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tag": "rank"}, "has no tag 'rank'; create it first"),
        ({"tag": "player", "props": ["rank"]}, "tag 'player' has no property rank"),
        ({"mode": "upsert"}, "mode must be insert or update"),
        ({"batch_size": 0}, "write_batch_size must be at least 1"),
        ({"tag": "bad`name", "create": True}, "invalid tag name 'bad`name': it holds a back-quote"),
    ],
)
def test_refusals_are_write_back_failures(
    store: EmbeddedGraphStore, kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"tag": "rank", "props": ["value"], "types": ["double"]}
    arguments.update(kwargs)
    with pytest.raises(WriteBackFailed, match=message):
        store.write_back("nba", results(), **arguments)  # type: ignore[arg-type]
    assert "rank" not in store.get_space("nba").tags


def test_write_back_through_the_store_interface(store: EmbeddedGraphStore) -> None:
    written = store.write_back("nba", results(), tag="rank", props=["value"], types=["double"], create=True)
    assert written == 2
    assert [p.name for p in store.get_space("nba").tags["rank"]] == ["value"]
