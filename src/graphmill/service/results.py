"""Reading a task's whole result: slices for JSON paging, streams for downloads.

Slices read only the Parquet row groups they touch, so page N of a large result
costs the same as page 1; downloads stream the files from disk in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from graphmill.errors import NotFound

CHUNK_BYTES = 1 << 20


def manifest_of(result_dir: Path) -> dict[str, Any]:
    path = result_dir / "manifest.json"
    if not path.is_file():
        raise NotFound("the task's result files are gone")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def read_slice(result_dir: Path, offset: int, limit: int) -> list[list[Any]]:
    """Rows ``offset`` … ``offset+limit`` as JSON values (numbers stay numbers)."""
    pf = pq.ParquetFile(result_dir / "result.parquet")
    rows: list[list[Any]] = []
    start = 0
    for group in range(pf.metadata.num_row_groups):
        size = pf.metadata.row_group(group).num_rows
        end = start + size
        if end > offset and start < offset + limit:
            table = pf.read_row_group(group)
            lo = max(0, offset - start)
            hi = min(size, offset + limit - start)
            part = table.slice(lo, hi - lo).to_pylist()
            rows.extend([_json_safe(v) for v in row.values()] for row in part)
        if end >= offset + limit:
            break
        start = end
    return rows


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)  # JSON has no NaN/Infinity: "inf", "nan" as the CSV writes them
    return value


def stream_csv(result_dir: Path, columns: list[str], *, header: bool) -> Iterator[bytes]:
    if header:
        yield (",".join(columns) + "\n").encode()
    for name in sorted(p.name for p in result_dir.glob("part-*.csv")):
        with (result_dir / name).open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                yield chunk


def stream_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk
