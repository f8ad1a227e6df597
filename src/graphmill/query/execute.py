"""Run a query component's nGQL on the embedded store and return its result as an Arrow table."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from graphmill import errors
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.query.bind import bind
from graphmill.query.problems import QueryError
from graphmill.query.translate import CypherQuery, translate

log = logging.getLogger(__name__)


def _normalize(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """LadybugDB's INT128 sums arrive as decimals: whole ones become int64 (or float64 if too big)."""
    kind = column.type
    if pa.types.is_decimal(kind):
        if kind.scale == 0:
            try:
                return pc.cast(column, pa.int64())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
        return pc.cast(column, pa.float64(), safe=False)
    return column


def _named(table: pa.Table, names: Sequence[str]) -> pa.Table:
    columns = [_normalize(table.column(i)) for i in range(table.num_columns)]
    return pa.Table.from_arrays(columns, names=list(names))


def _execute(store: EmbeddedGraphStore, space: str, query: CypherQuery) -> pa.Table:
    try:
        with store.open_connection(space, read_only=True) as conn:
            try:
                result = conn.execute(query.text, parameters=query.parameters)
            except RuntimeError as exc:  # what LadybugDB raises for a query it cannot run
                raise errors.TaskFailed(f"the graph database could not run the query: {exc}") from exc
            if isinstance(result, list):  # several statements: never produced by translate()
                raise errors.TaskFailed("internal error: the translated query holds several statements")
            try:
                table: pa.Table = result.get_as_arrow()
            finally:
                result.close()
            return table
    except errors.GraphmillError as exc:  # the space's database is missing or cannot be opened
        raise errors.TaskFailed(exc.detail or str(exc)) from exc


def run_query(
    store: EmbeddedGraphStore,
    space: str,
    text: str,
    params: Mapping[str, object],
) -> pa.Table:
    """Run the nGQL ``text`` of a query component on ``space`` and return its result.

    ``params`` fills the ``${name}`` placeholders (see :func:`~graphmill.query.bind.bind`).
    The columns are named as nGQL names them (alias, or the expression as NebulaGraph prints
    it), whatever the task's ``graph.output`` says, as in Explorer.  The database is
    opened read-only on the space's current version.  Every failure (a query that does not
    parse or is refused, an unknown space, tag or property, an error of the database, which
    is quoted) raises :class:`graphmill.errors.TaskFailed`.
    """
    try:
        bound = bind(text, params)
        info = store.get_space(space)
        query = translate(bound, info)
    except QueryError as exc:
        raise errors.TaskFailed(f"the query cannot run: {exc.detail}") from exc
    except errors.NotFound as exc:
        raise errors.TaskFailed(exc.detail or str(exc)) from exc
    names = list(query.columns)
    if query.empty:
        return pa.Table.from_arrays([pa.nulls(0) for _ in names], names=names)
    log.debug("nGQL %r runs as Cypher %r with %r", text, query.text, query.parameters)
    table = _execute(store, space, query)
    return _named(table, names)
