"""The store of one NebulaGraph cluster: sessions, schema, edge files, write-back and queries."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, cast

import pyarrow as pa

from graphmill import errors
from graphmill.formats.placeholders import fill_placeholders
from graphmill.formats.writeback import WriteBackRequest
from graphmill.graphstore.base import EdgeFile, GraphStore, PropDef, SpaceInfo
from graphmill.graphstore.clusters import NebulaClusterConfig
from graphmill.graphstore.model import edge_requests
from graphmill.graphstore.nebula.client import (
    Nebula3Clients,
    NebulaClients,
    _Pool,
    error_text,
    quote_statement,
    where,
)
from graphmill.graphstore.nebula.scan import EdgeSnapshots, ScanTarget, props_to_scan
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
from graphmill.graphstore.nebula_values import cell, result_table, to_nebula_value

log = logging.getLogger(__name__)

_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NebulaGraphStore(GraphStore):
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
        self._clients: NebulaClients = (
            clients or cast(NebulaClients | None, config.clients) or Nebula3Clients()
        )
        self._clock = clock
        self._pool = _Pool(config, self._clients)
        self._edge_snapshots = EdgeSnapshots(config, cache_dir, self._clients, clock, self._runtime_account)

    def with_account(self, user: str, password: str) -> NebulaGraphStore:
        """The same store (same connection pool) acting for ``user`` when no service account is set."""
        other = NebulaGraphStore(
            self.config, self.cache_dir, account=(user, password), clients=self._clients, clock=self._clock
        )
        other._pool = self._pool
        other._edge_snapshots = EdgeSnapshots(
            self.config, self.cache_dir, self._clients, self._clock, other._runtime_account
        )
        return other

    def close(self) -> None:
        """Close the connections to graphd (the store reopens them if used again)."""
        self._pool.close()

    # --- sessions -------------------------------------------------------------------------

    def _where(self) -> str:
        return where(self.config)

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
                f"{self._where()} failed while running {quote_statement(stmt)}: {error_text(exc)}"
            ) from exc
        if not result.is_succeeded():
            raise errors.TaskFailed(f"{self._where()} refused {quote_statement(stmt)}: {result.error_msg()}")
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
        targets: list[tuple[ScanTarget, str | None]] = []
        for request in edge_requests(info, edge_types, weight_props):
            scanned = props_to_scan(info.edges[request.edge_type], request.weight_prop)
            target = ScanTarget(space, request.edge_type, info.vid_type, request.weight_prop, scanned)
            targets.append((target, request.column))
        return self._edge_snapshots.files(targets)

    def write_rows(self, space: str, table: pa.Table, request: WriteBackRequest) -> int:
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
        batches were written says how many rows already were.  ``create`` is ignored: a
        cluster's schema is its administrators' (graphmill creates nothing there).
        """
        tag, props, types, mode, batch_size, _ = request  # create: never on a cluster
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
        """Run ``ngql`` in ``space``: ``${name}`` placeholders filled, other ``params`` bound to ``$name``.

        The ``${name}`` placeholders of a query component are written into the text as literals
        (:func:`~graphmill.formats.placeholders.fill_placeholders`); the remaining ``params``
        go as nGQL parameters (``$name``).  The result set becomes an Arrow table with
        NebulaGraph's column names (conversions in :mod:`graphmill.graphstore.nebula_values`).
        """
        try:
            text, used = fill_placeholders(ngql, params)
        except ValueError as exc:
            raise errors.TaskFailed(f"the query cannot run: {exc}") from None
        values: dict[str, Any] = {}
        for name, value in params.items():
            if name in used:
                continue
            if not _PARAM_NAME.fullmatch(name):
                raise errors.TaskFailed(f"parameter name {name!r} is not a valid nGQL parameter name")
            values[name] = to_nebula_value(value, name=name)
        with self._session() as session:
            self._use(session, space)
            result = self._execute(session, text, values or None)
            keys = result.keys()  # the column names (a ResultSet is not a dict)
            names = [str(k) for k in keys]
            return result_table(names, [row.values for row in result.rows()])
