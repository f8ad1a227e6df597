"""nGQL text for NebulaGraph: quoted names, safe literals and the write-back statements.

Everything here is a pure function; nothing talks to a cluster.

Names (spaces, tags, edge types, properties) are always written back-quoted.  NebulaGraph's
lexer has no escape inside back-quotes but takes anything else there (``CREATE TAG `¥%特殊
字符&*+-*/```), so a name holding a back-quote, a line break or another control character, or
longer than graphmill keeps, is refused before any text is built; spaces, punctuation and
non-ASCII letters are written as they are.

String literals are double-quoted with ``\\\\``, ``\\"``, ``\\n``, ``\\r``, ``\\t``, ``\\b`` and
``\\f`` escaped: the lexer refuses a raw line break inside a string, and a backslash is always
doubled, so no octal (``\\101``) or unicode (``\\u0041``) escape can be formed by accident.
Other characters, non-ASCII ones included, are written as they are.  A string holding NUL or
text that is not valid Unicode is refused.  Numbers are decimal literals (a double always
has a ``.`` or an exponent, so it stays a double); NaN and ±infinity have no literal and are
refused.  ``None`` is ``NULL``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from graphmill import errors
from graphmill.formats.names import schema_name_problem
from graphmill.formats.ngql_strings import string_literal
from graphmill.formats.vid import VidType
from graphmill.graphstore.nebula_types import INT_RANGES, normalize_type

WriteMode = Literal["insert", "update"]

#: Longest name (in UTF-8 bytes) NebulaGraph's lexer accepts.
_MAX_NAME = 4096
_INT_TEXT = re.compile(r"[+-]?[0-9]+")


# --- names and literals ---------------------------------------------------------------------


def is_quotable_name(name: str) -> bool:
    """Whether ``name`` can be written back-quoted (see the module docstring)."""
    problem = schema_name_problem(name)
    too_long_here_only = problem is not None and problem.startswith("it is longer")
    return 0 < len(name.encode("utf-8")) <= _MAX_NAME and (problem is None or too_long_here_only)


def quote_name(kind: str, name: str) -> str:
    """``name`` back-quoted; ValueError naming ``kind`` when it cannot be written safely."""
    if not is_quotable_name(name):
        raise ValueError(
            f"{kind} name {name!r} cannot be written in nGQL: {schema_name_problem(name) or 'it is too long'}"
        )
    return f"`{name}`"


def int_literal(value: int, type_name: str = "int64") -> str:
    """``value`` as an integer literal, checked against the range of ``type_name`` (int8…int64)."""
    low, high = INT_RANGES.get(type_name, INT_RANGES["int64"])
    if not low <= value <= high:
        raise ValueError(f"{value} is out of the range of {type_name} ({low}..{high})")
    return str(value)


def float_literal(value: float) -> str:
    """``value`` as a double literal (shortest text that reads back as the same double)."""
    if not math.isfinite(value):
        raise ValueError(f"{value} has no nGQL literal (NaN and infinities cannot be written)")
    text = repr(float(value))
    return text if any(c in text for c in ".eE") else text + ".0"


def prop_family(type_name: str) -> str:
    """The kind of literal a property type takes: ``int``, ``float``, ``string`` or the type itself."""
    name = canonical_type(type_name)
    if name in INT_RANGES:
        return "int"
    if name in {"float", "double"}:
        return "float"
    if name == "string" or name.startswith("fixed_string("):
        return "string"
    return name


def canonical_type(type_name: str) -> str:
    """A type name as graphmill writes it: normalised when supported, else lower-cased as given."""
    try:
        return normalize_type(type_name)
    except ValueError:
        return "".join(type_name.split()).lower()


def vid_type_of(described: str) -> VidType:
    """The vid type of ``DESCRIBE SPACE``'s ``Vid Type`` (``FIXED_STRING(32)`` → ``string``)."""
    text = "".join(described.split()).lower()
    if text in {"int64", "int"}:
        return "int64"
    if text.startswith("fixed_string") or text == "string":
        return "string"
    raise ValueError(f"unknown vid type {described!r}")


