"""Import a folder of CSV files (with headers): one file per tag and per edge type.

A file whose header starts with ``src,dst`` holds an edge type (``src,dst[,rank],props…``);
one whose header starts with ``vid`` holds a tag (``vid,props…``).  The file name without
``.csv`` names the tag or edge type; files not ending in ``.csv`` are ignored.

Types are inferred over the whole file, not just its first block: every file is streamed
twice with ``pyarrow.csv``.  The first pass reads strings and narrows each property to the
first of ``int64``, ``double``, ``bool``, ``string`` that all its non-null values convert
to (a column with no values is ``string``); the second pass lets pyarrow's reader convert
with those types.  Null markers are pyarrow's defaults (empty, ``NULL``, ``NaN``, …) for
numbers and booleans; a string property keeps an empty field as ``""``.  Dates and times
stay strings.  The vid type is ``int64`` when every vid, src and dst parses as one, else
``string``, unless the caller says which.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphmill import errors
from graphmill.formats.vid import VidType
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.model import SpaceData, check_name, edge_schema, resolve_writes, vertex_schema

_CANDIDATES = ("int64", "double", "bool", "string")
_ARROW = {"int64": pa.int64(), "double": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
_BOOL_WORDS = pa.array(["true", "True", "TRUE", "false", "False", "FALSE"])


@dataclass
class _File:
    path: Path
    name: str
    is_edge: bool
    #: Vid columns (vid, or src and dst) and the rank column if any.
    key_columns: list[str]
    props: list[str]
    #: Per property, the types still possible.
    candidates: dict[str, list[str]] = field(default_factory=dict)
    vids_are_ints: bool = True


def _batches(
    path: Path, column_types: dict[str, pa.DataType], *, strings_can_be_null: bool
) -> Iterator[pa.RecordBatch]:
    try:
        reader = pacsv.open_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=column_types, strings_can_be_null=strings_can_be_null
            ),
        )
        yield from reader
    except (pa.ArrowInvalid, OSError) as exc:
        raise errors.ParamError(f"cannot read {path.name}: {exc}") from None


def _header(path: Path) -> list[str]:
    try:
        with pacsv.open_csv(path) as reader:
            names: list[str] = reader.schema.names
    except (pa.ArrowInvalid, OSError) as exc:
        raise errors.ParamError(f"cannot read {path.name}: {exc}") from None
    return names


def _describe(path: Path) -> _File:
    name = path.name[: -len(".csv")]
    try:
        check_name("tag or edge", name)
    except errors.ParamError as exc:
        raise errors.ParamError(f"{path.name}: {exc.detail}") from None
    columns = _header(path)
    if len(set(columns)) != len(columns):
        raise errors.ParamError(f"{path.name}: the header repeats a column name")
    if columns[:2] == ["src", "dst"]:
        keys = ["src", "dst", "rank"] if columns[2:3] == ["rank"] else ["src", "dst"]
        described = _File(path, name, True, keys, columns[len(keys) :])
    elif columns[:1] == ["vid"]:
        described = _File(path, name, False, ["vid"], columns[1:])
    else:
        raise errors.ParamError(
            f"{path.name}: cannot tell whether it holds a tag or an edge type: "
            "its header must start with 'vid' (tag) or 'src,dst' (edge)"
        )
    described.candidates = {prop: list(_CANDIDATES) for prop in described.props}
    return described


def _converts(column: pa.Array, target: pa.DataType) -> bool:
    try:
        pc.cast(column, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _infer(file: _File) -> None:
    """First pass: narrow each property's candidate types and check the vids and ranks."""
    strings = dict.fromkeys(file.key_columns + file.props, pa.string())
    for batch in _batches(file.path, strings, strings_can_be_null=True):
        for key in file.key_columns:
            column = batch.column(key)
            if column.null_count:
                raise errors.ParamError(f"{file.path.name}: column {key!r} has an empty value")
            if key == "rank":
                if not _converts(column, pa.int64()):
                    raise errors.ParamError(
                        f"{file.path.name}: column 'rank' holds a value that is not an int64"
                    )
            elif file.vids_are_ints and not _converts(column, pa.int64()):
                file.vids_are_ints = False
        for prop in file.props:
            column = batch.column(prop).drop_null()
            if len(column) == 0:
                continue
            remaining = file.candidates[prop]
            if "int64" in remaining and not _converts(column, pa.int64()):
                remaining.remove("int64")
            if "double" in remaining and not _converts(column, pa.float64()):
                remaining.remove("double")
            if "bool" in remaining and not pc.all(pc.is_in(column, value_set=_BOOL_WORDS)).as_py():
                remaining.remove("bool")


def _prop_type(file: _File, prop: str) -> str:
    remaining = file.candidates[prop]
    # A column that never held a value keeps every candidate: call it a string.
    return "string" if len(remaining) == len(_CANDIDATES) else remaining[0]


def _load(file: _File, vid_type: VidType, props: tuple[PropDef, ...]) -> pa.Table:
    """Second pass: read with the inferred types and shape the table like the snapshots."""
    vid = pa.int64() if vid_type == "int64" else pa.string()
    types: dict[str, pa.DataType] = {key: vid for key in file.key_columns}
    if "rank" in types:
        types["rank"] = pa.int64()
    types.update({p.name: _ARROW[p.type] for p in props})
    batches = list(_batches(file.path, types, strings_can_be_null=False))
    table = pa.Table.from_batches(
        batches, schema=pa.schema([(c, types[c]) for c in file.key_columns + file.props])
    )
    if file.is_edge:
        if "rank" not in file.key_columns:
            table = table.add_column(2, "rank", pa.array([0] * table.num_rows, pa.int64()))
        table = table.cast(edge_schema(vid_type, props))
        return resolve_writes(table, ["src", "dst", "rank"])
    table = table.cast(vertex_schema(vid_type, props))
    return resolve_writes(table, ["vid"])


def read_csv_dir(path: Path, *, vid_type: VidType | None = None) -> SpaceData:
    """The space the CSV files in the folder ``path`` describe."""
    if not path.is_dir():
        raise errors.ParamError(f"{path} is not a folder")
    files = [_describe(p) for p in sorted(path.iterdir()) if p.is_file() and p.name.lower().endswith(".csv")]
    if not files:
        raise errors.ParamError(f"{path} holds no .csv file")
    seen: set[str] = set()
    for file in files:
        if file.name in seen:
            raise errors.ParamError(f"two files define {file.name!r}")
        seen.add(file.name)
        _infer(file)
    ints = all(file.vids_are_ints for file in files)
    if vid_type is None:
        vid_type = "int64" if ints else "string"
    elif vid_type == "int64" and not ints:
        bad = next(file for file in files if not file.vids_are_ints)
        raise errors.ParamError(f"{bad.path.name}: a vid is not an int64 but the vid type is int64")
    tags: dict[str, tuple[PropDef, ...]] = {}
    edges: dict[str, tuple[PropDef, ...]] = {}
    vertices: dict[str, pa.Table] = {}
    edge_tables: dict[str, pa.Table] = {}
    for file in files:
        props = tuple(PropDef(prop, _prop_type(file, prop)) for prop in file.props)
        table = _load(file, vid_type, props)
        if file.is_edge:
            edges[file.name], edge_tables[file.name] = props, table
        else:
            tags[file.name], vertices[file.name] = props, table
    data = SpaceData(vid_type, tags, edges, vertices, edge_tables)
    data.validate()
    return data
