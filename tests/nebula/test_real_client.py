"""The real nebula3-python client where no cluster is needed: failing to reach one.

Only loopback is contacted, on port 1, where nothing listens: the connection is refused at
once.  This checks that the store maps the exceptions nebula3-python really raises.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graphmill import errors
from graphmill.graphstore.clusters import NebulaClusterConfig, parse_host_port
from graphmill.graphstore.nebula import Nebula3Clients, NebulaGraphStore

try:
    import nebula3  # noqa: F401
except ImportError:
    pytest.skip("nebula3-python is not installed (the 'nebula' extra)", allow_module_level=True)

CLOSED = "127.0.0.1:1"


def closed_config() -> NebulaClusterConfig:
    host = parse_host_port(CLOSED)
    return NebulaClusterConfig(address=CLOSED, graphd=(host,), metad=(host,), user="root", timeout_ms=1000)


def test_login_to_an_unreachable_cluster_is_bad_request(tmp_path: Path) -> None:
    store = NebulaGraphStore(closed_config(), tmp_path)
    with pytest.raises(errors.BadRequest, match=f"cannot reach NebulaGraph at {CLOSED}"):
        store.verify_account("root", "nebula")


def test_work_on_an_unreachable_cluster_is_task_failed(tmp_path: Path) -> None:
    store = NebulaGraphStore(closed_config(), tmp_path)
    with pytest.raises(errors.TaskFailed, match=f"cannot open a session on NebulaGraph at {CLOSED}"):
        store.get_space("nba")


def test_unreachable_metad_is_task_failed(tmp_path: Path) -> None:
    store = NebulaGraphStore(closed_config(), tmp_path)
    with pytest.raises(errors.TaskFailed, match=f"cannot reach the metad of NebulaGraph at {CLOSED}"):
        store._edge_snapshots._meta_cache()


def test_auth_failure_is_recognised() -> None:
    from nebula3.Exception import AuthFailedException, IOErrorException

    clients = Nebula3Clients()
    assert clients.is_auth_failure(AuthFailedException(b"Invalid password"))
    assert not clients.is_auth_failure(IOErrorException(IOErrorException.E_CONNECT_BROKEN, "x"))


class StubConnection:
    """Stands in for nebula3's ``Connection`` (a fake: graphd's answer to authenticate is scripted)."""

    def __init__(self, accept: bool) -> None:
        self.accept = accept
        self.is_used = True  # as the pool hands it out
        self.signed_out: list[int] = []

    def authenticate(self, user: str, password: str) -> object:
        from nebula3.Exception import AuthFailedException
        from nebula3.gclient.net import AuthResult

        if not self.accept:
            raise AuthFailedException(b"Invalid password")
        return AuthResult(42, 0, b"UTC")

    def signout(self, session_id: int) -> None:
        self.signed_out.append(session_id)


def test_open_session_hands_back_a_refused_connection() -> None:
    """Real ConnectionPool and Session, stub connection: a refused login does not keep the connection."""
    from nebula3.Exception import AuthFailedException, NotValidConnectionException
    from nebula3.gclient.net import ConnectionPool

    pool = ConnectionPool()
    refused = StubConnection(accept=False)
    pool.get_connection = lambda: refused
    with pytest.raises(AuthFailedException):
        Nebula3Clients().open_session(pool, "root", "wrong")
    assert refused.is_used is False

    accepted = StubConnection(accept=True)
    pool.get_connection = lambda: accepted
    session = Nebula3Clients().open_session(pool, "root", "nebula")
    assert accepted.is_used is True
    session.release()
    assert (accepted.is_used, accepted.signed_out) == (False, [42])

    pool.get_connection = lambda: None
    with pytest.raises(NotValidConnectionException):
        Nebula3Clients().open_session(pool, "root", "nebula")
