"""Streaming transfers between a location and the worker's disk, in bounded memory.

:func:`stage_edges` — an edge file (or a folder of part files) → one local Parquet file
    Input is read in record batches — CSV with ``pyarrow.csv.open_csv`` over a
    ``pyarrow.fs`` input stream (decompressing on the fly), Parquet with
    ``ParquetFile.iter_batches`` — and written with a ``ParquetWriter`` (small batches
    gathered into row groups of up to ``ROW_GROUP_ROWS`` rows / ``ROW_GROUP_BYTES``), to a
    temporary name that is renamed to ``dest`` once complete.

    Memory does not grow with the file.  Arrow's streaming CSV reader reads up to ~32
    blocks ahead, so a CSV transfer peaks at about 40 × ``block_size`` plus one row group
    (measured: ~12 MiB of Arrow memory at 64 KiB blocks, ~19 MiB at the default 256 KiB,
    for 12, 50 and 150 MiB files alike), plus ``REMOTE_READ_BUFFER`` for remote input,
    which is read in pieces that big (one ranged GET each on S3).  Parquet input needs one
    batch and the pages of one column chunk at a time.  A CSV row must fit in one block
    (Arrow reports "straddling object … try to increase block size").

    Format (``format=None``)
        Parquet when the file starts with the Parquet magic ``PAR1`` or is named
        ``*.parquet`` / ``*.pq``; otherwise CSV.  An explicit ``format`` applies to every file.
    Compression (CSV)
        Detected from the first bytes: gzip (``1f 8b``), bzip2 (``BZh``), zstd
        (``28 b5 2f fd``); a ``.gz``/``.bz2``/``.zst`` name whose content is not compressed
        that way is an error.
    CSV header (``has_header=None``)
        Detected from the first two rows, like the engine's loader does for files whose
        vertex-id type is not known (``vid_type=None``, weight in column 2): the first row is
        a header when its first two fields are not both integers while the second row's are,
        or when it has a third field that is not a number while the second row's is (or
        there is no second row).  String vertex ids without a numeric third column cannot be
        told from a header: pass ``has_header`` explicitly in that case.
    Columns and types
        A header row gives the column names (trimmed); a headerless file's columns are
        ``f0, f1, …``.  **Every CSV column is kept as a string** — nothing is lost (ids like
        ``007``, huge integers) and the engine's loader, which reads the staged Parquet,
        already infers integer vertex ids from strings and casts weight columns to
        ``float64``, naming the column of a bad value.  Parquet input keeps its types.
        Empty lines are skipped; a row with a different number of fields is an error.
    Folders
        A directory (Explorer and Spark write results as folders of part files) is staged
        file by file, in name order, into one Parquet file: every regular file named
        ``part-*`` or ``*.csv``, ``*.csv.gz``, ``*.csv.bz2``, ``*.csv.zst``, ``*.parquet``,
        ``*.pq``, except hidden ones (``.…``, ``_…`` such as ``_SUCCESS``); subfolders are not
        entered.  The first non-empty file fixes the column names and types; later files must
        have as many columns and are cast to those types.  Empty files are skipped; when all
        are empty the result has two string columns ``f0, f1`` and no rows.

:func:`upload_dir` — a finished result folder → a location
    Every file (recursively) is copied with a streaming copy in ``chunk_size`` pieces,
    in name order, ``manifest.json`` last, one file at a time (each completes before the
    next starts), so a reader of the remote folder never sees a manifest before the data.
    A ``manifest.json`` already at the destination (from an earlier attempt) is deleted
    first.

Every failure raises :class:`graphmill.errors.TaskFailed` naming the location.
"""

from __future__ import annotations

import contextlib
import csv
import os
import posixpath
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from graphmill.errors import TaskFailed
from graphmill.fs.config import FsConfig
from graphmill.fs.confine import PathOutsideRoot, redact_row_echo, resolve_within
from graphmill.fs.filesystems import filesystem_for
from graphmill.fs.uri import Location

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "DEFAULT_BLOCK_SIZE",
    "DEFAULT_CHUNK_SIZE",
    "MANIFEST_NAME",
    "stage_edges",
    "upload_dir",
]

