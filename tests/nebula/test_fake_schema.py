"""NebulaGraphStore's sessions, accounts, schema look-ups and queries, against the fake client objects.

Every test here runs against ``tests.nebula.fakes``: a fake of nebula3-python's client objects,
not of the wire protocol (what graphd would answer is only checked by ``test_integration``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphmill import errors
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.nebula import NebulaGraphStore, error_text
from tests.nebula.conftest import Clock, make_config
from tests.nebula.fakes import FakeClients, FakeCluster, IOErrorException


def test_get_space(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: schema from SHOW/DESCRIBE statements, counts from SHOW STATS, no version."""
    info = store.get_space("nba")
    assert info.name == "nba"
    assert info.vid_type == "string"
    assert info.version == 0
    assert info.create_time_ms == 1_700_000_000_000
    assert info.tags["player"] == (PropDef("name", "string"), PropDef("age", "int64"))
    assert info.tags["algo"][2] == PropDef("label", "fixed_string(20)")
    assert info.edges["knows"] == (
        PropDef("note", "string"),
        PropDef("since", "int32"),
        PropDef("w", "float"),
    )
    assert info.edges["empty"] == ()
    assert info.vertex_count == 12
    assert info.edge_counts == {"empty": 0, "follow": 11, "knows": 0, "serve": 0}
    assert cluster.statements() == [
        "SHOW SPACES",
        "DESCRIBE SPACE `nba`",
        "USE `nba`",
        "SHOW TAGS",
        "DESCRIBE TAG `algo`",
        "DESCRIBE TAG `player`",
        "DESCRIBE TAG `team`",
        "SHOW EDGES",
        "DESCRIBE EDGE `empty`",
        "DESCRIBE EDGE `follow`",
        "DESCRIBE EDGE `knows`",
        "DESCRIBE EDGE `serve`",
        "SHOW STATS",
    ]
    assert {s.user for s in cluster.sent} == {"root"}
    assert cluster.sessions_open == 0  # every session is released


def test_get_space_int_vids_without_stats(store: NebulaGraphStore) -> None:
    """Fake: INT64 vids; no stats job ever ran, so the counts are 0."""
    info = store.get_space("ints")
    assert info.vid_type == "int64"
    assert (info.vertex_count, info.edge_counts) == (0, {"link": 0})


