"""NebulaGraphStore.edge_files: storage scans into Parquet snapshots, against the fake client objects.

Every test here runs against ``tests.nebula.fakes``: a fake of nebula3-python's client objects,
not of the wire protocol (what storaged really returns is only checked by ``test_integration``).
The scanned pages are nebula3-python's real ``EdgeResult`` objects.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill import errors
from graphmill.engine.loader import EdgeSource, load_graph
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.model import edge_schema
from graphmill.graphstore.nebula import NebulaGraphStore, scan_batch_table
from tests.nebula.conftest import Clock, make_config
from tests.nebula.fakes import FakeClients, FakeCluster, dataset


def edges_of(cluster: FakeCluster, space: str, edge: str) -> set[tuple[object, object, int]]:
    return {(e.src, e.dst, e.rank) for e in cluster.spaces[space].edge_data.get(edge, [])}


def test_weighted_snapshot(store: NebulaGraphStore, cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: every partition scanned page by page; the file has the embedded store's columns."""
    (file,) = store.edge_files("nba", ["follow"], ["degree"])
    assert (file.edge_type, file.weight_column, file.rows) == ("follow", "degree", 11)
    assert file.path.parent == tmp_path / "cache" / "10.0.0.1_9669" / "nba"
    table = pq.read_table(file.path)
    assert table.schema == pa.schema(
        [("src", pa.large_string()), ("dst", pa.large_string()), ("rank", pa.int64()), ("degree", pa.int64())]
    )
    rows = {(r["src"], r["dst"], r["rank"]): r["degree"] for r in table.to_pylist()}
    assert set(rows) == edges_of(cluster, "nba", "follow")
    assert rows[("player100", "player101", 0)] == 95
    assert rows[("player103", "player100", 1)] is None  # a null property stays null
    assert rows[("玩家110", "player100", 0)] == 50
    # One request per partition, for the weight only, no partial success, as the service account.
    assert sorted(c.part for c in cluster.scans) == [1, 2, 3]
    assert {(c.edge, tuple(c.prop_names), c.limit, c.partial_success, c.user) for c in cluster.scans} == {
        ("follow", ("degree",), 2, False, "root")
    }


