"""A NebulaGraph cluster as a graph store, through nebula3-python (the optional extra ``nebula``).

:class:`NebulaGraphStore` implements :class:`~graphmill.graphstore.base.GraphStore` for one
configured cluster (:class:`~graphmill.graphstore.sources.NebulaClusterConfig`) and adds
:meth:`~NebulaGraphStore.write_back` and :meth:`~NebulaGraphStore.run_query`.

Accounts
    Logging in (:meth:`~NebulaGraphStore.verify_account`) opens a graphd session with the
    user's own account: the cluster authenticates.  Everything else runs with the entry's
    service account (``user``/``password``) when it names one, else with the account the
    store was bound to (``account=`` or :meth:`~NebulaGraphStore.with_account`), else fails.

Schema (:meth:`~NebulaGraphStore.get_space`)
    ``SHOW SPACES``, ``DESCRIBE SPACE`` (``Vid Type``), ``SHOW TAGS``/``SHOW EDGES`` and
    ``DESCRIBE TAG``/``DESCRIBE EDGE``.  Counts come from ``SHOW STATS``, i.e. from the last
    ``SUBMIT JOB STATS`` someone ran (graphmill never submits jobs); without one they are 0.
    A remote space has no data version: ``version`` is always 0 and ``create_time_ms`` is the
    time of the look-up.

Edge snapshots (:meth:`~NebulaGraphStore.edge_files`)
    Read with the storage scan API (metad's partition map, then ``scan_edge_with_part`` per
    partition, ``scan_partitions_parallel`` partitions at a time, ``scan_batch_size`` edges per
    request, no partial success) and written batch by batch to a Parquet file with the
    embedded store's columns: ``src``, ``dst``, ``rank`` and the weight property.  Files live
    under ``<cache_dir>/<host>_<port>/<space>/`` named ``<edge>-<key>-<scan ms>.parquet``, the key
    hashing (space, edge type, weight, vid type, weight type).  **Caching rule**: a snapshot is
    reused for ``snapshot_ttl_s`` seconds after its scan started (0: every call scans); older
    snapshots of the same key are deleted when a new one is written, once they are
    ``snapshot_keep_s`` old, so that a job reading an older file is not pulled from under.

Writing back (:meth:`~NebulaGraphStore.write_back`)
    Results become tag properties of the source space, by ``INSERT VERTEX`` (one statement per
    batch) or ``UPDATE VERTEX`` (one statement per row, a batch per request, only for the
    vertices a ``FETCH`` finds carrying the tag); see :mod:`graphmill.graphstore.nebula_ngql`
    for the literals.  The tag and the properties must exist: graphmill creates nothing.

Errors
    What the cluster refuses or fails at, and a cluster that cannot be reached, raise
    :class:`graphmill.errors.TaskFailed` (or :class:`graphmill.errors.BadRequest` while
    logging in) quoting NebulaGraph's message.  An unknown space is ``NotFound``; an unknown
    edge type or weight property asked of :meth:`~NebulaGraphStore.edge_files` is ``ParamError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from graphmill import errors
from graphmill.graphstore.base import EdgeFile, PropDef, SpaceInfo, VidType
from graphmill.graphstore.model import RANK_PROPERTY, edge_schema
from graphmill.graphstore.nebula_ngql import (
    batch_text,
    canonical_type,
    check_write_back,
    fetch_ids_statement,
    is_quotable_name,
    prop_family,
    quote_name,
    render_rows,
    vid_type_of,
)
from graphmill.graphstore.nebula_types import is_numeric
from graphmill.graphstore.nebula_values import FVAL, IVAL, SVAL, cell, result_table, to_nebula_value
from graphmill.graphstore.sources import NebulaClusterConfig

log = logging.getLogger(__name__)

#: How much of a statement an error message quotes.
_QUOTE_LIMIT = 300
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SNAPSHOT_NAME = re.compile(r"(?P<edge>.+)-(?P<key>[0-9a-f]{16})-(?P<ms>[0-9]+)\.parquet")


class NebulaClientMissing(RuntimeError):
    """nebula3-python is not installed."""


class NebulaClients(Protocol):
    """Makes the nebula3-python objects the store uses; tests substitute fakes."""

    def connection_pool(self, config: NebulaClusterConfig) -> Any:
        """An initialised ``nebula3.gclient.net.ConnectionPool`` on ``config.graphd``."""
        ...

    def open_session(self, pool: Any, user: str, password: str) -> Any:
        """A graphd ``Session`` of ``user`` from ``pool``; raises when refused or unreachable."""
        ...

    def meta_cache(self, config: NebulaClusterConfig) -> Any:
        """A ``nebula3.mclient.MetaCache`` on ``config.metad``."""
        ...

    def storage_client(self, config: NebulaClusterConfig, meta_cache: Any) -> Any:
        """A ``nebula3.sclient.GraphStorageClient`` (one per scanning thread: not thread-safe)."""
        ...

    def is_auth_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` is graphd refusing the account (not a failure to reach it)."""
        ...