def test_unknown_space(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: a space SHOW SPACES does not list is NotFound, and nothing is described."""
    with pytest.raises(
        errors.NotFound, match=r"space 'nope' does not exist in NebulaGraph at 10\.0\.0\.1:9669"
    ):
        store.get_space("nope")
    assert cluster.statements() == ["SHOW SPACES"]


def test_list_spaces(store: NebulaGraphStore) -> None:
    """Fake: every space, sorted by name."""
    assert [s.name for s in store.list_spaces()] == ["ints", "nba"]


def test_one_pool_reused(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: one connection pool for all calls; close() drops it and the next call makes another."""
    store.get_space("nba")
    store.get_space("ints")
    assert cluster.pools_made == 1
    store.close()
    store.get_space("nba")
    assert cluster.pools_made == 2


def test_refused_statement_is_task_failed(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: graphd's error message is carried by TaskFailed, with the statement."""
    cluster.refuse[r"^DESCRIBE TAG `player`"] = "PermissionError: No permission to read schema."
    with pytest.raises(errors.TaskFailed) as caught:
        store.get_space("nba")
    assert "refused DESCRIBE TAG `player`: PermissionError: No permission to read schema." in str(
        caught.value
    )
    assert cluster.sessions_open == 0


def test_broken_connection_is_task_failed(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: an exception from the client (a broken connection) becomes TaskFailed with its message."""
    cluster.raise_on[r"^SHOW TAGS"] = IOErrorException(IOErrorException.E_CONNECT_BROKEN, "Broken pipe")
    with pytest.raises(errors.TaskFailed, match="failed while running SHOW TAGS: Broken pipe"):
        store.get_space("nba")


def test_unreachable_graphd_is_task_failed(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: a pool that cannot be made is a TaskFailed at run time."""
    cluster.graphd_down = True
    with pytest.raises(
        errors.TaskFailed, match=r"cannot open a session on NebulaGraph at 10\.0\.0\.1:9669: .*BAD"
    ):
        store.get_space("nba")


# --- accounts -----------------------------------------------------------------------------------


def test_verify_account(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: the cluster authenticates; a refused account is False, and the session is released."""
    cluster.accounts["alice"] = "s3cret"
    assert store.verify_account("alice", "s3cret") is True
    assert store.verify_account("alice", "wrong") is False
    assert store.verify_account("mallory", "") is False
    assert cluster.sessions_open == 0


def test_verify_account_unreachable_is_bad_request(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: at login, a cluster that cannot be reached is BadRequest, not a wrong password."""
    cluster.graphd_down = True
    with pytest.raises(errors.BadRequest, match=r"cannot reach NebulaGraph at 10\.0\.0\.1:9669"):
        store.verify_account("root", "nebula")
    cluster.graphd_down = False
    store.verify_account("root", "nebula")  # the pool is made now
    cluster.graphd_down = True
    with pytest.raises(
        errors.BadRequest, match=r"cannot log in to NebulaGraph at 10\.0\.0\.1:9669: No extra connection"
    ):
        store.verify_account("root", "nebula")


def test_accounts_used_at_run_time(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: the service account when configured, else the bound (logged-in) account, else a clear failure."""
    cluster.accounts["alice"] = "pw"
    bare = NebulaGraphStore(make_config(user=None, password=None), tmp_path, clients=FakeClients(cluster))
    with pytest.raises(errors.TaskFailed, match=r"no account to use with NebulaGraph at 10\.0\.0\.1:9669"):
        bare.get_space("nba")
    bare.with_account("alice", "pw").get_space("nba")
    assert {s.user for s in cluster.sent} == {"alice"}
    cluster.sent.clear()
    service = NebulaGraphStore(make_config(), tmp_path, clients=FakeClients(cluster)).with_account(
        "alice", "pw"
    )
    service.get_space("nba")
    assert {s.user for s in cluster.sent} == {"root"}
    wrong = bare.with_account("alice", "nope")
    with pytest.raises(errors.TaskFailed, match="refused the account 'alice': Auth failed: Invalid password"):
        wrong.get_space("nba")


def test_with_account_shares_the_pool(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: a store bound to an account reuses the connection pool of the store it came from."""
    base = NebulaGraphStore(make_config(user=None, password=None), tmp_path, clients=FakeClients(cluster))
    base.with_account("root", "nebula").get_space("nba")
    base.with_account("root", "nebula").get_space("ints")
    assert cluster.pools_made == 1


def test_error_text() -> None:
    """nebula3 keeps messages in .message, sometimes as bytes, sometimes formatted from bytes."""
    from nebula3.Exception import AuthFailedException, NotValidConnectionException

    assert error_text(AuthFailedException(b"Invalid password")) == "Auth failed: Invalid password"
    assert error_text(NotValidConnectionException()) == "No extra connection"
    assert error_text(RuntimeError()) == "RuntimeError"
    assert error_text(ValueError(b"bytes \xe2\x9c\x93")) == "bytes ✓"


# --- queries --------------------------------------------------------------------------------------


def test_run_query(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: USE then the text as is, parameters as nebula Values, the result set as a table."""
    ngql = "GO FROM $start OVER follow YIELD dst(edge) AS id, properties(edge).degree AS degree"
    cluster.query_results[ngql] = (["id", "degree"], [["player101", 95], ["player102", None]])
    table = store.run_query("nba", ngql, {"start": "player100", "when": dt.date(2024, 1, 2), "n": [1, 2]})
    assert table.to_pydict() == {"id": ["player101", "player102"], "degree": [95, None]}
    use, query = cluster.sent
    assert (use.stmt, query.stmt, query.space) == ("USE `nba`", ngql, "nba")
    assert query.params is not None
    assert query.params["start"].get_sVal() == b"player100"
    assert query.params["when"].get_dVal().day == 2
    assert [v.get_iVal() for v in query.params["n"].get_lVal().values] == [1, 2]


def test_run_query_without_params(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: no parameters → None, as nebula3's own execute() sends; an empty result keeps its columns."""
    cluster.query_results["MATCH (v) RETURN v LIMIT 0"] = (["v"], [])
    table = store.run_query("nba", "MATCH (v) RETURN v LIMIT 0", {})
    assert (table.column_names, table.num_rows) == (["v"], 0)
    assert cluster.sent[-1].params is None


def test_run_query_errors(store: NebulaGraphStore, cluster: FakeCluster) -> None:
    """Fake: a refused query, an unknown space and a bad parameter are TaskFailed."""
    cluster.query_results["GO FROM"] = "SyntaxError: syntax error near `FROM'"
    with pytest.raises(errors.TaskFailed, match="refused GO FROM: SyntaxError: syntax error near `FROM'"):
        store.run_query("nba", "GO FROM", {})
    with pytest.raises(errors.TaskFailed, match="SpaceNotFound"):
        store.run_query("nope", "RETURN 1", {})
    with pytest.raises(errors.TaskFailed, match="space name 'a`b' cannot be written"):
        store.run_query("a`b", "RETURN 1", {})
    with pytest.raises(errors.TaskFailed, match="parameter name 'a-b'"):
        store.run_query("nba", "RETURN $a", {"a-b": 1})
    with pytest.raises(errors.TaskFailed, match="parameter 'x': a set cannot be passed"):
        store.run_query("nba", "RETURN $x", {"x": {1}})


def test_clock_is_the_stores(cluster: FakeCluster, tmp_path: Path) -> None:
    """Fake: create_time_ms is the look-up time."""
    clock = Clock(1234.5)
    store = NebulaGraphStore(make_config(), tmp_path, clients=FakeClients(cluster), clock=clock)
    assert store.get_space("nba").create_time_ms == 1_234_500