#: Bytes of CSV parsed per record batch; this sets the memory of a CSV transfer (≈ 40 × it
#: at peak) and the longest row allowed.
DEFAULT_BLOCK_SIZE = 256 << 10
#: Rows per record batch read from Parquet input.
DEFAULT_BATCH_ROWS = 64 * 1024
#: Rows per row group of the staged file: small batches are gathered up to this many rows…
ROW_GROUP_ROWS = 128 * 1024
#: …or this many bytes, whichever comes first.
ROW_GROUP_BYTES = 4 << 20
#: Bytes fetched per request from a remote file system (reads are buffered in pieces this big).
REMOTE_READ_BUFFER = 8 << 20
#: Bytes per read/write of a streaming upload.
DEFAULT_CHUNK_SIZE = 8 << 20
#: The file :func:`upload_dir` writes last.
MANIFEST_NAME = "manifest.json"

#: How much (decompressed) text is read to find the first two CSV rows.
_HEAD_LIMIT = 1 << 20
_HEAD_CHUNK = 64 << 10
_PARQUET_BUFFER = 1 << 20
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_SUFFIX_CODEC = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd"}
_DATA_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zst", ".parquet", ".pq")
_INT_RE = re.compile(r"\s*[+-]?\d+\s*")

FileFormat = Literal["csv", "parquet"]


# -- staging ---------------------------------------------------------------------------------


