"""Fake: tag and edge type names with spaces, punctuation and non-ASCII letters work on a cluster
(issue 14, item 6): described, scanned, written back and queried, always back-quoted."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.graphstore.nebula import NebulaGraphStore
from tests.nebula.conftest import make_config

EDGE = "my edge.1"
TAG = "算法 结果"


@pytest.fixture
def odd(tmp_path: Path) -> tuple[NebulaGraphStore, object]:
    from tests.nebula.fakes import FakeClients, FakeCluster, FakeEdge, FakeSpace

    cluster = FakeCluster()
    cluster.spaces["odd space"] = FakeSpace(
        vid_type="FIXED_STRING(16)",
        tags={TAG: [("得分 value", "double")]},
        edges={EDGE: [("w eight", "double")]},
        edge_data={EDGE: [FakeEdge("a", "b", 0, {"w eight": 0.5}), FakeEdge("b", "c", 0, {"w eight": 1.5})]},
        partitions=2,
        tagged={TAG: {"a"}},
    )
    store = NebulaGraphStore(make_config(), tmp_path / "cache", clients=FakeClients(cluster))
    return store, cluster


def test_schema_and_scan_with_odd_names(odd: tuple[NebulaGraphStore, object]) -> None:
    store, cluster = odd
    info = store.get_space("odd space")
    assert list(info.edges) == [EDGE]
    assert [p.name for p in info.tags[TAG]] == ["得分 value"]
    (file,) = store.edge_files("odd space", [EDGE], ["w eight"])
    rows = pq.read_table(file.path).to_pylist()
    assert sorted(rows, key=lambda r: r["src"]) == [
        {"src": "a", "dst": "b", "rank": 0, "w eight": 0.5},
        {"src": "b", "dst": "c", "rank": 0, "w eight": 1.5},
    ]
    assert "USE `odd space`" in cluster.statements()  # type: ignore[attr-defined]
    assert f"DESCRIBE EDGE `{EDGE}`" in cluster.statements()  # type: ignore[attr-defined]


def test_write_back_and_query_with_odd_names(odd: tuple[NebulaGraphStore, object]) -> None:
    store, cluster = odd
    written = store.write_back(
        "odd space",
        pa.table({"vid": ["a", "b"], "v": [0.1, 0.2]}),
        tag=TAG,
        props=["得分 value"],
        types=["double"],
    )
    assert written == 2
    (insert,) = [s for s in cluster.statements() if s.startswith("INSERT")]  # type: ignore[attr-defined]
    assert insert.startswith(f"INSERT VERTEX `{TAG}`(`得分 value`) VALUES")
    ngql = f'GO FROM "a" OVER `{EDGE}` YIELD dst(edge) AS d'
    cluster.query_results[ngql] = (["d"], [["b"]])  # type: ignore[attr-defined]
    assert store.run_query("odd space", ngql, {}).to_pydict() == {"d": ["b"]}