def test_pages_of_every_partition_are_kept(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: with one edge per page, every page of every partition lands in the file."""
    store = NebulaGraphStore(make_config(scan_batch_size=1), tmp_path, clients=FakeClients(cluster))
    (file,) = store.edge_files("nba", ["follow"], [None])
    table = pq.read_table(file.path)
    assert table.num_rows == file.rows == 11
    assert {(r["src"], r["dst"], r["rank"]) for r in table.to_pylist()} == edges_of(cluster, "nba", "follow")
    per_part = {
        p: sum(cluster.part_of("nba", e) == p for e in cluster.spaces["nba"].edge_data["follow"])
        for p in (1, 2, 3)
    }
    assert sum(1 for n in per_part.values() if n > 1) >= 1  # the data really spans several pages somewhere


@pytest.mark.parametrize("parallel", [1, 2, 8])
def test_parallel_partitions(cluster: FakeCluster, tmp_path: Path, parallel: int) -> None:
    """Fake: partitions are shared among at most scan_partitions_parallel threads, one storage client each."""
    config = make_config(scan_partitions_parallel=parallel)
    store = NebulaGraphStore(config, tmp_path, clients=FakeClients(cluster))
    (file,) = store.edge_files("nba", ["follow"], ["degree"])
    assert file.rows == 11
    assert cluster.storage_clients_made == min(parallel, 3)
    assert sorted(c.part for c in cluster.scans) == [1, 2, 3]


def test_unweighted_rank_and_small_property(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: unweighted and _rank snapshots ask storage for one small property, never for all of them."""
    rank_file, plain_file, empty_file = store.edge_files(
        "nba", ["follow", "knows", "empty"], ["_rank", None, ""]
    )
    assert (rank_file.weight_column, plain_file.weight_column, empty_file.weight_column) == (
        "rank",
        None,
        None,
    )
    assert pq.read_table(rank_file.path).column_names == ["src", "dst", "rank"]
    assert pq.read_table(plain_file.path).to_pylist() == [{"src": "player100", "dst": "player101", "rank": 3}]
    assert empty_file.rows == 0
    assert pq.read_table(empty_file.path).num_rows == 0
    asked = {c.edge: c.prop_names for c in cluster.scans}
    assert asked == {"follow": ["degree"], "knows": ["since"], "empty": []}


def test_int_vids_and_float_weights(store: NebulaGraphStore) -> None:
    """Fake: INT64 spaces give int64 src/dst; a double weight a float64 column."""
    (file,) = store.edge_files("ints", ["link"], ["w"])
    table = pq.read_table(file.path).sort_by("src")
    assert table.schema.field("src").type == pa.int64()
    assert table.to_pydict() == {
        "src": [-7, 1, 2],
        "dst": [1, 2, 3],
        "rank": [0, 0, 0],
        "w": [None, 0.5, 1.5],
    }


def test_snapshot_feeds_the_engine_loader(store: NebulaGraphStore, tmp_path: Path) -> None:
    """Fake: the engine's loader reads a scanned snapshot like an embedded one."""
    (file,) = store.edge_files("ints", ["link"], [None])
    graph = load_graph(
        [EdgeSource(path=file.path, format="parquet", src="src", dst="dst", weight=None, has_header=True)],
        vid_type="int64",
        directed=True,
        weighted=False,
        cache_dir=None,
    )
    assert (graph.n, graph.m) == (4, 3)


def test_snapshot_reuse_and_expiry(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: a snapshot is reused for snapshot_ttl_s, rescanned after; old files go after snapshot_keep_s."""
    clock = Clock()
    config = make_config(snapshot_ttl_s=60, snapshot_keep_s=600)
    store = NebulaGraphStore(config, tmp_path, clients=FakeClients(cluster), clock=clock)
    first = store.edge_files("nba", ["follow"], ["degree"])[0]
    clock.now += 59
    assert store.edge_files("nba", ["follow"], ["degree"])[0] == first
    assert len(cluster.scans) == 3
    # Another weight is another snapshot.
    other = store.edge_files("nba", ["follow"], ["_rank"])[0]
    assert other.path != first.path
    clock.now += 2
    second = store.edge_files("nba", ["follow"], ["degree"])[0]
    assert second.path != first.path
    assert second.rows == first.rows
    assert first.path.exists()  # a job may still be reading it
    clock.now += 700
    third = store.edge_files("nba", ["follow"], ["degree"])[0]
    assert not first.path.exists()
    assert not second.path.exists()
    assert third.path.exists()
    assert other.path.exists()  # pruning is per snapshot key
    assert not [p for p in third.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_ttl_zero_always_scans(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: snapshot_ttl_s = 0 scans on every call."""
    clock = Clock()
    store = NebulaGraphStore(
        make_config(snapshot_ttl_s=0), tmp_path, clients=FakeClients(cluster), clock=clock
    )
    store.edge_files("nba", ["serve"], [None])
    clock.now += 0.001
    store.edge_files("nba", ["serve"], [None])
    assert len(cluster.scans) == 6


def test_validation_is_the_protocols(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: unknown space NotFound; unknown edge, property or non-numeric weight ParamError; no scan."""
    with pytest.raises(errors.NotFound):
        store.edge_files("nope", ["follow"], [None])
    with pytest.raises(errors.ParamError, match="edge type 'likes' does not exist in space 'nba'"):
        store.edge_files("nba", ["likes"], [None])
    with pytest.raises(errors.ParamError, match="edge type 'follow' has no property 'weight'"):
        store.edge_files("nba", ["follow"], ["weight"])
    with pytest.raises(
        errors.ParamError, match="property 'note' of edge type 'knows' is a string, not a number"
    ):
        store.edge_files("nba", ["knows"], ["note"])
    with pytest.raises(errors.ParamError, match="2 edge types but 1 weight"):
        store.edge_files("nba", ["follow", "serve"], [None])
    assert cluster.scans == []


def test_no_metad_configured(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: without metad hosts the store cannot scan and says which entry to fix."""
    store = NebulaGraphStore(make_config(metad=()), tmp_path, clients=FakeClients(cluster))
    with pytest.raises(errors.TaskFailed, match="names no metad hosts"):
        store.edge_files("nba", ["follow"], [None])


def test_metad_unreachable(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: an unreachable metad is a TaskFailed naming the hosts."""
    cluster.metad_down = True
    with pytest.raises(
        errors.TaskFailed, match=r"metad of NebulaGraph at 10.0.0.1:9669 \(10.0.0.1:9559\).*refused"
    ):
        store.edge_files("nba", ["follow"], [None])


@pytest.mark.parametrize("parallel", [1, 3])
def test_failed_partition(cluster: FakeCluster, tmp_path: Path, parallel: int) -> None:
    """Fake: a partition that fails fails the snapshot; no file (complete or partial) is left behind."""
    cluster.failing_scans.add(("nba", "follow", 2))
    store = NebulaGraphStore(
        make_config(scan_partitions_parallel=parallel), tmp_path, clients=FakeClients(cluster)
    )
    with pytest.raises(errors.TaskFailed, match=r"scanning nba\.follow partition 2 .* failed: Scan failed"):
        store.edge_files("nba", ["follow"], ["degree"])
    assert not list((tmp_path / "10.0.0.1_9669" / "nba").iterdir())
    # And the next call scans again rather than reusing anything.
    cluster.failing_scans.clear()
    assert store.edge_files("nba", ["follow"], ["degree"])[0].rows == 11


def test_scan_batch_table() -> None:
    """No fake: one scanned DataSet (real thrift classes) to a snapshot batch; NUL padding dropped."""
    schema = edge_schema("string", [PropDef("w", "double")])
    data = dataset(
        ["e._src", "e._type", "e._rank", "e._dst", "e.w"],
        [[b"a\x00\x00", 3, 0, b"b", 1.5], [b"b", 3, 2, b"c\x00", None]],
    )
    table = scan_batch_table(data, "string", PropDef("w", "double"), schema)
    assert table.to_pylist() == [
        {"src": "a", "dst": "b", "rank": 0, "w": 1.5},
        {"src": "b", "dst": "c", "rank": 2, "w": None},
    ]
    with pytest.raises(errors.TaskFailed, match="a scanned vertex id is not an int"):
        scan_batch_table(data, "int64", None, edge_schema("int64", []))
    with pytest.raises(errors.TaskFailed, match="the scan returned no column w"):
        scan_batch_table(
            dataset(["e._src", "e._rank", "e._dst"], []), "string", PropDef("w", "double"), schema
        )
    bad_weight = dataset(["e._src", "e._type", "e._rank", "e._dst", "e.w"], [[b"a", 3, 0, b"b", "x"]])
    with pytest.raises(errors.TaskFailed, match="scanned property w holds a non-numeric value"):
        scan_batch_table(bad_weight, "string", PropDef("w", "double"), schema)
