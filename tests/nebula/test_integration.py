"""NebulaGraphStore against a real NebulaGraph cluster (skipped unless one is named).

Enable with ``GRAPHMILL_TEST_NEBULA=host:port`` (a graphd) and, for the storage scans,
``GRAPHMILL_TEST_NEBULA_META=host:port`` (a metad); the account is
``GRAPHMILL_TEST_NEBULA_USER`` / ``GRAPHMILL_TEST_NEBULA_PASSWORD`` (default ``root`` /
``nebula``; it must be allowed to create and drop spaces).  The suite creates two scratch
spaces named ``graphmill_it_<random>_s`` / ``_i``, fills them with a small graph, checks
``get_space``, ``edge_files`` (the scan), ``run_query``, ``write_back`` and ``verify_account``,
then drops them.  See docs/nebula.md.

The variables are read when the module is imported: the suite's autouse fixture clears
``GRAPHMILL_*`` variables around each test.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill import errors
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.clusters import NebulaClusterConfig, parse_host_port
from graphmill.graphstore.nebula import NebulaGraphStore
from graphmill.graphstore.nebula_ngql import string_literal

GRAPHD = os.environ.get("GRAPHMILL_TEST_NEBULA", "")
METAD = os.environ.get("GRAPHMILL_TEST_NEBULA_META", "")
USER = os.environ.get("GRAPHMILL_TEST_NEBULA_USER", "root")
PASSWORD = os.environ.get("GRAPHMILL_TEST_NEBULA_PASSWORD", "nebula")

pytestmark = pytest.mark.skipif(
    not GRAPHD,
    reason="no NebulaGraph cluster: set GRAPHMILL_TEST_NEBULA=host:port (graphd) and "
    "GRAPHMILL_TEST_NEBULA_META=host:port (metad) to run this suite (see docs/nebula.md)",
)
needs_metad = pytest.mark.skipif(
    bool(GRAPHD) and not METAD, reason="storage scans need metad: set GRAPHMILL_TEST_NEBULA_META=host:port"
)

#: How long schema changes may take to reach graphd and storaged (two heartbeats by default).
SCHEMA_WAIT_S = 90.0

PLAYERS = {"p1": ("Tim", 42), "p2": ("Tony", 38), "p3": ('Ma"nu\\', 41), "p4": ("中文", 20)}
FOLLOW = [
    ("p1", "p2", 0, 95),
    ("p2", "p1", 0, 90),
    ("p2", "p3", 1, 80),
    ("p3", "p4", 0, 75),
    ("p4", "p1", 0, 60),
]
LINKS = [(1, 2, 0, 0.5), (2, 3, 0, 1.5), (3, 1, 4, 2.5), (-5, 1, 0, 3.0)]


@dataclass
class Scratch:
    store: NebulaGraphStore
    strings: str
    ints: str
    admin: Callable[[str], Any]


def _retry(stmt: str, run: Callable[[str], Any], deadline: float) -> Any:
    while True:
        result = run(stmt)
        if result.is_succeeded():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{stmt!r} kept failing: {result.error_msg()}")
        time.sleep(1.0)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    pytest.importorskip("nebula3", reason="nebula3-python (the 'nebula' extra) is not installed")
    from nebula3.Config import Config
    from nebula3.gclient.net import ConnectionPool

    graphd = parse_host_port(GRAPHD)
    config = NebulaClusterConfig(
        address=str(graphd),
        graphd=(graphd,),
        metad=(parse_host_port(METAD),) if METAD else (),
        user=USER,
        password=PASSWORD,
        scan_batch_size=2,  # several pages per partition even for this small graph
        snapshot_ttl_s=0,
    )
    pool = ConnectionPool()
    settings = Config()
    settings.timeout = 60_000
    assert pool.init([(graphd.host, graphd.port)], settings)
    session = pool.get_session(USER, PASSWORD)
    base = f"graphmill_it_{uuid.uuid4().hex[:8]}"
    strings, ints = f"{base}_s", f"{base}_i"

    def admin(stmt: str) -> Any:
        return session.execute(stmt)

    try:
        deadline = time.monotonic() + SCHEMA_WAIT_S
        _retry(
            f"CREATE SPACE IF NOT EXISTS {strings}(partition_num=3, replica_factor=1, vid_type=FIXED_STRING(32))",
            admin,
            deadline,
        )
        _retry(
            f"CREATE SPACE IF NOT EXISTS {ints}(partition_num=2, replica_factor=1, vid_type=INT64)",
            admin,
            deadline,
        )
        _retry(f"USE {strings}", admin, deadline)
        _retry(
            "CREATE TAG IF NOT EXISTS player(name string, age int); "
            "CREATE TAG IF NOT EXISTS algo(pr double, cluster int, label string); "
            "CREATE EDGE IF NOT EXISTS follow(degree int, note string)",
            admin,
            deadline,
        )
        _retry(f"USE {ints}", admin, deadline)
        _retry(
            "CREATE TAG IF NOT EXISTS algo(pr double); CREATE EDGE IF NOT EXISTS link(w double)",
            admin,
            deadline,
        )
        # Inserting fails until the new schema has reached graphd and storaged: retry until then.
        players = ", ".join(f'"{v}":({string_literal(n)}, {a})' for v, (n, a) in PLAYERS.items())
        _retry(f"USE {strings}; INSERT VERTEX player(name, age) VALUES {players}", admin, deadline)
        follows = ", ".join(f'"{s}"->"{d}"@{r}:({w}, "n")' for s, d, r, w in FOLLOW)
        _retry(f"USE {strings}; INSERT EDGE follow(degree, note) VALUES {follows}", admin, deadline)
        links = ", ".join(f"{s}->{d}@{r}:({w})" for s, d, r, w in LINKS)
        _retry(f"USE {ints}; INSERT EDGE link(w) VALUES {links}", admin, deadline)
        store = NebulaGraphStore(config, tmp_path_factory.mktemp("nebula-cache"))
        yield Scratch(store, strings, ints, admin)
        store.close()
    finally:
        for space in (strings, ints):
            admin(f"DROP SPACE IF EXISTS {space}")
        session.release()
        pool.close()


def test_get_space(scratch: Scratch) -> None:
    info = scratch.store.get_space(scratch.strings)
    assert info.vid_type == "string"
    assert info.tags["player"] == (PropDef("name", "string"), PropDef("age", "int64"))
    assert info.edges["follow"] == (PropDef("degree", "int64"), PropDef("note", "string"))
    assert scratch.store.get_space(scratch.ints).vid_type == "int64"
    assert {scratch.strings, scratch.ints} <= {s.name for s in scratch.store.list_spaces()}
    with pytest.raises(errors.NotFound):
        scratch.store.get_space(scratch.strings + "_missing")


@needs_metad
def test_edge_files_scan(scratch: Scratch) -> None:
    weighted, ranked = scratch.store.edge_files(scratch.strings, ["follow", "follow"], ["degree", "_rank"])
    table = pq.read_table(weighted.path)
    assert weighted.rows == len(FOLLOW) == table.num_rows
    assert sorted((r["src"], r["dst"], r["rank"], r["degree"]) for r in table.to_pylist()) == sorted(FOLLOW)
    assert pq.read_table(ranked.path).column_names == ["src", "dst", "rank"]
    (links,) = scratch.store.edge_files(scratch.ints, ["link"], ["w"])
    rows = pq.read_table(links.path).to_pylist()
    assert sorted((r["src"], r["dst"], r["rank"], r["w"]) for r in rows) == sorted(LINKS)


def test_run_query(scratch: Scratch) -> None:
    store, space = scratch.store, scratch.strings
    table = store.run_query(
        space,
        "MATCH (v)-[e:follow]->(d) WHERE id(v) == $start RETURN id(d) AS dst, e.degree AS degree, e AS e",
        {"start": "p2"},
    )
    rows = sorted(table.to_pylist(), key=lambda r: r["dst"])
    assert [(r["dst"], r["degree"]) for r in rows] == [("p1", 90), ("p3", 80)]
    assert rows[1]["e"] == 'follow "p2"->"p3"@1'
    fetched = store.run_query(space, 'FETCH PROP ON player "p3" YIELD vertex AS v, player.name AS name', {})
    assert fetched.to_pylist() == [{"v": "p3", "name": 'Ma"nu\\'}]
    typed = store.run_query(
        space,
        "RETURN $i AS i, $f AS f, $b AS b, $n AS n, $l AS l",
        {
            "i": 7,
            "f": 0.5,
            "b": True,
            "n": None,
            "l": [1, "x"],
        },
    )
    assert typed.to_pylist() == [{"i": 7, "f": 0.5, "b": True, "n": None, "l": '[1, "x"]'}]
    with pytest.raises(errors.TaskFailed, match="SyntaxError"):
        store.run_query(space, "GO FROM FROM", {})


def test_write_back(scratch: Scratch) -> None:
    store, space = scratch.store, scratch.strings
    results = pa.table({"vid": ["p1", "p2", 'we"ird\\id'], "pr": [0.5, 0.25, 1e-05], "cluster": [1, 1, 2]})
    assert (
        store.write_back(
            space,
            results,
            tag="algo",
            props=["pr", "cluster"],
            types=["double", "int"],
            mode="insert",
            batch_size=2,
        )
        == 3
    )
    fetched = store.run_query(
        space,
        'FETCH PROP ON algo "p1", "p2", "we\\"ird\\\\id" YIELD id(vertex) AS vid, algo.pr AS pr, algo.cluster AS c',
        {},
    )
    assert sorted(fetched.to_pylist(), key=lambda r: r["vid"]) == [
        {"vid": "p1", "pr": 0.5, "c": 1},
        {"vid": "p2", "pr": 0.25, "c": 1},
        {"vid": 'we"ird\\id', "pr": 1e-05, "c": 2},
    ]
    # update: p4 has no algo tag, so it is skipped (and does not get one).
    labels = pa.table({"vid": ["p1", "p4", "p2"], "label": ["a'b\n\"c", "x", "中文"]})
    written = store.write_back(
        space, labels, tag="algo", props=["label"], types=["string"], mode="update", batch_size=2
    )
    assert written == 2
    fetched = store.run_query(
        space,
        'FETCH PROP ON algo "p1", "p2", "p4" YIELD id(vertex) AS vid, algo.label AS l, algo.pr AS pr',
        {},
    )
    assert sorted(fetched.to_pylist(), key=lambda r: r["vid"]) == [
        {"vid": "p1", "l": "a'b\n\"c", "pr": 0.5},  # update keeps the other properties
        {"vid": "p2", "l": "中文", "pr": 0.25},
    ]
    with pytest.raises(errors.TaskFailed, match="tag 'ranking' does not exist"):
        store.write_back(
            space,
            results,
            tag="ranking",
            props=["pr", "cluster"],
            types=["double", "int"],
            mode="insert",
            batch_size=2,
        )
    ints = pa.table({"vid": pa.array([1, 2], pa.int64()), "pr": [0.1, 0.2]})
    assert (
        store.write_back(
            scratch.ints, ints, tag="algo", props=["pr"], types=["double"], mode="insert", batch_size=10
        )
        == 2
    )


def test_verify_account(scratch: Scratch) -> None:
    assert scratch.store.verify_account(USER, PASSWORD) is True
    assert scratch.store.verify_account(USER, PASSWORD + "-wrong") is False
    assert scratch.store.verify_account(USER + "-nobody", PASSWORD) is False
    # Refused logins must not use up the connection pool (max_connections = 10 by default).
    # This is the suite's last test: a cluster that locks accounts after failed logins
    # (graphd's failed_login_attempts) would lock the account here.
    for _ in range(11):
        assert scratch.store.verify_account(USER, PASSWORD + "-wrong") is False
    assert scratch.store.verify_account(USER, PASSWORD) is True
