"""The in-memory result of an import, common to the nGQL and the CSV importer.

A :class:`SpaceData` holds the schema and one Arrow table per tag (``vid`` + properties) and
per edge type (``src``, ``dst``, ``rank`` + properties), deduplicated the NebulaGraph way:
a later write of the same vertex (vid, tag) or edge (src, dst, rank) replaces the earlier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphmill import errors
from graphmill.formats.names import schema_name_problem
from graphmill.formats.vid import VidType
from graphmill.graphstore.base import PropDef, SpaceInfo
from graphmill.graphstore.nebula_types import arrow_type, is_numeric, vid_arrow_type

#: The LadybugDB node table that holds edge endpoints carrying no tag.
UNTAGGED_TABLE = "_vertex"
#: Snapshot columns of edge files, besides the properties.
EDGE_KEY_COLUMNS = ("src", "dst", "rank")
#: The LadybugDB rel-table property holding the edge rank.
RANK_PROPERTY = "_rank"
_RESERVED_EDGE_PROPS = frozenset({*EDGE_KEY_COLUMNS, RANK_PROPERTY})
_RESERVED_TAG_PROPS = frozenset({"vid"})
_MAX_NAME = 128


def check_name(kind: str, name: str) -> str:
    """``name`` if it can name a ``kind``.

    A space is a folder of the store and a part of URLs: a plain identifier (letters, digits,
    ``_``; not a digit first).  Tags, edge types and properties take what NebulaGraph takes
    back-quoted: spaces, non-ASCII letters, punctuation (see
    :func:`~graphmill.formats.names.schema_name_problem`).
    """
    if kind == "space":
        if not (0 < len(name) <= _MAX_NAME and name.isascii() and name.isidentifier()):
            raise errors.ParamError(
                f"invalid {kind} name {name!r}: use letters, digits and '_' (not starting with a digit)"
            )
        return name
    problem = schema_name_problem(name)
    if problem is not None:
        raise errors.ParamError(f"invalid {kind} name {name!r}: {problem}")
    return name


def check_schema(tags: dict[str, tuple[PropDef, ...]], edges: dict[str, tuple[PropDef, ...]]) -> None:
    """Refuse names the storage layout cannot represent.

    LadybugDB compares table and column names ignoring case, so names that differ only in
    case clash here although NebulaGraph would allow them.
    """
    owners = {UNTAGGED_TABLE: "a table reserved by graphmill"}
    for kind, schemas, reserved in (
        ("tag", tags, _RESERVED_TAG_PROPS),
        ("edge", edges, _RESERVED_EDGE_PROPS),
    ):
        for name, props in schemas.items():
            check_name(kind, name)
            owner = owners.get(name.lower())
            if owner is not None:
                raise errors.ParamError(
                    f"{kind} name {name!r} clashes with {owner} (names are compared ignoring case)"
                )
            owners[name.lower()] = f"{kind} {name!r}"
            seen: set[str] = set()
            for prop in props:
                check_name("property", prop.name)
                if prop.name.lower() in reserved:
                    raise errors.ParamError(
                        f"property name {prop.name!r} of {kind} {name!r} is reserved by graphmill"
                    )
                if prop.name.lower() in seen:
                    raise errors.ParamError(
                        f"{kind} {name!r} declares property {prop.name!r} twice "
                        "(names are compared ignoring case)"
                    )
                seen.add(prop.name.lower())


def vertex_schema(vid_type: VidType, props: Sequence[PropDef]) -> pa.Schema:
    """Columns of a tag's table: ``vid`` then the properties."""
    return pa.schema(
        [pa.field("vid", vid_arrow_type(vid_type))] + [pa.field(p.name, arrow_type(p.type)) for p in props]
    )


def edge_schema(vid_type: VidType, props: Sequence[PropDef]) -> pa.Schema:
    """Columns of an edge type's table: ``src``, ``dst``, ``rank`` then the properties."""
    vid = vid_arrow_type(vid_type)
    return pa.schema(
        [
            pa.field("src", vid),
            pa.field("dst", vid),
            pa.field("rank", pa.int64()),
        ]
        + [pa.field(p.name, arrow_type(p.type)) for p in props]
    )


