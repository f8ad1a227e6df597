"""A small in-process fake of nebula3-python's client objects, not of the wire protocol.

What is faked: ``ConnectionPool`` (``get_session``, ``close``), ``Session``
(``execute_parameter``, ``release``), ``MetaCache`` (``get_part_leaders``, ``close``) and
``GraphStorageClient`` (``scan_edge_with_part``, ``set_user_passwd``, ``close``) with the
``ScanResult`` it returns (``has_next``, ``next``).  They answer from an in-memory
:class:`FakeCluster` and record what they were sent.

What is real: every value the fakes hand back is built from nebula3-python's own classes — the
thrift ``Value``/``DataSet``/``Row``/``ExecutionResponse`` wrapped in the real ``ResultSet``,
the real ``EdgeResult`` for scans, the real ``AuthFailedException`` — so the store's reading
of results is exercised against the library's actual data structures.

What the fake does *not* know: nGQL.  It recognises the few schema statements the store sends
(``SHOW SPACES``, ``DESCRIBE SPACE``, ``USE``, ``SHOW TAGS``/``EDGES``, ``DESCRIBE TAG``/``EDGE``,
``SHOW STATS``, ``FETCH PROP ON tag … YIELD id(vertex) AS vid``) by pattern; everything else (``INSERT``, ``UPDATE``, queries) is only recorded
and answered from :attr:`FakeCluster.query_results` or with an empty success.  Whether
NebulaGraph accepts the text, and what a real scan returns, only the integration suite checks.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from graphmill.graphstore.clusters import NebulaClusterConfig

try:
    from nebula3.common import ttypes
    from nebula3.common.ttypes import ErrorCode
    from nebula3.data.ResultSet import ResultSet
    from nebula3.Exception import AuthFailedException, IOErrorException, NotValidConnectionException
    from nebula3.graph.ttypes import ExecutionResponse
    from nebula3.sclient.ScanResult import EdgeResult
except ImportError:  # every module importing the fakes is skipped, with this reason
    pytest.skip(
        "nebula3-python is not installed (pip install 'nebula3-python>=3.8,<4', the 'nebula' extra)",
        allow_module_level=True,
    )

__all__ = ["AuthFailedException", "IOErrorException", "NotValidConnectionException", "ttypes"]


def value(x: object) -> ttypes.Value:
    """A real thrift ``Value`` for a plain Python value (test data only)."""
    if x is None:
        return ttypes.Value(nVal=ttypes.NullType.__NULL__)
    if isinstance(x, ttypes.Value):
        return x
    if isinstance(x, bool):
        return ttypes.Value(bVal=x)
    if isinstance(x, int):
        return ttypes.Value(iVal=x)
    if isinstance(x, float):
        return ttypes.Value(fVal=x)
    if isinstance(x, str):
        return ttypes.Value(sVal=x.encode())
    if isinstance(x, bytes):
        return ttypes.Value(sVal=x)
    raise TypeError(x)


def dataset(columns: Sequence[str | bytes], rows: Sequence[Sequence[object]]) -> ttypes.DataSet:
    names = [c if isinstance(c, bytes) else c.encode() for c in columns]
    return ttypes.DataSet(column_names=names, rows=[ttypes.Row(values=[value(x) for x in r]) for r in rows])


def result_set(
    columns: Sequence[str] = (), rows: Sequence[Sequence[object]] = (), *, error: str | None = None
) -> ResultSet:
    if error is not None:
        resp = ExecutionResponse(
            error_code=ErrorCode.E_EXECUTION_ERROR, error_msg=error.encode(), latency_in_us=0
        )
    else:
        resp = ExecutionResponse(error_code=ErrorCode.SUCCEEDED, data=dataset(columns, rows), latency_in_us=0)
    return ResultSet(resp, all_latency=0)


@dataclass
class FakeEdge:
    src: object
    dst: object
    rank: int = 0
    props: dict[str, object] = field(default_factory=dict)


@dataclass
class FakeSpace:
    #: As DESCRIBE SPACE prints it: ``FIXED_STRING(32)`` or ``INT64``.
    vid_type: str = "FIXED_STRING(32)"
    tags: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    edges: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    edge_data: dict[str, list[FakeEdge]] = field(default_factory=dict)
    #: SHOW STATS rows (Type, Name, Count); None: the statement fails as without a stats job.
    stats: list[tuple[str, str, int]] | None = None
    partitions: int = 3
    #: Per tag, the vids that carry it (what FETCH PROP ON finds).
    tagged: dict[str, set[object]] = field(default_factory=dict)


@dataclass
class Sent:
    user: str
    stmt: str
    params: dict[str, Any] | None
    space: str | None


@dataclass
class ScanCall:
    space: str
    part: int
    edge: str
    prop_names: list[str]
    limit: int
    partial_success: bool
    user: str


class FakeCluster:
    """The state the fakes answer from, and the log of what they were asked."""

    def __init__(self) -> None:
        self.accounts: dict[str, str] = {"root": "nebula"}
        self.spaces: dict[str, FakeSpace] = {}
        #: statement text → result (columns, rows) or an error message (str).
        self.query_results: dict[str, tuple[list[str], list[list[object]]] | str] = {}
        #: regex → error message, for any statement that matches.
        self.refuse: dict[str, str] = {}
        #: regex → exception raised by execute_parameter (a broken connection, say).
        self.raise_on: dict[str, Exception] = {}
        self.graphd_down = False
        self.metad_down = False
        #: (space, edge, part) whose scan fails.
        self.failing_scans: set[tuple[str, str, int]] = set()
        self.sent: list[Sent] = []
        self.scans: list[ScanCall] = []
        self.pools_made = 0
        self.sessions_open = 0
        self.storage_clients_made = 0

    def statements(self, *, kind: str | None = None) -> list[str]:
        return [s.stmt for s in self.sent if kind is None or s.stmt.upper().startswith(kind.upper())]

    # --- graphd -----------------------------------------------------------------------------

    def answer(self, session: FakeSession, stmt: str, params: dict[str, Any] | None) -> ResultSet:
        self.sent.append(Sent(session.user, stmt, params, session.space))
        for pattern, exc in self.raise_on.items():
            if re.search(pattern, stmt):
                raise exc
        for pattern, message in self.refuse.items():
            if re.search(pattern, stmt):
                return result_set(error=message)
        text = stmt.strip()
        if text == "SHOW SPACES":
            return result_set(["Name"], [[name] for name in sorted(self.spaces)])
        m = re.fullmatch(r"DESCRIBE SPACE `([^`]+)`", text)
        if m:
            space = self.spaces.get(m[1])
            if space is None:
                return result_set(error=f"SpaceNotFound: SpaceName `{m[1]}`")
            return result_set(
                ["ID", "Name", "Partition Number", "Replica Factor", "Charset", "Collate", "Vid Type"],
                [[1, m[1], space.partitions, 1, "utf8", "utf8_bin", space.vid_type]],
            )
        m = re.fullmatch(r"USE `([^`]+)`", text)
        if m:
            if m[1] not in self.spaces:
                return result_set(error=f"SpaceNotFound: SpaceName `{m[1]}`")
            session.space = m[1]
            return result_set()
        m = re.fullmatch(r"SHOW (TAGS|EDGES)", text)
        if m:
            if session.space is None:
                return result_set(error="SemanticError: Space was not chosen.")
            schemas = self._schemas(session.space, m[1])
            return result_set(["Name"], [[n] for n in sorted(schemas)])
        m = re.fullmatch(r"DESCRIBE (TAG|EDGE) `([^`]+)`", text)
        if m:
            if session.space is None:
                return result_set(error="SemanticError: Space was not chosen.")
            fields = self._schemas(session.space, m[1] + "S").get(m[2])
            if fields is None:
                return result_set(error=f"{m[1].title()}NotFound: {m[2]}")
            return result_set(
                ["Field", "Type", "Null", "Default", "Comment"],
                [[f, t, "YES", None, None] for f, t in fields],
            )
        m = re.fullmatch(r"FETCH PROP ON `([^`]+)` (.+) YIELD id\(vertex\) AS vid", text, flags=re.S)
        if m:
            if session.space is None:
                return result_set(error="SemanticError: Space was not chosen.")
            wanted = _vid_literals(m[2])
            carrying = self.spaces[session.space].tagged.get(m[1], set())
            return result_set(["vid"], [[v] for v in wanted if v in carrying])
        if text == "SHOW STATS":
            stats = self.spaces[session.space].stats if session.space else None
            if stats is None:
                return result_set(error="There is no any stats info to show.")
            return result_set(["Type", "Name", "Count"], [list(r) for r in stats])
        scripted = self.query_results.get(text)
        if isinstance(scripted, str):
            return result_set(error=scripted)
        if scripted is not None:
            return result_set(*scripted)
        return result_set()

    def _schemas(self, space: str, kind: str) -> dict[str, list[tuple[str, str]]]:
        return self.spaces[space].tags if kind == "TAGS" else self.spaces[space].edges

    # --- storaged -----------------------------------------------------------------------------

    def part_of(self, space: str, edge: FakeEdge) -> int:
        """Edges are spread over partitions 1..n by their source, like NebulaGraph does (by hash)."""
        return zlib.crc32(str(edge.src).encode()) % self.spaces[space].partitions + 1


def _vid_literals(text: str) -> list[object]:
    """The vids of a comma-separated list of nGQL literals (strings or integers)."""
    from graphmill.formats.ngql_strings import unescape

    found: list[object] = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(-?\d+)', text):
        found.append(unescape(m[1]) if m[1] is not None else int(m[2]))
    return found


class FakeSession:
    def __init__(self, cluster: FakeCluster, user: str) -> None:
        self.cluster = cluster
        self.user = user
        self.space: str | None = None
        self.released = False
        cluster.sessions_open += 1

    def execute_parameter(self, stmt: str, params: dict[str, Any] | None) -> ResultSet:
        assert not self.released, "statement sent on a released session"
        return self.cluster.answer(self, stmt, params)

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.cluster.sessions_open -= 1


class FakePool:
    def __init__(self, cluster: FakeCluster) -> None:
        self.cluster = cluster
        self.closed = False

    def get_session(self, user: str, password: str) -> FakeSession:
        if self.cluster.graphd_down:
            raise NotValidConnectionException()
        if self.cluster.accounts.get(user) != password:
            raise AuthFailedException(b"Invalid password")  # graphd's message arrives as bytes
        return FakeSession(self.cluster, user)

    def close(self) -> None:
        self.closed = True


class FakeMetaCache:
    def __init__(self, cluster: FakeCluster) -> None:
        self.cluster = cluster
        self.closed = False

    def get_part_leaders(self, space: str) -> dict[int, ttypes.HostAddr]:
        if space not in self.cluster.spaces:
            raise RuntimeError(f"Space:{space} not found")
        n = self.cluster.spaces[space].partitions
        return {p: ttypes.HostAddr(host=f"storaged{p % 2}", port=9779) for p in range(1, n + 1)}

    def close(self) -> None:
        self.closed = True


class FakeScanResult:
    """Pages of ``limit`` edges of one partition, each page a real ``EdgeResult``."""

    def __init__(self, pages: list[EdgeResult], fail: bool) -> None:
        self._pages = pages
        self._fail = fail
        self._first = True

    def has_next(self) -> bool:
        return self._first or bool(self._pages)

    def next(self) -> EdgeResult | None:
        self._first = False
        if self._fail:
            raise RuntimeError("Scan failed: Query storage: storaged0:9779, part id: 2 failed: -3")
        return self._pages.pop(0) if self._pages else None


class FakeStorageClient:
    def __init__(self, cluster: FakeCluster, meta: FakeMetaCache) -> None:
        self.cluster = cluster
        self.meta = meta
        self.user = ""
        self.closed = False
        cluster.storage_clients_made += 1

    def set_user_passwd(self, user: str, password: str) -> None:
        self.user = user

    def scan_edge_with_part(
        self,
        space_name: str,
        part: int,
        edge_name: str,
        prop_names: list[str] | None = None,
        limit: int = 1000,
        partial_success: bool = False,
        **_: object,
    ) -> FakeScanResult:
        props = list(prop_names or [])
        self.cluster.scans.append(
            ScanCall(space_name, part, edge_name, props, limit, partial_success, self.user)
        )
        space = self.cluster.spaces[space_name]
        if not props:  # nebula3: an empty list asks for every property
            props = [name for name, _ in space.edges[edge_name]]
        columns = [f"{edge_name}.{c}" for c in ("_src", "_type", "_rank", "_dst", *props)]
        edges = [e for e in space.edge_data.get(edge_name, []) if self.cluster.part_of(space_name, e) == part]
        rows = [[e.src, 7, e.rank, e.dst, *(e.props.get(p) for p in props)] for e in edges]
        pages = [EdgeResult([dataset(columns, rows[i : i + limit])]) for i in range(0, len(rows), limit)]
        return FakeScanResult(pages, (space_name, edge_name, part) in self.cluster.failing_scans)

    def close(self) -> None:
        self.closed = True


class FakeClients:
    """Stands in for ``Nebula3Clients``: hands out the fakes above."""

    def __init__(self, cluster: FakeCluster) -> None:
        self.cluster = cluster
        self.pool: FakePool | None = None

    def connection_pool(self, config: NebulaClusterConfig) -> FakePool:
        if self.cluster.graphd_down:
            raise RuntimeError("The services status exception: {('10.0.0.1', 9669): 'BAD'}")
        self.cluster.pools_made += 1
        self.pool = FakePool(self.cluster)
        return self.pool

    def open_session(self, pool: FakePool, user: str, password: str) -> FakeSession:
        return pool.get_session(user, password)

    def meta_cache(self, config: NebulaClusterConfig) -> FakeMetaCache:
        if self.cluster.metad_down:
            raise IOErrorException(IOErrorException.E_CONNECT_BROKEN, "Connection refused")
        return FakeMetaCache(self.cluster)

    def storage_client(self, config: NebulaClusterConfig, meta_cache: Any) -> FakeStorageClient:
        return FakeStorageClient(self.cluster, meta_cache)

    def is_auth_failure(self, exc: BaseException) -> bool:
        return isinstance(exc, AuthFailedException)
