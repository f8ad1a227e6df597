"""Loading edge lists (Parquet / CSV) into a :class:`~graphmill.engine.graph.Graph`, with a disk cache.

Reading
    Parquet files are read with only the needed columns; CSV files with ``pyarrow.csv``
    and explicit column types (vertex ids as ``int64`` when ``vid_type == "int64"``,
    otherwise as strings; weights as ``float64``).  Several sources (e.g. the edge types
    ``follow`` and ``serve``) are concatenated into one graph.  When ``weighted`` is true
    and a source has no weight column, its edges weigh 1.0.

Columns
    ``EdgeSource.src`` / ``dst`` / ``weight`` are column names (Parquet, or CSV with a
    header row) or 0-based column indexes (any format).

CSV header detection (``has_header=None``)
    * If any used column is given by name, the file must have a header row.
    * Otherwise the first row is a header when its src/dst fields do not parse as integers
      and ``vid_type`` is ``"int64"``; or, for ``vid_type=None``, when they do not parse as
      integers but the second row's do; or when a weight column is used and the first
      row's weight field is not a number while the second row's is.
    * For string vertex ids without a weight column nothing can tell a header from data,
      so no header is assumed: pass ``has_header`` explicitly in that case.

``vid_type=None``
    Inferred: ``int64`` when every vertex id of every source is an integer (integer
    Parquet columns, or CSV fields that all parse as int64), otherwise ``string``.

Disk cache
    With ``cache_dir``, the built CSR (``indptr``, ``indices``, ``weights``, ids) is stored
    as ``.npy`` files under ``cache_dir/<key>/`` (written to a temporary directory, then
    renamed into place atomically) and memory-mapped (``mmap_mode="r"``) on later loads.
    :func:`load_graph_deferred` writes the entry in a background thread while the task
    goes on (the task runner waits for it at the end).
    ``key`` is a sha256 over each source's resolved path, size, mtime_ns, format, columns,
    header and delimiter, plus ``vid_type``, ``directed`` and ``weighted``.  A cache hit
    does not open the source files.  Eviction lives in :mod:`graphmill.engine.graph_cache`.

Bad data (missing file or column, an empty vertex id, a non-numeric or missing weight,
an id that is not an integer when ``vid_type="int64"``) raises
:class:`graphmill.errors.TaskFailed` naming the file and the column.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphmill import errors
from graphmill.engine import graph_cache
from graphmill.engine.base import ProgressFn
from graphmill.engine.cache_files import CACHE_FORMAT_VERSION, CacheWrite, read_cache
from graphmill.engine.graph import STRING_ID_TYPE, Graph, VidType, build_graph
from graphmill.formats.csv_header import looks_like_header

__all__ = [
    "CACHE_FORMAT_VERSION",
    "CacheWrite",
    "EdgeSource",
    "cache_key",
    "load_graph",
    "load_graph_deferred",
]

Column = str | int


@dataclass(frozen=True, slots=True)
class EdgeSource:
    """One edge file.

    Attributes:
        path: the file.
        format: ``"parquet"`` or ``"csv"``.
        src, dst: column name or 0-based index of the source / destination vertex id.
        weight: column of the edge weight, or ``None`` (unweighted: 1.0 when a weighted
            graph is requested).
        has_header: CSV only: whether the first row is a header; ``None`` = detect (see
            the module documentation).
        delimiter: CSV only: field delimiter.
    """

    path: Path
    format: Literal["parquet", "csv"]
    src: Column = 0
    dst: Column = 1
    weight: Column | None = None
    has_header: bool | None = None
    delimiter: str = ","


# -- cache key ---------------------------------------------------------------------------


def cache_key(
    sources: Sequence[EdgeSource], *, vid_type: VidType | None, directed: bool, weighted: bool
) -> str:
    """The cache key of a load: sha256 hex over the sources' identity and the options."""
    described: list[dict[str, Any]] = []
    for source in sources:
        path = Path(source.path).resolve()
        try:
            st = path.stat()
        except OSError as exc:
            raise errors.TaskFailed(f"{source.path}: cannot read edge file: {exc.strerror}") from exc
        described.append(
            {
                "path": str(path),
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "format": source.format,
                "src": source.src,
                "dst": source.dst,
                "weight": source.weight if weighted else None,
                "header": source.has_header,
                "delimiter": source.delimiter,
            }
        )
    payload = {
        "version": CACHE_FORMAT_VERSION,
        "sources": described,
        "vid_type": vid_type,
        "directed": directed,
        "weighted": weighted,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- reading -----------------------------------------------------------------------------

#: Reader messages may quote the file; this much of one is enough to find the problem.
_MESSAGE_CHARS = 120


def _first_rows(path: Path, delimiter: str, count: int) -> list[list[str]]:
    rows: list[list[str]] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        for row in csv.reader(fh, delimiter=delimiter):
            if not row:
                continue
            rows.append(row)
            if len(rows) >= count:
                break
    return rows


def _field(row: list[str], index: int) -> str | None:
    return row[index] if index < len(row) else None


def _resolve(source: EdgeSource, column: Column, role: str, names: list[str] | None) -> int:
    if isinstance(column, int) and not isinstance(column, bool):
        if column < 0 or (names is not None and column >= len(names)):
            width = f"; the file has {len(names)} columns" if names is not None else ""
            raise errors.TaskFailed(f"{source.path}: {role} column {column} does not exist{width}")
        return column
    if names is None:
        raise errors.TaskFailed(
            f"{source.path}: {role} column {column!r} is a name but the file has no header row"
        )
    if column not in names:
        raise errors.TaskFailed(
            f"{source.path}: {role} column {column!r} not found; columns are {', '.join(names)}"
        )
    return names.index(column)


@dataclass(slots=True)
class _Edges:
    src: Any
    dst: Any
    weight: Any | None
    names: tuple[str, str, str | None]


def _read_csv(source: EdgeSource, vid_type: VidType | None, weighted: bool) -> _Edges:
    path = Path(source.path)
    try:
        rows = _first_rows(path, source.delimiter, 2)
    except OSError as exc:
        raise errors.TaskFailed(f"{source.path}: cannot read edge file: {exc.strerror or exc}") from exc
    if not rows:
        return _empty_edges(source, vid_type, weighted)
    first = rows[0]
    second = rows[1] if len(rows) > 1 else None
    weight_col = source.weight if weighted else None
    uses_names = any(isinstance(c, str) for c in (source.src, source.dst, weight_col) if c is not None)
    header = source.has_header
    if header is None:
        if uses_names:
            header = True
        else:
            vid_idx = [int(source.src), int(source.dst)]
            w_idx = int(weight_col) if weight_col is not None else None
            header = looks_like_header(
                first, second, vid_columns=vid_idx, weight_column=w_idx, vid_type=vid_type
            )
    names = [name.strip() for name in first] if header else None
    width = len(first)
    src_i = _resolve(source, source.src, "src", names)
    dst_i = _resolve(source, source.dst, "dst", names)
    w_i = _resolve(source, weight_col, "weight", names) if weight_col is not None else None
    for role, idx in (("src", src_i), ("dst", dst_i), ("weight", w_i)):
        if idx is not None and idx >= width:
            raise errors.TaskFailed(
                f"{source.path}: {role} column {idx} does not exist; the file has {width} columns"
            )
    label = {src_i: _label(source.src, names, src_i), dst_i: _label(source.dst, names, dst_i)}
    if w_i is not None:
        label[w_i] = _label(weight_col, names, w_i)
    vid_arrow = pa.int64() if vid_type == "int64" else pa.string()
    types = {f"f{src_i}": vid_arrow, f"f{dst_i}": vid_arrow}
    if w_i is not None:
        types[f"f{w_i}"] = pa.float64()
    include = [f"f{src_i}", f"f{dst_i}"] + ([f"f{w_i}"] if w_i is not None else [])
    read_options = pacsv.ReadOptions(
        column_names=[f"f{i}" for i in range(width)], skip_rows=1 if header else 0
    )
    parse_options = pacsv.ParseOptions(delimiter=source.delimiter)
    convert_options = pacsv.ConvertOptions(
        column_types=types,
        include_columns=list(dict.fromkeys(include)),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(
            path, read_options=read_options, parse_options=parse_options, convert_options=convert_options
        )
    except pa.ArrowInvalid as exc:
        raise errors.TaskFailed(_csv_error(source, exc, label)) from exc
    except OSError as exc:
        raise errors.TaskFailed(f"{source.path}: cannot read edge file: {_short(exc)}") from exc
    return _Edges(
        table.column(f"f{src_i}"),
        table.column(f"f{dst_i}"),
        table.column(f"f{w_i}") if w_i is not None else None,
        (label[src_i], label[dst_i], label[w_i] if w_i is not None else None),
    )


def _label(column: Column | None, names: list[str] | None, index: int) -> str:
    if isinstance(column, str):
        return column
    if names is not None:
        return f"{names[index]} (#{index})"
    return f"#{index}"


def _short(exc: Exception) -> str:
    """A reader's message, one line and short: it may quote the file's content."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= _MESSAGE_CHARS else text[:_MESSAGE_CHARS] + "…"


def _csv_error(source: EdgeSource, exc: Exception, label: dict[int, str]) -> str:
    text = _short(exc)
    match = re.search(r"CSV column #(\d+)", text)
    if match is not None:
        col = label.get(int(match.group(1)), f"#{match.group(1)}")
        detail = text.split(": ", 1)[1] if ": " in text else text
        return f"{source.path}: column {col}: {detail}"
    return f"{source.path}: cannot parse CSV: {text}"


def _read_parquet(source: EdgeSource, weighted: bool) -> _Edges:
    path = Path(source.path)
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise errors.TaskFailed(f"{source.path}: cannot read Parquet file: {_short(exc)}") from exc
    names = list(pf.schema_arrow.names)
    weight_col = source.weight if weighted else None
    src_i = _resolve(source, source.src, "src", names)
    dst_i = _resolve(source, source.dst, "dst", names)
    w_i = _resolve(source, weight_col, "weight", names) if weight_col is not None else None
    wanted = list(dict.fromkeys([names[src_i], names[dst_i]] + ([names[w_i]] if w_i is not None else [])))
    try:
        table = pf.read(columns=wanted)
    except (OSError, pa.ArrowInvalid) as exc:
        raise errors.TaskFailed(f"{source.path}: cannot read Parquet file: {_short(exc)}") from exc
    return _Edges(
        table.column(names[src_i]),
        table.column(names[dst_i]),
        table.column(names[w_i]) if w_i is not None else None,
        (names[src_i], names[dst_i], names[w_i] if w_i is not None else None),
    )


def _empty_edges(source: EdgeSource, vid_type: VidType | None, weighted: bool) -> _Edges:
    vid_arrow = pa.int64() if vid_type == "int64" else pa.string()
    weight = pa.chunked_array([], type=pa.float64()) if weighted and source.weight is not None else None
    return _Edges(
        pa.chunked_array([], type=vid_arrow),
        pa.chunked_array([], type=vid_arrow),
        weight,
        (str(source.src), str(source.dst), None if weight is None else str(source.weight)),
    )


def _check_vids(source: EdgeSource, values: Any, column: str) -> None:
    if values.null_count:
        row = _first_true(pc.is_null(values))
        raise errors.TaskFailed(f"{source.path}: column {column}: empty vertex id in data row {row + 1}")
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        empty = pc.equal(pc.utf8_length(values), 0)
        if pc.any(empty).as_py():
            row = _first_true(empty)
            raise errors.TaskFailed(f"{source.path}: column {column}: empty vertex id in data row {row + 1}")


def _first_true(mask: Any) -> int:
    found = pc.index(mask, True).as_py()
    return int(found) if found is not None else -1


def _check_weights(source: EdgeSource, values: Any, column: str) -> Any:
    if not (pa.types.is_floating(values.type) or pa.types.is_integer(values.type)):
        try:
            values = values.cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise errors.TaskFailed(
                f"{source.path}: column {column}: weight is not a number: {_short(exc)}"
            ) from exc
    values = values.cast(pa.float64())
    if values.null_count:
        row = _first_true(pc.is_null(values))
        raise errors.TaskFailed(f"{source.path}: column {column}: missing weight in data row {row + 1}")
    nan = pc.is_nan(values)
    if pc.any(nan).as_py():
        row = _first_true(nan)
        raise errors.TaskFailed(f"{source.path}: column {column}: weight is NaN in data row {row + 1}")
    return values


def _as_int64(source: EdgeSource, values: Any, column: str) -> Any:
    if values.type == pa.int64():
        return values
    if pa.types.is_integer(values.type):
        if pa.types.is_uint64(values.type) and len(values) and pc.max(values).as_py() >= 2**63:
            raise errors.TaskFailed(f"{source.path}: column {column}: vertex id exceeds int64")
        return values.cast(pa.int64())
    try:
        return pc.cast(pc.utf8_trim_whitespace(values.cast(pa.string())), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise errors.TaskFailed(
            f"{source.path}: column {column}: vertex id is not an integer: {_short(exc)}"
        ) from exc


def _all_int(values: Any) -> bool:
    if pa.types.is_integer(values.type):
        return not (pa.types.is_uint64(values.type) and len(values) and pc.max(values).as_py() >= 2**63)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return False
    try:
        pc.cast(pc.utf8_trim_whitespace(values), pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _read_source(source: EdgeSource, vid_type: VidType | None, weighted: bool) -> _Edges:
    if source.format == "parquet":
        return _read_parquet(source, weighted)
    if source.format == "csv":
        return _read_csv(source, vid_type, weighted)
    raise errors.TaskFailed(f"{source.path}: unknown edge file format {source.format!r}")


def load_graph(
    sources: Sequence[EdgeSource],
    *,
    vid_type: VidType | None,
    directed: bool,
    weighted: bool,
    cache_dir: Path | None,
    progress: ProgressFn | None = None,
) -> Graph:
    """Read edge files into one :class:`Graph` (or memory-map it from the cache).

    Args:
        sources: edge files, concatenated in order.
        vid_type: ``"int64"``, ``"string"`` or ``None`` (infer).
        directed: ``False`` adds reverse edges (NA ``is_directed=false``).
        weighted: keep a weight per edge (1.0 for sources without a weight column).
        cache_dir: where built graphs are cached, or ``None`` for no cache.
        progress: optional ``progress(phase, done, message)`` callable.
    """
    graph, pending = load_graph_deferred(
        sources,
        vid_type=vid_type,
        directed=directed,
        weighted=weighted,
        cache_dir=cache_dir,
        progress=progress,
    )
    pending.wait()
    return graph


def load_graph_deferred(
    sources: Sequence[EdgeSource],
    *,
    vid_type: VidType | None,
    directed: bool,
    weighted: bool,
    cache_dir: Path | None,
    progress: ProgressFn | None = None,
) -> tuple[Graph, CacheWrite]:
    """:func:`load_graph`, returning before the new cache entry is written (call ``wait()`` on it)."""
    if not sources:
        raise errors.TaskFailed("no edge source given")
    report = progress if progress is not None else _no_progress
    entry: Path | None = None
    if cache_dir is not None:
        key = cache_key(sources, vid_type=vid_type, directed=directed, weighted=weighted)
        entry = Path(cache_dir) / key
        cached = _cache_hit(entry, report)
        if cached is not None:
            graph_cache.touch(entry)
            store = CacheWrite(entry, None, report)  # nothing to write but derived structures
            cached.attach_store(store)
            return cached, store
    src_all, dst_all, weight_all, resolved = _edge_columns(sources, vid_type, weighted, report)
    graph = build_graph(src_all, dst_all, weight_all, vid_type=resolved, directed=directed)
    report("loading", 1.0, f"built graph: {graph.n} vertices, {graph.m} edges")
    pending = CacheWrite(entry, graph, report, sources=[Path(s.path) for s in sources])
    graph.attach_store(pending)
    return graph, pending


def _cache_hit(entry: Path, report: ProgressFn) -> Graph | None:
    try:
        cached = read_cache(entry)
    except (OSError, ValueError, KeyError) as exc:  # a damaged entry is rebuilt, not fatal
        report("loading", None, f"graph cache entry unreadable ({exc}); rebuilding")
        shutil.rmtree(entry, ignore_errors=True)
        return None
    if cached is not None:
        report("loading", 1.0, f"graph cache hit: {cached.n} vertices, {cached.m} edges")
    return cached


def _edge_columns(
    sources: Sequence[EdgeSource], vid_type: VidType | None, weighted: bool, report: ProgressFn
) -> tuple[Any, Any, Any | None, VidType]:
    """Every source read and checked: (src, dst, weight or None) chunked arrays and the id type."""
    parts: list[tuple[EdgeSource, _Edges]] = []
    for i, source in enumerate(sources):
        edges = _read_source(source, vid_type, weighted)
        parts.append((source, edges))
        report("loading", (i + 1) / (len(sources) + 1), f"read {len(edges.src)} edges from {source.path}")
    for source, edges in parts:
        _check_vids(source, edges.src, edges.names[0])
        _check_vids(source, edges.dst, edges.names[1])
    resolved: VidType
    if vid_type is None:
        all_int = all(_all_int(e.src) and _all_int(e.dst) for _, e in parts)
        resolved = "int64" if all_int else "string"
    else:
        resolved = vid_type
    src_chunks: list[Any] = []
    dst_chunks: list[Any] = []
    weight_chunks: list[Any] = []
    for source, edges in parts:
        s, d = edges.src, edges.dst
        if resolved == "int64":
            s = _as_int64(source, s, edges.names[0])
            d = _as_int64(source, d, edges.names[1])
        else:
            s = s.cast(STRING_ID_TYPE)
            d = d.cast(STRING_ID_TYPE)
        src_chunks.extend(_chunk_list(s))
        dst_chunks.extend(_chunk_list(d))
        if weighted:
            if edges.weight is None:
                weight_chunks.append(pa.array(np.ones(len(s), dtype=np.float64)))
            else:
                weight_chunks.extend(_chunk_list(_check_weights(source, edges.weight, str(edges.names[2]))))
    target = pa.int64() if resolved == "int64" else STRING_ID_TYPE
    src_all = pa.chunked_array(src_chunks, type=target)
    dst_all = pa.chunked_array(dst_chunks, type=target)
    weight_all = pa.chunked_array(weight_chunks, type=pa.float64()) if weighted else None
    return src_all, dst_all, weight_all, resolved


def _chunk_list(values: Any) -> list[Any]:
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def _no_progress(phase: Any, done: float | None, message: str) -> None:
    return None