def stage_edges(
    location: Location,
    config: FsConfig,
    dest: Path,
    *,
    format: FileFormat | None = None,
    has_header: bool | None = None,
    delimiter: str = ",",
    block_size: int = DEFAULT_BLOCK_SIZE,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Path:
    """Copy the edge file or folder at ``location`` into the local Parquet file ``dest``.

    Args:
        location: a file or a folder of part files (see the module documentation).
        config: connection settings.
        dest: the Parquet file to write (its folder is created; an existing file is replaced).
        format: ``"csv"``, ``"parquet"`` or ``None`` (detect per file).
        has_header: CSV only: whether each file starts with a header row; ``None`` = detect.
        delimiter: CSV only: the one-character field delimiter.
        block_size: CSV only: bytes parsed per record batch.
        batch_rows: Parquet only: rows per record batch.

    Returns:
        ``dest``.
    """
    if format not in {None, "csv", "parquet"}:
        raise TaskFailed(f"unknown edge file format {format!r}: use csv or parquet")
    if len(delimiter) != 1 or delimiter in '\r\n"':
        raise TaskFailed(f"CSV delimiter {delimiter!r} must be one character other than a quote or newline")
    if block_size <= 0 or batch_rows <= 0:
        raise TaskFailed("block_size and batch_rows must be positive")
    import pyarrow as pa

    fs, path = filesystem_for(location, config)
    files = _input_files(fs, path, location)
    read_buffer = REMOTE_READ_BUFFER if location.scheme != "file" else None
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    writer: _Writer | None = None
    first_uri = ""
    try:
        for file_path, file_loc in files:
            try:
                source = _open_source(
                    fs,
                    file_path,
                    file_loc,
                    format,
                    has_header,
                    delimiter,
                    block_size,
                    batch_rows,
                    read_buffer,
                )
                if source is None:
                    continue
                if writer is None:
                    writer, first_uri = _Writer(tmp, dest, source.schema), file_loc.uri
                for batch in source.batches:
                    writer.add(_conform(batch, writer.schema, file_loc.uri, first_uri))
            except (pa.ArrowException, OSError) as exc:
                raise TaskFailed(f"{file_loc.uri}: {_describe(exc, format)}") from exc
        if writer is None:
            writer = _Writer(tmp, dest, pa.schema([("f0", pa.string()), ("f1", pa.string())]))
        writer.close()
        os.replace(tmp, dest)
    except BaseException:
        if writer is not None:
            writer.abort()
        tmp.unlink(missing_ok=True)
        raise
    return dest


class _Writer:
    """A ParquetWriter that gathers small batches into row groups of a sensible size."""

    def __init__(self, path: Path, dest: Path, schema: Any) -> None:
        import pyarrow.parquet as pq

        self.schema = schema
        self._dest = dest
        self._pending: list[Any] = []
        self._rows = 0
        self._bytes = 0
        self._writer: Any = self._guard(lambda: pq.ParquetWriter(str(path), schema))

    def add(self, batch: Any) -> None:
        self._pending.append(batch)
        self._rows += batch.num_rows
        self._bytes += batch.nbytes
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._guard(self._writer.close)

    def abort(self) -> None:
        self._pending.clear()
        with contextlib.suppress(Exception):  # the original error matters more
            self._writer.close()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        self._pending, self._rows, self._bytes = [], 0, 0
        self._guard(lambda: self._writer.write_table(table, row_group_size=max(1, table.num_rows)))

    def _guard(self, action: Callable[[], Any]) -> Any:
        import pyarrow as pa

        try:
            return action()
        except (pa.ArrowException, OSError) as exc:
            raise TaskFailed(f"cannot write the staged file {self._dest}: {exc}") from exc


def _describe(exc: BaseException, format: FileFormat | None) -> str:
    kind = "file" if format is None else f"{format} file"
    text = redact_row_echo(str(exc)) or type(exc).__name__
    return f"cannot read {kind}: {text}"


def _confined(path: str, location: Location) -> str:
    """A local file's resolved path, refused unless it lies inside the files root."""
    if location.scheme != "file" or not location.root:
        return path
    try:
        return str(resolve_within(location.root, path, what="file"))
    except PathOutsideRoot as exc:
        raise TaskFailed(f"{location.uri}: {exc.detail}") from None


def _input_files(fs: Any, path: str, location: Location) -> list[tuple[str, Location]]:
    from pyarrow import fs as pafs

    try:
        info = fs.get_file_info(path)
        if info.type == pafs.FileType.File:
            return [(_confined(path, location), location)]
        if info.type != pafs.FileType.Directory:
            raise TaskFailed(f"{location.uri} does not exist")
        entries = fs.get_file_info(pafs.FileSelector(path, recursive=False))
    except OSError as exc:
        raise TaskFailed(f"{location.uri}: cannot list: {exc}") from exc
    picked = sorted(
        (e for e in entries if e.type == pafs.FileType.File and _is_data_file(e.base_name)),
        key=lambda e: e.base_name,
    )
    if not picked:
        raise TaskFailed(
            f"{location.uri} is a folder without data files (part-*, *.csv, *.csv.gz, *.parquet)"
        )
    # Each file is checked on its own: a link inside a checked folder may point anywhere.
    return [(_confined(e.path, location.child(e.base_name)), location.child(e.base_name)) for e in picked]


def _is_data_file(name: str) -> bool:
    if name.startswith((".", "_")):
        return False
    return name.startswith("part-") or name.lower().endswith(_DATA_SUFFIXES)


@dataclass(slots=True)
class _Source:
    schema: Any
    batches: Iterator[Any]


def _open_source(
    fs: Any,
    path: str,
    location: Location,
    format: FileFormat | None,
    has_header: bool | None,
    delimiter: str,
    block_size: int,
    batch_rows: int,
    read_buffer: int | None,
) -> _Source | None:
    name = posixpath.basename(path).lower()
    magic = _read_head(fs, path, None, 4)
    kind = format
    if kind is None:
        kind = "parquet" if magic == b"PAR1" or name.endswith((".parquet", ".pq")) else "csv"
    if kind == "parquet":
        return _parquet_source(fs, path, batch_rows)
    codec = _codec(magic, name, location)
    return _csv_source(fs, path, location, codec, has_header, delimiter, block_size, read_buffer)


def _codec(magic: bytes, name: str, location: Location) -> str | None:
    import pyarrow as pa

    codec = next((c for m, c in _MAGIC if magic.startswith(m)), None)
    suffix = posixpath.splitext(name)[1]
    claimed = _SUFFIX_CODEC.get(suffix)
    if claimed is not None and codec != claimed:
        raise TaskFailed(
            f"{location.uri}: the name says {claimed} but the content is not {claimed}-compressed"
        )
    if codec is not None and not pa.Codec.is_available(codec):  # pragma: no cover - wheels have all three
        raise TaskFailed(f"{location.uri}: {codec} decompression is not available in this pyarrow build")
    return codec


def _read_head(fs: Any, path: str, compression: str | None, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with fs.open_input_stream(path, compression=compression) as stream:
        while size < limit:
            chunk = stream.read(limit - size)
            if not chunk:
                break
            chunks.append(bytes(chunk))
            size += len(chunk)
    return b"".join(chunks)


def _parquet_source(fs: Any, path: str, batch_rows: int) -> _Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = fs.open_input_file(path)
    try:
        pf = pq.ParquetFile(handle, buffer_size=_PARQUET_BUFFER, pre_buffer=False)
        schema = pa.schema([pa.field(f.name, f.type) for f in pf.schema_arrow])
    except BaseException:
        handle.close()
        raise

    def batches() -> Iterator[Any]:
        try:
            yield from pf.iter_batches(batch_size=batch_rows)
        finally:
            handle.close()

    return _Source(schema, batches())


def _csv_source(
    fs: Any,
    path: str,
    location: Location,
    codec: str | None,
    has_header: bool | None,
    delimiter: str,
    block_size: int,
    read_buffer: int | None,
) -> _Source | None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rows = _first_rows(fs, path, codec, delimiter, location)
    if not rows:
        return None
    first = rows[0]
    second = rows[1] if len(rows) > 1 else None
    header = has_header if has_header is not None else _looks_like_header(first, second)
    width = len(first)
    positional = [f"f{i}" for i in range(width)]
    names = [n.strip() for n in first] if header else positional
    schema = pa.schema([pa.field(n, pa.string()) for n in names])
    if header and second is None:  # a header and nothing else
        return _Source(schema, iter(()))

    read_options = pacsv.ReadOptions(
        column_names=positional, skip_rows=1 if header else 0, block_size=block_size
    )
    parse_options = pacsv.ParseOptions(delimiter=delimiter)
    convert_options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(positional, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )

    def batches() -> Iterator[Any]:
        with fs.open_input_stream(path, compression=codec, buffer_size=read_buffer) as stream:
            reader = pacsv.open_csv(
                stream,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            for batch in reader:
                if batch.num_rows:
                    yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)

    return _Source(schema, batches())


def _first_rows(fs: Any, path: str, codec: str | None, delimiter: str, location: Location) -> list[list[str]]:
    """The first two non-empty rows (fewer only when the file has no more), read in small pieces."""
    data = b""
    with fs.open_input_stream(path, compression=codec) as stream:
        while True:
            chunk = bytes(stream.read(_HEAD_CHUNK))
            at_eof = not chunk
            data += chunk
            rows = _parse_rows(data, delimiter, at_eof)
            if len(rows) >= 2 or at_eof:
                return rows
            if len(data) > _HEAD_LIMIT:
                raise TaskFailed(f"{location.uri}: the first CSV rows are longer than {_HEAD_LIMIT} bytes")


def _parse_rows(data: bytes, delimiter: str, at_eof: bool) -> list[list[str]]:
    text = data.decode("utf-8-sig", errors="replace")
    if not at_eof:  # only whole lines: the last one may be cut short
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1]
    rows: list[list[str]] = []
    for row in csv.reader(text.splitlines(keepends=True), delimiter=delimiter):
        if row:
            rows.append(row)
            if len(rows) == 2:
                break
    return rows


def _is_int(text: str) -> bool:
    return _INT_RE.fullmatch(text) is not None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _looks_like_header(first: list[str], second: list[str] | None) -> bool:
    def ids_int(row: list[str]) -> bool:
        return len(row) >= 2 and _is_int(row[0]) and _is_int(row[1])

    if second is not None and not ids_int(first) and ids_int(second):
        return True
    if len(first) >= 3 and not _is_number(first[2]):
        return second is None or (len(second) >= 3 and _is_number(second[2]))
    return False


def _conform(batch: Any, schema: Any, uri: str, first_uri: str) -> Any:
    import pyarrow as pa

    if batch.num_columns != len(schema):
        raise TaskFailed(f"{uri} has {batch.num_columns} columns but {first_uri} has {len(schema)}")
    if batch.schema == schema:
        return batch
    arrays = []
    for array, field in zip(batch.columns, schema, strict=True):
        if array.type != field.type:
            try:
                array = array.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise TaskFailed(
                    f"{uri}: column {field.name!r} cannot be converted to {field.type} "
                    f"(its type in {first_uri}): {redact_row_echo(str(exc))}"
                ) from exc
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# -- uploading -------------------------------------------------------------------------------


def upload_dir(
    local_dir: Path,
    location: Location,
    config: FsConfig,
    *,
    on_uploaded: Callable[[str], None] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> list[str]:
    """Copy every file of the result folder ``local_dir`` to ``location``, ``manifest.json`` last.

    Args:
        local_dir: the finished result folder.
        location: the destination folder.
        config: connection settings.
        on_uploaded: called with each file's URI once that file is completely written.
        chunk_size: bytes per read/write.

    Returns:
        The URIs written, in upload order.  Uploading a local folder onto itself copies
        nothing and returns its files' URIs.
    """
    local_dir = Path(local_dir)
    if not local_dir.is_dir():
        raise TaskFailed(f"result folder {local_dir} does not exist")
    if chunk_size <= 0:
        raise TaskFailed("chunk_size must be positive")
    # Only regular files that are really in the folder: a planted link is not uploaded.
    inside = local_dir.resolve()
    relative = sorted(
        p.relative_to(local_dir).as_posix()
        for p in local_dir.rglob("*")
        if p.is_file() and not p.is_symlink() and inside in p.resolve().parents
    )
    order = [r for r in relative if r != MANIFEST_NAME] + [r for r in relative if r == MANIFEST_NAME]
    if location.scheme == "file":
        src_root, dst_root = local_dir.resolve(), Path(location.path)
        if dst_root == src_root:
            return [location.child(r).uri for r in order]
        if src_root in dst_root.parents:
            raise TaskFailed(f"cannot upload {local_dir} into its own subfolder {location.uri}")

    fs, base = filesystem_for(location, config)
    base = base.rstrip("/")
    uploaded: list[str] = []
    try:
        _remove_stale_manifest(fs, f"{base}/{MANIFEST_NAME}")
        made: set[str] = set()
        for rel in order:
            target = f"{base}/{rel}"
            parent = posixpath.dirname(target)
            if location.scheme != "s3" and parent not in made:
                fs.create_dir(parent, recursive=True)
                made.add(parent)
            target = _confined(target, location)  # a local destination stays inside the files root
            _copy_to(local_dir / rel, fs, target, chunk_size)
            uri = location.child(rel).uri
            uploaded.append(uri)
            if on_uploaded is not None:
                on_uploaded(uri)
    except OSError as exc:
        raise TaskFailed(f"uploading {local_dir} to {location.uri} failed: {exc}") from exc
    return uploaded


def _remove_stale_manifest(fs: Any, path: str) -> None:
    from pyarrow import fs as pafs

    if fs.get_file_info(path).type == pafs.FileType.File:
        fs.delete_file(path)


def _copy_to(src: Path, fs: Any, target: str, chunk_size: int) -> None:
    with src.open("rb") as fin, fs.open_output_stream(target, compression=None) as fout:
        while chunk := fin.read(chunk_size):
            fout.write(chunk)