def resolve_writes(table: pa.Table, keys: Sequence[str], keep_existing: pa.Array | None = None) -> pa.Table:
    """One row per key, as NebulaGraph would leave it after applying the rows in order.

    A row replaces any earlier row with its key, unless its ``keep_existing`` flag is set
    (``INSERT … IF NOT EXISTS``) and an earlier row exists.  Survivors keep their order.
    """
    if table.num_rows < 2:
        return table
    numbered = table.select(list(keys)).append_column(
        "__row", pa.array(np.arange(table.num_rows, dtype=np.int64))
    )
    if keep_existing is not None and pc.any(keep_existing).as_py():
        numbered = numbered.append_column("__keep", keep_existing)
        first = numbered.group_by(list(keys), use_threads=False).aggregate([("__row", "min")])
        joined = numbered.join(first, list(keys), use_threads=False)
        numbered = joined.filter(
            pc.or_(pc.invert(joined["__keep"]), pc.equal(joined["__row"], joined["__row_min"]))
        )
    last = numbered.group_by(list(keys), use_threads=False).aggregate([("__row", "max")])
    if last.num_rows == table.num_rows:
        return table
    keep = np.sort(last["__row_max"].to_numpy())
    return table.take(pa.array(keep))


class TableBuilder:
    """Collects rows column by column, turning every ``batch_rows`` rows into a record batch.

    :meth:`finish` applies NebulaGraph's write semantics on ``keys`` (see :func:`resolve_writes`).
    """

    def __init__(self, schema: pa.Schema, keys: Sequence[str], batch_rows: int = 65536) -> None:
        self.schema = schema
        self.keys = tuple(keys)
        self._batch_rows = batch_rows
        self._columns: list[list[Any]] = [[] for _ in schema]
        self._keep: list[bool] = []
        self._batches: list[pa.RecordBatch] = []
        self._keep_chunks: list[pa.Array] = []

    def append(self, row: Sequence[Any], *, keep_existing: bool = False) -> None:
        for column, value in zip(self._columns, row, strict=True):
            column.append(value)
        self._keep.append(keep_existing)
        if len(self._keep) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._keep:
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(self._columns, self.schema, strict=True)
            ]
            self._batches.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
            self._keep_chunks.append(pa.array(self._keep, type=pa.bool_()))
            self._columns = [[] for _ in self.schema]
            self._keep = []

    def finish(self) -> pa.Table:
        self._flush()
        table = pa.Table.from_batches(self._batches, schema=self.schema)
        keep = pa.concat_arrays(self._keep_chunks) if self._keep_chunks else None
        return resolve_writes(table, self.keys, keep)


@dataclass
class SpaceData:
    """An imported space before it is stored."""

    vid_type: VidType
    tags: dict[str, tuple[PropDef, ...]]
    edges: dict[str, tuple[PropDef, ...]]
    #: Per tag, columns as :func:`vertex_schema`; one row per vid.
    vertices: dict[str, pa.Table]
    #: Per edge type, columns as :func:`edge_schema`; one row per (src, dst, rank).
    edge_tables: dict[str, pa.Table]

    def validate(self) -> None:
        """Check names and that every table matches the schema."""
        check_schema(self.tags, self.edges)
        for tables, schemas, make in (
            (self.vertices, self.tags, vertex_schema),
            (self.edge_tables, self.edges, edge_schema),
        ):
            if set(tables) != set(schemas):
                raise errors.InternalServerError("import produced tables that do not match its schema")
            for name, table in tables.items():
                if not table.schema.equals(make(self.vid_type, schemas[name])):
                    raise errors.InternalServerError(f"table {name!r} does not match its schema")


@dataclass(frozen=True)
class EdgeRequest:
    """One edge type asked of a store, checked: its weight property and the snapshot's weight column."""

    edge_type: str
    #: The property that weighs the edges, or None (unweighted, or weighted by the rank).
    weight_prop: PropDef | None
    #: The snapshot column holding the weight (``rank`` for ``_rank``), or None.
    column: str | None


def edge_requests(
    info: SpaceInfo, edge_types: Sequence[str], weight_props: Sequence[str | None]
) -> list[EdgeRequest]:
    """``edge_files``' arguments checked against the space (ParamError naming what is wrong)."""
    if len(weight_props) != len(edge_types):
        raise errors.ParamError(
            f"{len(edge_types)} edge types but {len(weight_props)} weight properties: give one per edge type"
        )
    requests = []
    for edge_type, weight in zip(edge_types, weight_props, strict=True):
        if edge_type not in info.edges:
            raise errors.ParamError(f"edge type '{edge_type}' does not exist in space '{info.name}'")
        props = {p.name: p.type for p in info.edges[edge_type]}
        if weight == RANK_PROPERTY:
            requests.append(EdgeRequest(edge_type, None, "rank"))
        elif weight:
            if weight not in props:
                raise errors.ParamError(f"edge type '{edge_type}' has no property '{weight}'")
            if not is_numeric(props[weight]):
                raise errors.ParamError(
                    f"property '{weight}' of edge type '{edge_type}' is a {props[weight]}, not a number"
                )
            requests.append(EdgeRequest(edge_type, PropDef(weight, props[weight]), weight))
        else:
            requests.append(EdgeRequest(edge_type, None, None))
    return requests