def _nebula3() -> SimpleNamespace:
    """The nebula3-python classes the store uses, imported on first use."""
    try:
        from nebula3.Config import Config  # type: ignore[import-untyped]
        from nebula3.Exception import (  # type: ignore[import-untyped]
            AuthFailedException,
            NotValidConnectionException,
        )
        from nebula3.gclient.net import ConnectionPool, Session  # type: ignore[import-untyped]
        from nebula3.mclient import MetaCache  # type: ignore[import-untyped]
        from nebula3.sclient.GraphStorageClient import GraphStorageClient  # type: ignore[import-untyped]
    except ImportError as exc:
        raise _missing(exc) from exc
    return SimpleNamespace(
        Config=Config,
        AuthFailedException=AuthFailedException,
        NotValidConnectionException=NotValidConnectionException,
        ConnectionPool=ConnectionPool,
        Session=Session,
        MetaCache=MetaCache,
        GraphStorageClient=GraphStorageClient,
    )


class Nebula3Clients:
    """The real nebula3-python objects, imported when first needed."""

    def connection_pool(self, config: NebulaClusterConfig) -> Any:
        nebula3 = _nebula3()
        settings = nebula3.Config()
        settings.timeout = config.timeout_ms
        settings.max_connection_pool_size = config.max_connections
        pool = nebula3.ConnectionPool()
        if not pool.init([(h.host, h.port) for h in config.graphd], settings):
            raise RuntimeError("the connection pool did not initialise")
        return pool

    def open_session(self, pool: Any, user: str, password: str) -> Any:
        # ConnectionPool.get_session leaves the pool's connection marked as in use when graphd
        # refuses the account (nebula3-python 3.8), so that a few wrong passwords exhaust the
        # pool: authenticate on a connection of our own choosing and hand it back on failure.
        nebula3 = _nebula3()
        connection = pool.get_connection()
        if connection is None:
            raise nebula3.NotValidConnectionException()
        try:
            auth = connection.authenticate(user, password)
        except BaseException:
            connection.is_used = False
            raise
        return nebula3.Session(connection, auth, pool)

    def meta_cache(self, config: NebulaClusterConfig) -> Any:
        return _nebula3().MetaCache([(h.host, h.port) for h in config.metad], config.timeout_ms)

    def storage_client(self, config: NebulaClusterConfig, meta_cache: Any) -> Any:
        return _nebula3().GraphStorageClient(meta_cache, time_out=config.timeout_ms)

    def is_auth_failure(self, exc: BaseException) -> bool:
        try:
            return isinstance(exc, _nebula3().AuthFailedException)
        except NebulaClientMissing:
            return False


def _missing(exc: ImportError) -> NebulaClientMissing:
    return NebulaClientMissing(
        f"nebula3-python is not installed ({exc}): install graphmill with the 'nebula' extra, "
        "or pip install 'nebula3-python>=3.8,<4'"
    )


def error_text(exc: BaseException) -> str:
    """The message of an exception from nebula3-python (which keeps it in ``.message``, often as bytes)."""
    message: object = getattr(exc, "message", None) or (exc.args[0] if exc.args else "")
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    text = str(message).strip()
    if text.startswith("Auth failed: b'") and text.endswith("'"):  # nebula3 formats bytes with str()
        text = "Auth failed: " + text[len("Auth failed: b'") : -1]
    return text or type(exc).__name__


