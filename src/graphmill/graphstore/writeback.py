"""Writing task results back into a space of the embedded store, as tag properties.

The semantics of NebulaGraph Analytics' ``nebula`` sink (``nebula.conf``: ``--tag``,
``--prop``, ``--type``, ``--mode``, ``--write_batch_size``): the result's first column is
the vertex id, the next columns are the properties in ``props`` order.

- ``mode="insert"``: every result vertex gets the tag (a row in the tag's table), with
  the properties set; an existing row is overwritten, as NebulaGraph's INSERT does.
- ``mode="update"``: only vertices that already carry the tag are changed.

Nothing is created unless asked: a missing tag or property is an error naming it, unless
``create=True`` (graphmill's extension for the embedded store, where there is no DDL
console), which creates the tag table or adds the properties with the given types.
A later query reads them as ``v.<tag>.<prop>`` (``MATCH (v:player) WHERE
v.pagerank.value > 0.3``): a vertex carries the tag beside its other tags.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from graphmill import errors
from graphmill.formats.names import backquote
from graphmill.formats.writeback import WriteBackRequest
from graphmill.graphstore.base import PropDef, SpaceInfo
from graphmill.graphstore.model import check_name
from graphmill.graphstore.nebula_types import (
    arrow_type,
    ladybug_type,
    normalize_type,
    vid_arrow_type,
    vid_ladybug_type,
)


class _WritableStore(Protocol):
    """What writing back needs of the embedded store (which calls this module: no import back)."""

    def get_space(self, name: str) -> SpaceInfo: ...

    def update_schema(self, info: SpaceInfo) -> None: ...

    def open_connection(self, space: str, *, read_only: bool = False) -> AbstractContextManager[Any]: ...


#: How long a writer waits for readers (query tasks) to release the database file.
LOCK_WAIT_S = 30.0


def write_rows(store: _WritableStore, space: str, table: pa.Table, request: WriteBackRequest) -> int:
    """Write ``table`` (vid column first) into ``request.tag`` of ``space``; returns the rows written."""
    tag, props, types, mode, batch_size, create = request
    info = store.get_space(space)
    if mode not in ("insert", "update"):
        raise errors.ParamError(f"mode must be insert or update, not {mode!r}")
    if not props:
        raise errors.ParamError("the sink names no property (prop)")
    if table.num_columns < 1 + len(props):
        raise errors.ParamError(
            f"the result has {table.num_columns - 1} value column(s) for {len(props)} properties ({', '.join(props)})"
        )
    if batch_size < 1:
        raise errors.ParamError("write_batch_size must be at least 1")
    check_name("tag", tag)
    wanted = [PropDef(p, normalize_type(t)) for p, t in zip(props, _types_for(props, types), strict=True)]
    existing = {p.name: p for p in info.tags.get(tag, ())}
    missing = [p for p in wanted if p.name not in existing]
    if tag not in info.tags and not create:
        raise errors.ParamError(f"space {space!r} has no tag {tag!r}; create it first, or set create: true")
    if missing and tag in info.tags and not create:
        raise errors.ParamError(
            f"tag {tag!r} has no propert{'y' if len(missing) == 1 else 'ies'} "
            f"{', '.join(p.name for p in missing)}; add them first, or set create: true"
        )
    values = [
        pc.cast(table.column(i + 1), arrow_type(existing.get(p.name, p).type)) for i, p in enumerate(wanted)
    ]
    vids = pc.cast(table.column(0), vid_arrow_type(info.vid_type))
    rows = 0
    with _open_for_writing(store, space) as conn:
        if tag not in info.tags:
            columns = ", ".join(f"{backquote(p.name)} {ladybug_type(p.type)}" for p in wanted)
            conn.execute(
                f"CREATE NODE TABLE {backquote(tag)}(vid {vid_ladybug_type(info.vid_type)} PRIMARY KEY, {columns})"
            )
        else:
            for p in missing:
                conn.execute(f"ALTER TABLE {backquote(tag)} ADD {backquote(p.name)} {ladybug_type(p.type)}")
        sets = ", ".join(f"t.{backquote(p.name)} = r.p{i}" for i, p in enumerate(wanted))
        head = "MERGE" if mode == "insert" else "MATCH"
        statement = f"UNWIND $rows AS r {head} (t:{backquote(tag)} {{vid: r.vid}}) SET {sets}"
        if mode == "update":
            statement += " RETURN count(t)"
        for start in range(0, table.num_rows, batch_size):
            end = min(start + batch_size, table.num_rows)
            vid_batch = vids.slice(start, end - start).to_pylist()
            col_batches = [c.slice(start, end - start).to_pylist() for c in values]
            batch = [
                {"vid": vid, **{f"p{i}": col[k] for i, col in enumerate(col_batches)}}
                for k, vid in enumerate(vid_batch)
            ]
            result = conn.execute(statement, parameters={"rows": batch})
            if mode == "update":
                got = result.get_as_arrow().column(0).to_pylist()
                rows += int(got[0]) if got else 0
            else:
                rows += len(batch)
            result.close()
    tags = dict(info.tags)
    tags[tag] = tuple(existing.values()) + tuple(missing)
    store.update_schema(dataclasses.replace(info, tags=tags))
    return rows


def _types_for(props: Sequence[str], types: Sequence[str]) -> list[str]:
    if not types:
        return ["double"] * len(props)
    if len(types) != len(props):
        raise errors.ParamError(f"type names {len(types)} types for {len(props)} properties")
    return list(types)


@contextlib.contextmanager
def _open_for_writing(store: _WritableStore, space: str) -> Iterator[Any]:
    """A read-write connection, waiting while query tasks hold the database file open."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        stack = contextlib.ExitStack()
        try:
            conn = stack.enter_context(store.open_connection(space))
        except errors.DatabaseError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
            continue
        with stack:
            yield conn
        return
