"""The size of a local edge file, known before a task reads it (for admission control).

A Parquet file's footer gives the edge count exactly, its schema whether the ids are integers
(the loader then reads them as ``int64`` unless ``vtype`` says otherwise), and its row-group
statistics the smallest and largest id: for integer ids ``max - min + 1`` bounds the vertex
count.  Nothing in a file bounds the vertex count otherwise, so the guess stays one vertex per
two edges.  A CSV file's row count is estimated from its size.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graphmill.formats.vid import VidType
from graphmill.service.estimate import InputSize


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def local_file_size(path: Path, vid_type: VidType | None) -> InputSize:
    """Edges (exact for Parquet), a vertex count that is at worst a guess, weights, id type."""
    if not is_parquet(path):
        edges = estimate_csv_rows(path)
        weighted = column_count(path, "csv") >= 3
        return InputSize(max(1, edges // 2), edges, weighted, vid_type != "int64", exact=False)
    meta = pq.read_metadata(path)
    schema = meta.schema.to_arrow_schema()
    edges = meta.num_rows
    int_ids = len(schema) >= 2 and all(pa.types.is_integer(schema.field(i).type) for i in (0, 1))
    string_ids = vid_type == "string" or (vid_type is None and not int_ids)
    vertices = max(1, edges // 2)
    if int_ids and not string_ids:
        span = _id_span(meta)
        if span is not None:
            vertices = max(1, min(vertices, span))
    return InputSize(vertices, edges, len(schema) >= 3, string_ids, exact=False)


def _id_span(meta: pq.FileMetaData) -> int | None:
    """``max - min + 1`` over the src and dst columns (0 and 1), if every row group has statistics."""
    low: int | None = None
    high: int | None = None
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in (0, 1):
            stats = group.column(c).statistics
            if stats is None or not stats.has_min_max:
                return None
            low = stats.min if low is None else min(low, stats.min)
            high = stats.max if high is None else max(high, stats.max)
    if low is None or high is None:
        return None
    return int(high) - int(low) + 1


def estimate_csv_rows(path: Path) -> int:
    """Rows of a CSV file from its size and the mean length of its first 64 KiB of lines."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(65536)
    lines = sample.count(b"\n") or 1
    return max(1, int(size / (len(sample) / lines)))


def column_count(path: Path, fmt: str) -> int:
    if fmt == "parquet":
        return len(pq.read_schema(path).names)
    with path.open("rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").strip()
    return len(first.split(",")) if first else 0