def _text_of(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_literal(value)
    return str(value)


def value_literal(value: object, type_name: str) -> str:
    """``value`` as a literal for a property of ``type_name``; ValueError when it does not fit."""
    if value is None:
        return "NULL"
    name = canonical_type(type_name)
    family = prop_family(name)
    if family == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return int_literal(value, name)
    elif family == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float_literal(float(value))
    elif family == "string":
        if isinstance(value, str | int | float | bool):
            return string_literal(value if isinstance(value, str) else _text_of(value))
    elif family == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
    elif family == "timestamp":
        if isinstance(value, dt.datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            return int_literal(math.floor(moment.timestamp()))
        if isinstance(value, int) and not isinstance(value, bool):
            return int_literal(value)
        if isinstance(value, str):
            return f"timestamp({string_literal(value)})"
    elif family == "datetime":
        if isinstance(value, dt.datetime):
            moment = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
            return f"datetime({string_literal(moment.isoformat(timespec='microseconds'))})"
        if isinstance(value, str):
            return f"datetime({string_literal(value)})"
    elif family == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return f"date({string_literal(value.isoformat())})"
        if isinstance(value, str):
            return f"date({string_literal(value)})"
    elif family == "time":
        if isinstance(value, dt.time):
            return f"time({string_literal(value.replace(tzinfo=None).isoformat(timespec='microseconds'))})"
        if isinstance(value, str):
            return f"time({string_literal(value)})"
    else:
        raise ValueError(f"graphmill cannot write properties of type {name}")
    raise ValueError(f"{value!r} ({type(value).__name__}) is not a valid {name} value")


def vid_key(value: object, vid_type: VidType) -> int | str:
    """``value`` as a vertex id of a space whose vids are ``vid_type`` (ValueError if it cannot be one).

    An int64 space takes integers (and integral floats or integer text); a string space takes
    non-empty text (and integers, as their decimal text).
    """
    if value is None or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a vertex id")
    if vid_type == "int64":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, int):
            int_literal(value)  # range check
            return value
        raise ValueError(f"{value!r} is not an int64 vertex id")
    if isinstance(value, str):
        if not value:
            raise ValueError("the vertex id is an empty string")
        return value
    if isinstance(value, int):
        return str(value)
    raise ValueError(f"{value!r} ({type(value).__name__}) is not a string vertex id")


def vid_literal(value: object, vid_type: VidType) -> str:
    """A vertex id literal for a space whose vids are ``vid_type``."""
    key = vid_key(value, vid_type)
    return str(key) if isinstance(key, int) else string_literal(key)


# --- write-back -----------------------------------------------------------------------------


def insert_statement(tag: str, props: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """``INSERT VERTEX tag(p…) VALUES vid:(v…), …`` from already rendered literals."""
    names = ", ".join(quote_name("property", p) for p in props)
    values = ", ".join(f"{vid}:({', '.join(literals)})" for vid, literals in rows)
    return f"INSERT VERTEX {quote_name('tag', tag)}({names}) VALUES {values}"


def update_statement(tag: str, vid: str, props: Sequence[str], literals: Sequence[str]) -> str:
    """``UPDATE VERTEX ON tag vid SET p = v, …`` from already rendered literals."""
    sets = ", ".join(f"{quote_name('property', p)} = {v}" for p, v in zip(props, literals, strict=True))
    return f"UPDATE VERTEX ON {quote_name('tag', tag)} {vid} SET {sets}"


def fetch_ids_statement(tag: str, vids: Sequence[str]) -> str:
    """``FETCH PROP ON tag vid, … YIELD id(vertex) AS vid``: which of ``vids`` carry ``tag``."""
    return f"FETCH PROP ON {quote_name('tag', tag)} {', '.join(vids)} YIELD id(vertex) AS vid"


@dataclass(frozen=True)
class RenderedRow:
    """One result row ready for nGQL: its vertex id (as a key and as a literal) and its values."""

    #: 0-based row number in the result.
    row: int
    vid: int | str
    vid_text: str
    literals: tuple[str, ...]


@dataclass(frozen=True)
class WriteBatch:
    """One request of a write-back: its nGQL text and the rows it writes."""

    text: str
    first_row: int
    rows: int


def check_write_back(table: pa.Table, *, tag: str, props: Sequence[str]) -> None:
    """TaskFailed unless ``table`` can feed ``props`` of ``tag`` (names writable, enough columns)."""
    if not props:
        raise errors.TaskFailed("no property to write: name at least one (prop)")
    if len(set(props)) != len(props):
        raise errors.TaskFailed(f"a property is named twice in {', '.join(props)}")
    if table.num_columns < len(props) + 1:
        raise errors.TaskFailed(
            f"the result has {table.num_columns} column(s) ({', '.join(table.column_names)}): "
            f"a vertex id column and one column per property ({', '.join(props)}) are needed"
        )
    try:
        quote_name("tag", tag)
        for prop in props:
            quote_name("property", prop)
    except ValueError as exc:
        raise errors.TaskFailed(str(exc)) from None


def render_rows(
    table: pa.Table,
    *,
    tag: str,
    props: Sequence[str],
    prop_types: Sequence[str],
    vid_type: VidType,
    batch_size: int,
) -> Iterator[list[RenderedRow]]:
    """The rows of ``table``, ``batch_size`` at a time, as literals for ``props`` of ``tag``.

    The table's first column holds the vertex ids; the next ``len(props)`` ones, in order,
    the values of ``props``, rendered for ``prop_types`` (the types the tag declares); further
    columns are ignored.  A value that does not fit raises :class:`graphmill.errors.TaskFailed`
    naming the row, the vertex and the property, when its batch is rendered.
    """
    if batch_size < 1:
        raise errors.TaskFailed(f"the write batch size must be at least 1, not {batch_size}")
    if len(props) != len(prop_types):
        raise errors.TaskFailed(f"{len(props)} properties but {len(prop_types)} types")
    check_write_back(table, tag=tag, props=props)
    columns = table.column_names
    for start in range(0, table.num_rows, batch_size):
        chunk = table.slice(start, batch_size)
        vids = chunk.column(0).to_pylist()
        values = [chunk.column(i + 1).to_pylist() for i in range(len(props))]
        rendered: list[RenderedRow] = []
        for offset, vid in enumerate(vids):
            row = start + offset
            try:
                key = vid_key(vid, vid_type)
            except ValueError as exc:
                raise errors.TaskFailed(
                    f"row {row + 1}, column '{columns[0]}': cannot write vertex id: {exc}"
                ) from None
            literals: list[str] = []
            for i, (prop, type_name) in enumerate(zip(props, prop_types, strict=True)):
                try:
                    literals.append(value_literal(values[i][offset], type_name))
                except ValueError as exc:
                    raise errors.TaskFailed(
                        f"row {row + 1} (vertex {vid!r}), column '{columns[i + 1]}': cannot write "
                        f"property '{prop}' of tag '{tag}': {exc}"
                    ) from None
            rendered.append(RenderedRow(row, key, vid_literal(key, vid_type), tuple(literals)))
        yield rendered


def batch_text(tag: str, props: Sequence[str], rows: Sequence[RenderedRow], mode: WriteMode) -> str:
    """One request writing ``rows``: an ``INSERT VERTEX``, or ``UPDATE VERTEX`` statements joined by ``;``."""
    if mode == "insert":
        return insert_statement(tag, props, [(r.vid_text, r.literals) for r in rows])
    return "; ".join(update_statement(tag, r.vid_text, props, r.literals) for r in rows)


def write_back_batches(
    table: pa.Table,
    *,
    tag: str,
    props: Sequence[str],
    prop_types: Sequence[str],
    vid_type: VidType,
    mode: WriteMode,
    batch_size: int,
) -> Iterator[WriteBatch]:
    """The requests that write ``table`` as properties ``props`` of ``tag``, ``batch_size`` rows each.

    Rows as in :func:`render_rows`.  ``insert`` makes one ``INSERT VERTEX`` statement per
    batch; ``update`` one ``UPDATE VERTEX`` statement per row, joined with ``;`` into one
    request per batch.
    """
    if mode not in ("insert", "update"):
        raise errors.TaskFailed(f"write mode must be 'insert' or 'update', not {mode!r}")
    for rows in render_rows(
        table, tag=tag, props=props, prop_types=prop_types, vid_type=vid_type, batch_size=batch_size
    ):
        yield WriteBatch(batch_text(tag, props, rows, mode), rows[0].row, len(rows))


__all__ = [
    "RenderedRow",
    "WriteBatch",
    "WriteMode",
    "batch_text",
    "canonical_type",
    "check_write_back",
    "fetch_ids_statement",
    "float_literal",
    "insert_statement",
    "int_literal",
    "is_quotable_name",
    "prop_family",
    "quote_name",
    "render_rows",
    "string_literal",
    "update_statement",
    "value_literal",
    "vid_key",
    "vid_literal",
    "vid_type_of",
    "write_back_batches",
]
