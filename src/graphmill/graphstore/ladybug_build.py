"""Build a space's LadybugDB database from its Arrow tables, with COPY FROM (no row-by-row CREATE).

Model:

- One node table per tag, named after it: primary key ``vid`` (``STRING`` or ``INT64`` per
  the vid type) plus the tag's properties.  A vid carrying several tags is a row in each of
  their tables.
- One internal node table ``_vertex`` (``vid`` only) for edge endpoints that carry no tag
  (NebulaGraph allows such dangling edges).  It always exists, possibly empty.
- One rel table per edge type, named after it, with the property ``_rank INT64`` then the
  edge's properties, ``MANY_MANY``.  Its FROM/TO pairs are those observed in the data.  An
  endpoint is attached to the row of its *primary tag*: the first of its tags in the order
  the schema declares tags (for the CSV import: file-name order); ``_vertex`` when it has
  none.  So an edge appears once in LadybugDB even when its endpoints carry several tags,
  and ``MATCH (a:t2)-[:e]->()`` does not see edges whose source's primary tag is ``t1``.
  An edge type with no edges gets the single pair ``FROM _vertex TO _vertex``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ladybug
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphmill.formats.names import backquote
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.model import RANK_PROPERTY, UNTAGGED_TABLE, SpaceData
from graphmill.graphstore.nebula_types import ladybug_type, vid_arrow_type, vid_ladybug_type


def quote(identifier: str) -> str:
    """A LadybugDB identifier in back-quotes (names are checked identifiers; this guards keywords)."""
    return backquote(identifier)


def _columns(props: Sequence[PropDef]) -> str:
    return "".join(f", {quote(p.name)} {ladybug_type(p.type)}" for p in props)


def _copy(conn: ladybug.Connection, table_name: str, data: pa.Table, options: str = "") -> None:
    if data.num_rows:
        conn.execute(f"COPY {quote(table_name)} FROM $data{options}", parameters={"data": data})


def _primary_tags(data: SpaceData) -> pa.Table:
    """Columns ``vid`` and ``label_min``: the position (in ``data.tags``) of each vid's first tag."""
    parts = [
        pa.table(
            {
                "vid": data.vertices[tag]["vid"],
                "label": pa.array(np.full(data.vertices[tag].num_rows, i, np.int32)),
            }
        )
        for i, tag in enumerate(data.tags)
    ]
    if not parts:
        return pa.table(
            {"vid": pa.array([], vid_arrow_type(data.vid_type)), "label_min": pa.array([], pa.int32())}
        )
    return pa.concat_tables(parts).group_by("vid", use_threads=False).aggregate([("label", "min")])


def _endpoint_labels(column: pa.ChunkedArray, primary: pa.Table, untagged: int) -> np.ndarray:
    """Per row of ``column``, the primary tag position of the vid, or ``untagged``."""
    rows = pa.table({"vid": column, "__row": pa.array(np.arange(len(column), dtype=np.int64))})
    joined = rows.join(primary, "vid", join_type="left outer", use_threads=False)
    order = pc.sort_indices(joined["__row"])
    labels = pc.fill_null(joined["label_min"].take(order), untagged)
    return labels.to_numpy()  # type: ignore[no-any-return]


def build_database(path: Path, data: SpaceData) -> int:
    """Create the database at ``path`` and load ``data``; returns the number of tagged vertices."""
    tag_names = list(data.tags)
    labels = [*tag_names, UNTAGGED_TABLE]
    untagged = len(tag_names)
    vid = vid_ladybug_type(data.vid_type)
    primary = _primary_tags(data)
    db = ladybug.Database(str(path))
    try:
        conn = ladybug.Connection(db)
        try:
            for name in labels:
                props = data.tags.get(name, ())
                conn.execute(f"CREATE NODE TABLE {quote(name)}(vid {vid}{_columns(props)}, PRIMARY KEY(vid))")
            for name in tag_names:
                _copy(conn, name, data.vertices[name])
            endpoints = [t[c] for t in data.edge_tables.values() for c in ("src", "dst") if t.num_rows]
            if endpoints:
                all_vids = pc.unique(pa.chunked_array([chunk for col in endpoints for chunk in col.chunks]))
                dangling = all_vids.filter(pc.invert(pc.is_in(all_vids, value_set=primary["vid"])))
                _copy(conn, UNTAGGED_TABLE, pa.table({"vid": dangling}))
            for name, props in data.edges.items():
                table = data.edge_tables[name]
                codes = _endpoint_labels(table["src"], primary, untagged) * len(labels) + _endpoint_labels(
                    table["dst"], primary, untagged
                )
                pairs = [(int(code) // len(labels), int(code) % len(labels)) for code in np.unique(codes)]
                if not pairs:
                    pairs = [(untagged, untagged)]
                ends = ", ".join(f"FROM {quote(labels[a])} TO {quote(labels[b])}" for a, b in pairs)
                rank = f"{quote(RANK_PROPERTY)} INT64"
                conn.execute(f"CREATE REL TABLE {quote(name)}({ends}, {rank}{_columns(props)}, MANY_MANY)")
                for a, b in pairs:
                    subset = table.take(pa.array(np.flatnonzero(codes == a * len(labels) + b)))
                    _copy(conn, name, subset, f" (from='{labels[a]}', to='{labels[b]}')")
        finally:
            conn.close()
    finally:
        db.close()
    return int(primary.num_rows)
