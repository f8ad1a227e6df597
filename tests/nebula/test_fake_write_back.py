"""NebulaGraphStore.write_back: checks and batched statements, against the fake client objects.

Every test here runs against ``tests.nebula.fakes``: a fake of nebula3-python's client objects,
not of the wire protocol.  The fake records the INSERT/UPDATE text without executing it; that
NebulaGraph accepts the text and stores the values is only checked by ``test_integration``.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.formats.writeback import WriteBackFailed
from graphmill.graphstore.nebula import NebulaGraphStore
from tests.nebula.fakes import FakeCluster


def results() -> pa.Table:
    return pa.table(
        {
            "vid": ["player100", 'weird"id\\', "玩家110"],
            "value": [0.5, 0.25, 1.0],
            "cluster": pa.array([7, 7, 8], pa.int64()),
        }
    )


def test_insert(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: the tag is checked, then one INSERT per batch, vids and strings escaped."""
    written = store.write_back(
        "nba",
        results(),
        tag="algo",
        props=["pagerank", "cluster"],
        types=["double", "int"],
        mode="insert",
        batch_size=2,
    )
    assert written == 3
    assert cluster.statements() == [
        "SHOW SPACES",
        "DESCRIBE SPACE `nba`",
        "USE `nba`",
        "SHOW TAGS",
        "DESCRIBE TAG `algo`",
        'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "player100":(0.5, 7), "weird\\"id\\\\":(0.25, 7)',
        'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "玩家110":(1.0, 8)',
    ]
    assert {s.space for s in cluster.sent[-2:]} == {"nba"}
    assert cluster.sessions_open == 0


def test_update(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: per batch, a FETCH finds the vertices carrying the tag, then one UPDATE per such row."""
    written = store.write_back(
        "nba",
        results().select(["vid", "cluster"]),
        tag="algo",
        props=["cluster"],
        types=["int64"],
        mode="update",
        batch_size=2,
    )
    assert written == 2  # 玩家110 does not carry the tag: skipped, as the embedded store does
    assert cluster.statements()[5:] == [
        'FETCH PROP ON `algo` "player100", "weird\\"id\\\\" YIELD id(vertex) AS vid',
        'UPDATE VERTEX ON `algo` "player100" SET `cluster` = 7; '
        'UPDATE VERTEX ON `algo` "weird\\"id\\\\" SET `cluster` = 7',
        'FETCH PROP ON `algo` "玩家110" YIELD id(vertex) AS vid',
    ]


def test_update_int_vids(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: with int64 vids the FETCH answer (ints) is matched against the result's ids."""
    cluster.spaces["ints"].tagged["algo"] = {2}
    table = pa.table({"vid": pa.array([1, 2], pa.int64()), "pr": [0.1, 0.2]})
    assert store.write_back("ints", table, tag="algo", props=["pagerank"], types=[], mode="update") == 1
    assert cluster.statements(kind="UPDATE") == ["UPDATE VERTEX ON `algo` 2 SET `pagerank` = 0.2"]


def test_values_follow_the_tags_types(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: literals are written for the tag's types (a declared 'string' fits a fixed_string(20))."""
    table = pa.table({"vid": ["a"], "label": pa.array([12], pa.int64())})
    store.write_back(
        "nba", table, tag="algo", props=["label"], types=["string"], mode="insert", batch_size=10
    )
    assert cluster.statements(kind="INSERT") == ['INSERT VERTEX `algo`(`label`) VALUES "a":("12")']


def test_int_vids(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: an INT64 space gets integer vid literals."""
    table = pa.table({"vid": pa.array([1, 2], pa.int64()), "pr": [0.1, 0.2]})
    store.write_back(
        "ints", table, tag="algo", props=["pagerank"], types=["double"], mode="insert", batch_size=10
    )
    assert cluster.statements(kind="INSERT") == ["INSERT VERTEX `algo`(`pagerank`) VALUES 1:(0.1), 2:(0.2)"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"tag": "ranking"},
            r"tag 'ranking' does not exist in space 'nba': create it \(with properties pagerank double, cluster int\)",
        ),
        (
            {"props": ["pagerank", "community"]},
            r"tag 'algo' of space 'nba' has no property community \(it has: pagerank, cluster, label\)",
        ),
        ({"props": ["pr", "community"]}, "has no properties pr, community"),
        (
            {"types": ["double", "string"]},
            "property 'cluster' of tag 'algo' has type int64, but the results are declared string",
        ),
        ({"types": ["double"]}, r"2 properties \(pagerank, cluster\) but 1 types"),
        ({"props": ["pagerank", "pagerank"]}, "a property is named twice"),
        ({"space": "nope"}, "space 'nope' does not exist"),
        ({"mode": "replace"}, "write mode must be 'insert' or 'update'"),
    ],
)
def test_refusals_create_nothing(
    store: NebulaGraphStore, cluster: FakeCluster, kwargs: dict[str, object], message: str
) -> None:
    """Fake: a missing tag or property, or a type mismatch, fails saying which; nothing is written or created."""
    arguments: dict[str, object] = {
        "space": "nba",
        "table": results(),
        "tag": "algo",
        "props": ["pagerank", "cluster"],
        "types": ["double", "int"],
        "mode": "insert",
        "batch_size": 10,
    }
    arguments.update(kwargs)
    space, table = arguments.pop("space"), arguments.pop("table")
    with pytest.raises(WriteBackFailed, match=message):
        store.write_back(space, table, **arguments)  # type: ignore[arg-type]
    assert not [s for s in cluster.statements() if s.split()[0] in {"INSERT", "UPDATE", "CREATE", "ALTER"}]


def test_refused_batch_reports_progress(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: graphd refusing the second batch stops the write, saying what was written before."""
    cluster.refuse["玩家110"] = "Storage Error: The leader has changed."
    with pytest.raises(WriteBackFailed) as caught:
        store.write_back(
            "nba",
            results(),
            tag="algo",
            props=["pagerank", "cluster"],
            types=["double", "int"],
            mode="insert",
            batch_size=2,
        )
    text = str(caught.value)
    assert "writing rows 3-3 to tag 'algo' failed (2 row(s) were written before)" in text
    assert "Storage Error: The leader has changed." in text
    assert len(cluster.statements(kind="INSERT")) == 2


def test_bad_value_stops_before_its_batch(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: a value the property cannot hold fails its batch before it is sent."""
    table = pa.table({"vid": ["a", "b", "c"], "pr": [0.1, 0.2, float("nan")]})
    with pytest.raises(errors.TaskFailed, match=r"row 3 \(vertex 'c'\).*no nGQL literal") as caught:
        store.write_back(
            "nba", table, tag="algo", props=["pagerank"], types=["double"], mode="insert", batch_size=2
        )
    assert "(2 row(s) were written before)" not in str(caught.value)  # the failure is ours, not the cluster's
    assert len(cluster.statements(kind="INSERT")) == 1


def test_write_back_uses_the_service_account(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: writes go through the configured service account's session."""
    cluster.accounts["alice"] = "pw"
    store.with_account("alice", "pw").write_back(
        "nba",
        results(),
        tag="algo",
        props=["pagerank", "cluster"],
        types=["double", "int"],
        mode="insert",
        batch_size=5,
    )
    assert {s.user for s in cluster.sent} == {"root"}
