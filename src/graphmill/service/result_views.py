"""What the console's result views need beyond paging: a sorted slice, and a column's summary.

Both read the task's ``result.parquet``; the summary's shape follows the column's kind so the
console can chart it (top-k and a histogram for scores, a size distribution for community ids,
a histogram of depths for BFS/SSSP).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphmill.errors import ParamError
from graphmill.service.results import _json_safe

HISTOGRAM_BINS = 30
#: BFS writes this depth for vertices it never reached (int64 max, as Graphalytics does).
UNREACHABLE_DEPTH = 2**63 - 1
TOP_K_MAX = 200


def _table(result_dir: Path) -> pa.Table:
    return pq.read_table(result_dir / "result.parquet")


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise ParamError(f"the result has no column {name!r}; it has {', '.join(table.column_names)}")
    return table[name]


def sorted_slice(result_dir: Path, column: str, descending: bool, offset: int, limit: int) -> list[list[Any]]:
    """Rows ``offset`` … ``offset+limit`` of the result ordered by ``column`` (ties keep file order)."""
    table = _table(result_dir)
    _column(table, column)
    order = pc.sort_indices(table, sort_keys=[(column, "descending" if descending else "ascending")])
    rows = table.take(order.slice(offset, limit)).to_pylist()
    return [[_json_safe(v) for v in row.values()] for row in rows]


def _histogram(values: np.ndarray, log: bool) -> dict[str, Any]:
    finite = values[np.isfinite(values)]
    if log:
        finite = finite[finite > 0]
    if finite.size == 0:
        return {"edges": [], "counts": [], "log": log}
    data = np.log10(finite) if log else finite
    counts, edges = np.histogram(data, bins=HISTOGRAM_BINS)
    if log:
        edges = np.power(10.0, edges)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts], "log": log}


def _skewed(values: np.ndarray) -> bool:
    """A long right tail (PageRank, degrees): the histogram reads better on a log axis."""
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size < 10:
        return False
    lo, hi = np.percentile(positive, [5, 99.5])
    return bool(lo > 0 and hi / lo > 100)


def column_summary(result_dir: Path, column: str, kind: str, top_k: int) -> dict[str, Any]:
    """``kind``: ``score`` (top-k + histogram), ``community`` (size distribution) or ``depth``."""
    table = _table(result_dir)
    values = _column(table, column)
    key = table.column_names[0]
    out: dict[str, Any] = {"column": column, "kind": kind, "rows": table.num_rows}
    if kind == "score":
        if not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
            raise ParamError(f"column {column!r} is not numeric")
        k = min(max(top_k, 1), TOP_K_MAX)
        order = pc.sort_indices(table, sort_keys=[(column, "descending")]).slice(0, k)
        top = table.take(order)
        out["top"] = [
            [str(v), _json_safe(s)]
            for v, s in zip(top[key].to_pylist(), top[column].to_pylist(), strict=True)
        ]
        array = values.to_numpy().astype(float)
        out["histogram"] = _histogram(array, _skewed(array))
    elif kind == "community":
        counts = pc.value_counts(values.combine_chunks()).field("counts").to_numpy()
        sizes, how_many = np.unique(counts, return_counts=True)
        out["communities"] = int(counts.size)
        out["largest"] = int(counts.max()) if counts.size else 0
        out["sizes"] = [[int(s), int(n)] for s, n in zip(sizes, how_many, strict=True)]
    elif kind == "depth":
        raw = values.to_numpy()
        array = raw.astype(float)
        if raw.dtype.kind == "i":
            array[raw == UNREACHABLE_DEPTH] = np.inf
        finite = array[np.isfinite(array)]
        unreachable = int(array.size - finite.size)
        integral = finite.size and bool(np.all(finite == np.round(finite)))
        if integral and finite.size and finite.max() - finite.min() <= 100:
            depths, how_many = np.unique(finite.astype(np.int64), return_counts=True)
            out["depths"] = [[int(d), int(n)] for d, n in zip(depths, how_many, strict=True)]
        else:
            out["histogram"] = _histogram(finite, False)
        out["unreachable"] = unreachable
    else:
        raise ParamError(f"kind must be score, community or depth, not {kind!r}")
    return out


def rows_of_vertices(result_dir: Path, vids: list[str]) -> list[list[Any]]:
    """The result rows whose first column is one of ``vids`` (compared as text)."""
    table = _table(result_dir)
    keys = pc.cast(table[table.column_names[0]], pa.string())
    rows = table.filter(pc.is_in(keys, value_set=pa.array(vids, pa.string()))).to_pylist()
    return [[_json_safe(v) for v in row.values()] for row in rows]
