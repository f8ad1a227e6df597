"""Writing algorithm results the way NebulaGraph Analytics does, and reading them back.

Layout of a result directory::

    part-00000.csv    NA-compatible CSV, no header
    result.parquet    the same table at full precision
    manifest.json     {"columns": […], "types": […], "rows": N, "files": […]}

CSV cells
    * doubles: ``fixed6`` (NA) writes exactly six decimals (``0.150000``, same digits as
      C's ``%.6f``, ``inf``/``-inf``/``nan`` for non-finite values); ``roundtrip`` writes
      the shortest text that parses back to the same double (``0.15``, ``1e+20``, ``inf``).
    * integers (counts, int64 vertex ids) as integers; booleans as ``true``/``false``.
    * strings unquoted unless they contain the delimiter, a quote, CR or LF; then they are
      quoted with doubled inner quotes (RFC 4180).
    * nulls as empty cells.

Atomicity
    ``manifest.json`` is removed first, the data files are written, and the manifest is
    written under a temporary name and renamed into place last, so a reader that finds a
    manifest finds a complete result (every reader starts from the manifest).  The data
    files are written in place: renaming each from a scratch folder cost a few milliseconds
    of file-system metadata per small job, and a task's result folder is fresh anyway.

Formatting is vectorised with ``pyarrow.compute`` (a decimal cast gives ``%.6f`` digits);
there is no Python loop per cell except for doubles too large for a 38-digit decimal.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphmill import errors
from graphmill.engine.base import ProgressFn

__all__ = [
    "CSV_NAME",
    "MANIFEST_NAME",
    "PARQUET_NAME",
    "ResultManifest",
    "format_column",
    "read_manifest",
    "read_result_rows",
    "write_result",
]

CSV_NAME = "part-00000.csv"
PARQUET_NAME = "result.parquet"
MANIFEST_NAME = "manifest.json"

FloatFormat = Literal["fixed6", "roundtrip"]

_BATCH_ROWS = 1 << 20
#: Below this many rows the Parquet and CSV files are written one after the other (a thread
#: start and join cost more than the overlap saves on a small result).
_PARALLEL_FROM_ROWS = 50_000
#: |x| below this goes through the decimal128(38, 6) cast; larger values use Python's %.6f.
_DECIMAL_LIMIT = 1e30
_NEEDS_QUOTE = r'[",\r\n]'


@dataclass(frozen=True, slots=True)
class ResultManifest:
    """What a result directory holds."""

    columns: list[str]
    types: list[str]
    rows: int
    files: list[str]


def _type_name(t: Any) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_integer(t):
        return "int64"
    if pa.types.is_boolean(t):
        return "bool"
    return str(t)


def _fixed6(values: Any) -> Any:
    """``%.6f`` text of a float64 array."""
    arr = values.cast(pa.float64())
    np_values = arr.to_numpy(zero_copy_only=False)
    plain = np.isfinite(np_values) & (np.abs(np_values) < _DECIMAL_LIMIT)
    safe = np.where(plain, np_values, 0.0)
    text = pc.cast(pc.cast(pa.array(safe, type=pa.float64()), pa.decimal128(38, 6)), pa.string())
    # C prints the sign of negative values that round to zero ("-0.000000").
    negative = np.signbit(safe)
    if negative.any():
        negative_zero = pc.and_(pa.array(negative), pc.equal(text, "0.000000"))
        text = pc.if_else(negative_zero, "-0.000000", text)
    if not plain.all():
        special = np.flatnonzero(~plain)
        patched = text.to_numpy(zero_copy_only=False).astype(object)
        for i in special:
            patched[i] = f"{np_values[i]:.6f}"
        text = pa.array(patched, type=pa.string())
    if arr.null_count:
        text = pc.if_else(pc.is_null(arr), pa.scalar(None, pa.string()), text)
    return text


def _quote(values: Any) -> Any:
    text = values.cast(pa.string())
    needs = pc.match_substring_regex(text, _NEEDS_QUOTE)
    if not pc.any(needs).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, text)


def format_column(values: Any, float_format: FloatFormat = "fixed6") -> Any:
    """CSV text of one column (a pyarrow Array), nulls kept as nulls."""
    t = values.type
    if pa.types.is_floating(t):
        if float_format == "fixed6":
            return _fixed6(values)
        return pc.cast(values.cast(pa.float64()), pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(values, "true", "false")
    if pa.types.is_integer(t):
        return pc.cast(values, pa.string())
    return _quote(values)


def _csv_bytes(table: Any, float_format: FloatFormat) -> Any:
    """One pyarrow buffer holding the CSV lines of ``table`` (no header)."""
    cells = []
    for column in table.columns:
        arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        cells.append(pc.fill_null(format_column(arr, float_format), ""))
    if len(cells) == 1:
        lines = pc.binary_join_element_wise(cells[0], "", "\n")
    else:
        lines = pc.binary_join_element_wise(*cells, ",")
        lines = pc.binary_join_element_wise(lines, "", "\n")
    lines = lines.cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    return lines.buffers()[2][start:end] if end > start else b""


def _write_csv(table: Any, path: Path, float_format: FloatFormat, progress: ProgressFn | None) -> None:
    with path.open("wb") as fh:
        rows = table.num_rows
        for start in range(0, rows, _BATCH_ROWS):
            fh.write(_csv_bytes(table.slice(start, _BATCH_ROWS), float_format))
            if progress is not None:
                done = min(start + _BATCH_ROWS, rows)
                progress("writing", done / rows, f"wrote {done} of {rows} rows")


def write_result(
    table: Any,
    out_dir: Path,
    *,
    float_format: FloatFormat = "fixed6",
    progress: ProgressFn | None = None,
) -> ResultManifest:
    """Write ``table`` (a ``pyarrow.Table``) as an NA-compatible result into ``out_dir``.

    ``progress`` (optional) gets ``("writing", fraction, message)`` per batch of rows.
    Returns the manifest that was written.  See the module documentation for the format.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final_manifest = out_dir / MANIFEST_NAME
    final_manifest.unlink(missing_ok=True)
    if table.num_rows < _PARALLEL_FROM_ROWS:
        # A small result: starting a thread costs more than it saves.
        pq.write_table(table, out_dir / PARQUET_NAME)
        _write_csv(table, out_dir / CSV_NAME, float_format, progress)
    else:
        # Parquet is written by pyarrow's C++ (GIL released) while this thread formats the
        # CSV batches (pyarrow compute, also GIL-free): the two files take the time of one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            parquet = pool.submit(pq.write_table, table, out_dir / PARQUET_NAME)
            _write_csv(table, out_dir / CSV_NAME, float_format, progress)
            parquet.result()
    manifest = ResultManifest(
        columns=list(table.column_names),
        types=[_type_name(f.type) for f in table.schema],
        rows=int(table.num_rows),
        files=[CSV_NAME],
    )
    pending = out_dir / f".{MANIFEST_NAME}.{os.getpid()}-{secrets.token_hex(4)}"
    try:
        pending.write_text(json.dumps(asdict(manifest)))
        os.replace(pending, final_manifest)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    return manifest


def read_manifest(out_dir: Path) -> ResultManifest:
    """The manifest of a complete result; ``NotFound`` while there is none."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise errors.NotFound(f"no complete result in {out_dir}") from None
    return ResultManifest(
        columns=list(data["columns"]),
        types=list(data["types"]),
        rows=int(data["rows"]),
        files=list(data["files"]),
    )


def read_result_rows(out_dir: Path, limit: int) -> list[list[str]]:
    """The first ``limit`` rows of a result, every cell a string as written in the CSV.

    Reads only as much of the CSV as needed (this backs Explorer's ``sample_result``).
    """
    manifest = read_manifest(out_dir)
    rows: list[list[str]] = []
    if limit <= 0:
        return rows
    for name in manifest.files:
        with (Path(out_dir) / name).open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                rows.append(row)
                if len(rows) >= limit:
                    return rows
    return rows