def _quote(text: str) -> str:
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + " …"


def _fs_name(name: str) -> str:
    """A file-name-safe form of a name or address (readable when it already is)."""
    if re.fullmatch(r"[A-Za-z0-9_.]+", name):
        return name
    return "x" + name.encode("utf-8").hex()


class _Pool:
    """One connection pool per process, made on first use (a forked child makes its own)."""

    def __init__(self, config: NebulaClusterConfig, clients: NebulaClients) -> None:
        self._config = config
        self._clients = clients
        self._lock = threading.Lock()
        self._pool: Any = None
        self._pid = 0

    def get(self) -> Any:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = self._clients.connection_pool(self._config)
                self._pid = os.getpid()
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                pool.close()


@dataclass(frozen=True)
class _ScanTarget:
    space: str
    edge_type: str
    vid_type: VidType
    #: The property written as the weight column, or None (``_rank`` is the ``rank`` column).
    weight_prop: PropDef | None
    #: Properties asked of storage (see :func:`_scan_props`).
    scan_props: tuple[str, ...]


class NebulaGraphStore:
    """The :class:`~graphmill.graphstore.base.GraphStore` of one NebulaGraph cluster (module docstring)."""

    def __init__(
        self,
        config: NebulaClusterConfig,
        cache_dir: Path,
        *,
        account: tuple[str, str] | None = None,
        clients: NebulaClients | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.cache_dir = cache_dir
        self._account = account
        self._clients: NebulaClients = clients or Nebula3Clients()
        self._clock = clock
        self._pool = _Pool(config, self._clients)

    def with_account(self, user: str, password: str) -> NebulaGraphStore:
        """The same store (same connection pool) acting for ``user`` when no service account is set."""
        other = NebulaGraphStore(
            self.config, self.cache_dir, account=(user, password), clients=self._clients, clock=self._clock
        )
        other._pool = self._pool
        return other

    def close(self) -> None:
        """Close the connections to graphd (the store reopens them if used again)."""
        self._pool.close()

    # --- sessions -------------------------------------------------------------------------

    def _where(self) -> str:
        return f"NebulaGraph at {self.config.address}"

    def _runtime_account(self) -> tuple[str, str]:
        account = self.config.service_account or self._account
        if account is None:
            raise errors.TaskFailed(
                f"no account to use with {self._where()}: give its [[nebula]] entry a user and "
                "password, or run the work as a logged-in user"
            )
        return account

    @contextmanager
    def _session(self) -> Iterator[Any]:
        user, password = self._runtime_account()
        try:
            session = self._clients.open_session(self._pool.get(), user, password)
        except Exception as exc:
            if self._clients.is_auth_failure(exc):
                raise errors.TaskFailed(
                    f"{self._where()} refused the account '{user}': {error_text(exc)}"
                ) from exc
            raise errors.TaskFailed(f"cannot open a session on {self._where()}: {error_text(exc)}") from exc
        try:
            yield session
        finally:
            with contextlib.suppress(Exception):
                session.release()

    def _execute(self, session: Any, stmt: str, params: dict[str, Any] | None = None) -> Any:
        try:
            result = session.execute_parameter(stmt, params)
        except Exception as exc:
            raise errors.TaskFailed(
                f"{self._where()} failed while running {_quote(stmt)}: {error_text(exc)}"
            ) from exc
        if not result.is_succeeded():
            raise errors.TaskFailed(f"{self._where()} refused {_quote(stmt)}: {result.error_msg()}")
        return result

    def _rows(self, session: Any, stmt: str) -> list[dict[str, object]]:
        """The result of ``stmt`` as dicts keyed by lower-cased column names."""
        result = self._execute(session, stmt)
        keys = result.keys()  # the column names (a ResultSet is not a dict)
        names = [str(k).lower() for k in keys]
        return [dict(zip(names, (cell(v) for v in row.values), strict=True)) for row in result.rows()]

    def _use(self, session: Any, space: str) -> None:
        try:
            quoted = quote_name("space", space)
        except ValueError as exc:
            raise errors.TaskFailed(str(exc)) from None
        self._execute(session, f"USE {quoted}")

    # --- accounts ---------------------------------------------------------------------------

    def verify_account(self, user: str, password: str) -> bool:
        """Whether graphd accepts ``user``/``password``; BadRequest when it cannot be asked."""
        try:
            pool = self._pool.get()
        except Exception as exc:
            raise errors.BadRequest(f"cannot reach {self._where()}: {error_text(exc)}") from exc
        try:
            session = self._clients.open_session(pool, user, password)
        except Exception as exc:
            if self._clients.is_auth_failure(exc):
                log.info("%s refused user %r: %s", self._where(), user, error_text(exc))
                return False
            raise errors.BadRequest(f"cannot log in to {self._where()}: {error_text(exc)}") from exc
        with contextlib.suppress(Exception):
            session.release()
        return True

    # --- schema -------------------------------------------------------------------------------

    def list_spaces(self) -> list[SpaceInfo]:
        with self._session() as session:
            names = sorted(self._space_names(session))
            for name in names:
                if not is_quotable_name(name):
                    log.warning("%s: skipping space %r, whose name nGQL cannot quote", self._where(), name)
            return [self._describe(session, name) for name in names if is_quotable_name(name)]

    def get_space(self, name: str) -> SpaceInfo:
        with self._session() as session:
            if name not in self._space_names(session):
                raise errors.NotFound(f"space '{name}' does not exist in {self._where()}")
            return self._describe(session, name)

    def _space_names(self, session: Any) -> list[str]:
        return [str(row["name"]) for row in self._rows(session, "SHOW SPACES")]

    def _describe(self, session: Any, name: str) -> SpaceInfo:
        if not is_quotable_name(name):
            raise errors.TaskFailed(f"space name {name!r} cannot be written in nGQL")
        described = self._rows(session, f"DESCRIBE SPACE {quote_name('space', name)}")
        if not described or "vid type" not in described[0]:
            raise errors.TaskFailed(f"{self._where()}: DESCRIBE SPACE {name} gave no 'Vid Type'")
        try:
            vid_type = vid_type_of(str(described[0]["vid type"]))
        except ValueError as exc:
            raise errors.TaskFailed(f"{self._where()}: space '{name}': {exc}") from None
        self._use(session, name)
        tags = self._schemas(session, "TAG")
        edges = self._schemas(session, "EDGE")
        vertex_count, edge_counts = self._stats(session)
        return SpaceInfo(
            name=name,
            vid_type=vid_type,
            version=0,
            tags=tags,
            edges=edges,
            vertex_count=vertex_count,
            edge_counts={e: edge_counts.get(e, 0) for e in edges},
            create_time_ms=int(self._clock() * 1000),
        )

    def _schemas(self, session: Any, kind: Literal["TAG", "EDGE"]) -> dict[str, tuple[PropDef, ...]]:
        schemas: dict[str, tuple[PropDef, ...]] = {}
        for row in self._rows(session, f"SHOW {kind}S"):
            name = str(row["name"])
            if not is_quotable_name(name):
                log.warning("%s: skipping %s %r, whose name nGQL cannot quote", self._where(), kind, name)
                continue
            fields = self._rows(session, f"DESCRIBE {kind} {quote_name(kind.lower(), name)}")
            schemas[name] = tuple(PropDef(str(f["field"]), canonical_type(str(f["type"]))) for f in fields)
        return schemas

    def _stats(self, session: Any) -> tuple[int, dict[str, int]]:
        try:
            rows = self._rows(session, "SHOW STATS")
        except errors.TaskFailed as exc:
            log.info("no statistics for the space (%s): counts are reported as 0", exc)
            return 0, {}
        vertices = 0
        edges: dict[str, int] = {}
        for row in rows:
            kind, name, count = str(row.get("type", "")).lower(), str(row.get("name", "")), row.get("count")
            if not isinstance(count, int):
                continue
            if kind == "edge":
                edges[name] = count
            elif kind == "space" and name == "vertices":
                vertices = count
        return vertices, edges

    # --- edge snapshots -----------------------------------------------------------------------

    def edge_files(
        self, space: str, edge_types: Sequence[str], weight_props: Sequence[str | None]
    ) -> list[EdgeFile]:
        info = self.get_space(space)
        if len(weight_props) != len(edge_types):
            raise errors.ParamError(
                f"{len(edge_types)} edge types but {len(weight_props)} weight properties: "
                "give one per edge type"
            )
        targets: list[tuple[_ScanTarget, str | None]] = []
        for edge_type, weight in zip(edge_types, weight_props, strict=True):
            if edge_type not in info.edges:
                raise errors.ParamError(f"edge type '{edge_type}' does not exist in space '{space}'")
            props = {p.name: p.type for p in info.edges[edge_type]}
            weight_prop: PropDef | None = None
            column: str | None = None
            if weight == RANK_PROPERTY:
                column = "rank"
            elif weight:
                if weight not in props:
                    raise errors.ParamError(f"edge type '{edge_type}' has no property '{weight}'")
                if not is_numeric(props[weight]):
                    raise errors.ParamError(
                        f"property '{weight}' of edge type '{edge_type}' is a {props[weight]}, not a number"
                    )
                weight_prop = PropDef(weight, props[weight])
                column = weight
            target = _ScanTarget(
                space, edge_type, info.vid_type, weight_prop, _scan_props(info.edges[edge_type], weight_prop)
            )
            targets.append((target, column))

        files: list[EdgeFile] = []
        meta: Any = None
        try:
            for target, column in targets:
                cached = self._cached_snapshot(target)
                if cached is not None:
                    path, rows = cached
                else:
                    if meta is None:
                        meta = self._meta_cache()
                    path, rows = self._snapshot(meta, target)
                files.append(EdgeFile(target.edge_type, path, column, rows))
        finally:
            if meta is not None:
                with contextlib.suppress(Exception):
                    meta.close()
        return files

    def _snapshot_dir(self, target: _ScanTarget) -> Path:
        # host:port → host_port (the port being digits, the last '_' splits them unambiguously).
        address = _fs_name(self.config.address.replace(":", "_"))
        return self.cache_dir / address / _fs_name(target.space)

    def _snapshot_key(self, target: _ScanTarget) -> str:
        weight = target.weight_prop
        identity = [target.space, target.edge_type, target.vid_type, weight and [weight.name, weight.type]]
        return hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()[:16]

    def _snapshots(self, target: _ScanTarget) -> list[tuple[int, Path]]:
        """This target's complete snapshot files as (scan start ms, path), newest first."""
        folder = self._snapshot_dir(target)
        key, edge = self._snapshot_key(target), _fs_name(target.edge_type)
        found: list[tuple[int, Path]] = []
        with contextlib.suppress(FileNotFoundError):
            for path in folder.iterdir():
                match = _SNAPSHOT_NAME.fullmatch(path.name)
                if match and match["key"] == key and match["edge"] == edge:
                    found.append((int(match["ms"]), path))
        return sorted(found, reverse=True)

    def _cached_snapshot(self, target: _ScanTarget) -> tuple[Path, int] | None:
        ttl_ms = self.config.snapshot_ttl_s * 1000
        now_ms = self._clock() * 1000
        for started_ms, path in self._snapshots(target):
            if now_ms - started_ms < ttl_ms:
                try:
                    return path, pq.read_metadata(path).num_rows
                except (OSError, pa.ArrowException):
                    continue
        return None

    def _prune(self, target: _ScanTarget, keep: Path) -> None:
        oldest_ms = (self._clock() - self.config.snapshot_keep_s) * 1000
        for started_ms, path in self._snapshots(target):
            if path != keep and started_ms < oldest_ms:
                try:
                    path.unlink()
                except OSError as exc:
                    log.warning("could not delete old snapshot %s: %s", path, exc)

    def _meta_cache(self) -> Any:
        if not self.config.metad:
            raise errors.TaskFailed(
                f"cannot scan edges of {self._where()}: its [[nebula]] entry names no metad hosts"
            )
        try:
            return self._clients.meta_cache(self.config)
        except Exception as exc:
            hosts = ", ".join(str(h) for h in self.config.metad)
            raise errors.TaskFailed(
                f"cannot reach the metad of {self._where()} ({hosts}): {error_text(exc)}"
            ) from exc

    def _snapshot(self, meta: Any, target: _ScanTarget) -> tuple[Path, int]:
        started_ms = int(self._clock() * 1000)
        folder = self._snapshot_dir(target)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{_fs_name(target.edge_type)}-{self._snapshot_key(target)}-{started_ms}.parquet"
        final = folder / name
        partial = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            rows = self._scan_to(meta, target, partial)
            os.replace(partial, final)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        log.info(
            "%s: scanned %d edges of %s.%s into %s",
            self._where(),
            rows,
            target.space,
            target.edge_type,
            final,
        )
        self._prune(target, final)
        return final, rows

    def _scan_to(self, meta: Any, target: _ScanTarget, path: Path) -> int:
        """Scan every partition of the edge type into the Parquet file ``path``; the row count."""
        try:
            parts = sorted(meta.get_part_leaders(target.space))
        except Exception as exc:
            raise errors.TaskFailed(
                f"metad of {self._where()} has no partitions for space '{target.space}': {error_text(exc)}"
            ) from exc
        schema = edge_schema(target.vid_type, [target.weight_prop] if target.weight_prop else [])
        pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        for part in parts:
            pending.put(part)
        stop = threading.Event()
        lock = threading.Lock()
        written = [0]
        user, password = self._runtime_account()

        def scan_parts(writer: pq.ParquetWriter) -> None:
            try:
                client = self._clients.storage_client(self.config, meta)
            except Exception as exc:
                raise errors.TaskFailed(
                    f"cannot reach the storaged hosts of {self._where()}: {error_text(exc)}"
                ) from exc
            try:
                client.set_user_passwd(user, password)
                while not stop.is_set():
                    try:
                        part = pending.get_nowait()
                    except queue.Empty:
                        return
                    self._scan_part(client, target, part, schema, writer, lock, written, stop)
            finally:
                with contextlib.suppress(Exception):
                    client.close()

        workers = max(1, min(self.config.scan_partitions_parallel, len(parts)))
        with pq.ParquetWriter(path, schema) as writer, ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(scan_parts, writer) for _ in range(workers)]
            wait(futures, return_when=FIRST_EXCEPTION)
            stop.set()  # a failure stops the other threads at their next batch
            wait(futures)
            for future in futures:
                error = future.exception()
                if error is not None:
                    raise error
        return written[0]

    def _scan_part(
        self,
        client: Any,
        target: _ScanTarget,
        part: int,
        schema: pa.Schema,
        writer: pq.ParquetWriter,
        lock: threading.Lock,
        written: list[int],
        stop: threading.Event,
    ) -> None:
        what = f"scanning {target.space}.{target.edge_type} partition {part} on {self._where()}"
        try:
            result = client.scan_edge_with_part(
                target.space,
                part,
                target.edge_type,
                prop_names=list(target.scan_props),
                limit=self.config.scan_batch_size,
                partial_success=False,
            )
            while not stop.is_set() and result.has_next():
                batch = result.next()
                data = batch.get_data_set() if batch is not None else None
                if data is None or not data.rows:
                    continue
                table = scan_batch_table(data, target.vid_type, target.weight_prop, schema)
                with lock:
                    writer.write_table(table)
                    written[0] += table.num_rows
        except errors.TaskFailed as exc:
            raise errors.TaskFailed(f"{what}: {exc}") from exc
        except Exception as exc:
            raise errors.TaskFailed(f"{what} failed: {error_text(exc)}") from exc

    # --- write-back -----------------------------------------------------------------------------

    def write_back(
        self,
        space: str,
        table: pa.Table,
        *,
        tag: str,
        props: Sequence[str],
        types: Sequence[str],
        mode: Literal["insert", "update"] = "insert",
        batch_size: int = 1000,
    ) -> int:
        """Write ``table`` as properties ``props`` of ``tag`` in ``space``; the number of vertices written.

        The table's first column is the vertex id; its next columns, in order, are the values
        of ``props`` (further columns are ignored).  ``types`` are the types the caller
        declares (nebula.conf's ``--type``; empty: no check): each must be of the same kind
        (integer, floating point, string, bool, …) as the type the tag declares, which is the
        one the literals are written for.  ``insert`` writes every row (one ``INSERT VERTEX``
        per batch); ``update`` changes only the vertices that already carry the tag (a
        ``FETCH`` per batch finds them, then one ``UPDATE VERTEX`` per row, a request per
        batch) and skips the others, as the embedded store does.  The tag, its properties and
        every value of a batch are checked before the batch is sent; a failure after some
        batches were written says how many rows already were.
        """
        if mode not in ("insert", "update"):
            raise errors.TaskFailed(f"write mode must be 'insert' or 'update', not {mode!r}")
        if batch_size < 1:
            raise errors.TaskFailed(f"the write batch size must be at least 1, not {batch_size}")
        if types and len(props) != len(types):
            raise errors.TaskFailed(f"{len(props)} properties ({', '.join(props)}) but {len(types)} types")
        check_write_back(table, tag=tag, props=props)
        with self._session() as session:
            names = self._space_names(session)
            if space not in names:
                raise errors.TaskFailed(f"space '{space}' does not exist in {self._where()}")
            described = self._rows(session, f"DESCRIBE SPACE {quote_name('space', space)}")
            try:
                vid_type = vid_type_of(str(described[0]["vid type"]))
            except (IndexError, KeyError, ValueError) as exc:
                raise errors.TaskFailed(
                    f"{self._where()}: cannot tell the vid type of '{space}': {exc}"
                ) from None
            self._use(session, space)
            tag_types = self._tag_types(session, space, tag, props, types)
            done = skipped = 0
            for rows in render_rows(
                table, tag=tag, props=props, prop_types=tag_types, vid_type=vid_type, batch_size=batch_size
            ):
                what = f"rows {rows[0].row + 1}-{rows[-1].row + 1}"
                try:
                    if mode == "update":
                        fetched = self._execute(session, fetch_ids_statement(tag, [r.vid_text for r in rows]))
                        carrying = {cell(row.values[0]) for row in fetched.rows()}
                        kept = [r for r in rows if r.vid in carrying]
                        skipped += len(rows) - len(kept)
                        rows = kept
                    if rows:
                        self._execute(session, batch_text(tag, props, rows, mode))
                except errors.TaskFailed as exc:
                    raise errors.TaskFailed(
                        f"writing {what} to tag '{tag}' failed ({done} row(s) were written before): {exc}"
                    ) from exc
                done += len(rows)
            log.info(
                "%s: wrote %d vertices to %s.%s (%s; %d without the tag skipped)",
                self._where(),
                done,
                space,
                tag,
                mode,
                skipped,
            )
            return done

    def _tag_types(
        self, session: Any, space: str, tag: str, props: Sequence[str], types: Sequence[str]
    ) -> list[str]:
        """The tag's types for ``props``, checked against the declared ``types``."""
        tags = [str(row["name"]) for row in self._rows(session, "SHOW TAGS")]
        if tag not in tags:
            wanted = ", ".join(f"{p} {t}" for p, t in zip(props, types or ["…"] * len(props), strict=True))
            raise errors.TaskFailed(
                f"tag '{tag}' does not exist in space '{space}': create it (with properties {wanted}) "
                "before writing results"
            )
        fields = self._rows(session, f"DESCRIBE TAG {quote_name('tag', tag)}")
        actual = {str(f["field"]): canonical_type(str(f["type"])) for f in fields}
        missing = [p for p in props if p not in actual]
        if missing:
            raise errors.TaskFailed(
                f"tag '{tag}' of space '{space}' has no propert{'y' if len(missing) == 1 else 'ies'} "
                f"{', '.join(missing)} (it has: {', '.join(actual) or 'none'}); add "
                f"{'it' if len(missing) == 1 else 'them'} before writing results"
            )
        result = [actual[prop] for prop in props]
        for prop, declared, have in zip(props, types, result, strict=False):
            if prop_family(declared) != prop_family(have):
                raise errors.TaskFailed(
                    f"property '{prop}' of tag '{tag}' has type {have}, but the results are declared "
                    f"{canonical_type(declared)}"
                )
        return result

    # --- queries --------------------------------------------------------------------------------

    def run_query(self, space: str, ngql: str, params: Mapping[str, object]) -> pa.Table:
        """Run ``ngql`` as is in ``space``, with ``params`` bound to ``$name`` parameters.

        The result set becomes an Arrow table with NebulaGraph's column names (conversions in
        :mod:`graphmill.graphstore.nebula_values`).
        """
        values: dict[str, Any] = {}
        for name, value in params.items():
            if not _PARAM_NAME.fullmatch(name):
                raise errors.TaskFailed(f"parameter name {name!r} is not a valid nGQL parameter name")
            values[name] = to_nebula_value(value, name=name)
        with self._session() as session:
            self._use(session, space)
            result = self._execute(session, ngql, values or None)
            keys = result.keys()  # the column names (a ResultSet is not a dict)
            names = [str(k) for k in keys]
            return result_table(names, [row.values for row in result.rows()])


def _scan_props(props: Sequence[PropDef], weight: PropDef | None) -> tuple[str, ...]:
    """What to ask storage for: the weight, or one small property (an empty list means *all*)."""
    if weight is not None:
        return (weight.name,)
    if not props:
        return ()
    for prop in props:
        if prop_family(prop.type) in {"int", "float", "bool"}:
            return (prop.name,)
    return (props[0].name,)


def scan_batch_table(data: Any, vid_type: VidType, weight: PropDef | None, schema: pa.Schema) -> pa.Table:
    """One scanned ``DataSet`` (columns ``edge._src``, ``edge._type``, ``edge._rank``, ``edge._dst``,
    ``edge.<prop>`` …) as a table of ``schema`` (``src``, ``dst``, ``rank`` [, weight])."""
    index: dict[str, int] = {}
    for i, raw in enumerate(data.column_names):
        name = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        index.setdefault(name.split(".", 1)[-1], i)
    wanted = ["_src", "_dst", "_rank"] + ([weight.name] if weight else [])
    absent = [c for c in wanted if c not in index]
    if absent:
        raise errors.TaskFailed(f"the scan returned no column {', '.join(absent)}")
    rows = data.rows
    isrc, idst, irank = index["_src"], index["_dst"], index["_rank"]
    vid_field = IVAL if vid_type == "int64" else SVAL
    try:
        src = _vids([r.values[isrc] for r in rows], vid_field)
        dst = _vids([r.values[idst] for r in rows], vid_field)
        columns = [
            pa.array(src, schema.field("src").type),
            pa.array(dst, schema.field("dst").type),
            pa.array([_number(r.values[irank], "_rank") for r in rows], pa.int64()),
        ]
        if weight is not None:
            iw = index[weight.name]
            columns.append(
                pa.array([_number(r.values[iw], weight.name) for r in rows], schema.field(weight.name).type)
            )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise errors.TaskFailed(f"scanned values do not fit the snapshot: {exc}") from exc
    return pa.Table.from_arrays(columns, schema=schema)


def _vids(values: list[Any], field: int) -> list[int | str]:
    out: list[int | str] = []
    for value in values:
        if value.field != field:
            raise errors.TaskFailed(f"a scanned vertex id is not {'an int' if field == IVAL else 'a string'}")
        if field == IVAL:
            out.append(value.value)
        else:
            raw = value.value
            try:
                # FIXED_STRING vids are padded with NUL bytes in storage: never part of an id.
                out.append(
                    raw.rstrip(b"\x00").decode("utf-8") if isinstance(raw, bytes) else raw.rstrip("\x00")
                )
            except UnicodeDecodeError:
                raise errors.TaskFailed(f"scanned vertex id {value.value!r} is not UTF-8 text") from None
    return out


def _number(value: Any, name: str) -> int | float | None:
    if value.field in (IVAL, FVAL):
        return value.value  # type: ignore[no-any-return]
    if value.field in (0, 1):  # empty, null
        return None
    raise errors.TaskFailed(f"scanned property {name} holds a non-numeric value")


__all__ = [
    "Nebula3Clients",
    "NebulaClientMissing",
    "NebulaClients",
    "NebulaGraphStore",
    "error_text",
    "scan_batch_table",
]
