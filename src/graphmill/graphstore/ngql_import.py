"""Import an nGQL script: the ``CREATE SPACE/TAG/EDGE`` + ``INSERT VERTEX/EDGE`` subset of dumps.

Grammar (keywords are case-insensitive; names may be back-quoted)::

    DROP SPACE [IF EXISTS] space
    CREATE SPACE [IF NOT EXISTS] space [(option = value, …)] [COMMENT = 'text']
        options: partition_num, replica_factor (ints), vid_type (fixed_string(N) | int64 | int),
                 charset, collate (names)
    USE space
    CREATE {TAG | EDGE} [IF NOT EXISTS] name ([prop type [NULL | NOT NULL] [DEFAULT value]
        [COMMENT 'text'], …]) [ttl_duration = int | ttl_col = 'prop' | comment = 'text', …]
    CREATE {TAG | EDGE} INDEX [IF NOT EXISTS] index ON name ([prop [(length)], …]) [COMMENT 'text']
    INSERT VERTEX [IF NOT EXISTS] tag ([prop, …]) [, tag2 (…)] VALUES vid : (value, …) [, …]
    INSERT EDGE [IF NOT EXISTS] edge ([prop, …]) VALUES src -> dst [@ rank] : (value, …) [, …]

Values: ints (decimal or hex), floats, strings, ``true``/``false``, ``NULL``, a sign before a
number, and ``date("…")``, ``datetime("…")``, ``timestamp("…" | int)``.  Every value is
checked against its property's declared type; a property left out of an ``INSERT`` takes
its ``DEFAULT``, else NULL when nullable.  As in NebulaGraph, a later insert of the same
vertex (vid, tag) or edge (src, dst, rank) replaces the earlier one unless it says
``IF NOT EXISTS``; ``fixed_string(N)`` values are cut to N bytes; string vids longer than
the space's ``fixed_string(N)`` are refused.

The script works on one space; its own name for it (``nba`` in the basketballplayer script)
stands for the space being imported, and a statement naming any other space is an error.
``DROP SPACE`` discards everything the script defined before it.  Indexes are checked
(their tag or edge type and properties must exist) and then ignored: the embedded store
has no use for them.  Lines starting with ``:`` (nebula-console commands) are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphmill import errors
from graphmill.formats.vid import VidType
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.model import SpaceData, TableBuilder, check_schema, edge_schema, vertex_schema
from graphmill.graphstore.nebula_types import (
    FLOAT_TYPES,
    INT_RANGES,
    base_type,
    fixed_string,
    fixed_string_length,
    normalize_type,
)
from graphmill.graphstore.ngql_lexer import Kind, NgqlSyntaxError, Statement, Token, statements

__all__ = ["NgqlSyntaxError", "parse_ngql", "parse_ngql_file"]

#: NebulaGraph's vid type when CREATE SPACE names none.
_DEFAULT_VID_LEN = 8
_EPOCH = dt.datetime(1970, 1, 1)
_UNSET = object()


@dataclass(frozen=True)
class _Column:
    name: str
    type: str
    nullable: bool
    default: Any = _UNSET


@dataclass(frozen=True)
class _Value:
    #: int, float, string, bool, null, or the function of a literal call: date, datetime, timestamp.
    kind: str
    value: Any
    token: Token


class _Cursor:
    """Reads the tokens of one statement, raising errors that say where."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.tokens = statement.tokens
        self.i = 0

    def error(self, reason: str, token: Token | None = None) -> NgqlSyntaxError:
        if token is None:
            token = self.tokens[min(self.i, len(self.tokens) - 1)]
        return NgqlSyntaxError(reason, token.line, self.statement.text)

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else None

    def next(self, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise self.error(f"expected {what}, found the end of the statement")
        self.i += 1
        return token

    def at_keyword(self, word: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token.is_keyword(word)

    def accept_keywords(self, *words: str) -> bool:
        if all(self.at_keyword(word, k) for k, word in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def keyword(self, *words: str) -> None:
        for word in words:
            token = self.next(word.upper())
            if not token.is_keyword(word):
                raise self.error(f"expected {word.upper()}, found {token.text!r}", token)

    def accept_punct(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.is_punct(text):
            self.i += 1
            return True
        return False

    def punct(self, text: str) -> Token:
        token = self.next(repr(text))
        if not token.is_punct(text):
            raise self.error(f"expected {text!r}, found {token.text!r}", token)
        return token

    def name(self, what: str) -> tuple[str, Token]:
        token = self.next(what)
        if token.kind not in (Kind.IDENT, Kind.QIDENT):
            raise self.error(f"expected {what}, found {token.text!r}", token)
        return str(token.value), token

    def integer(self, what: str) -> int:
        negative = self.accept_punct("-")
        token = self.next(what)
        if token.kind is not Kind.INT:
            raise self.error(f"expected {what}, found {token.text!r}", token)
        return -int(token.value) if negative else int(token.value)

    def string_length(self, type_token: Token) -> int:
        """The ``(N)`` after ``fixed_string``: a positive length."""
        self.punct("(")
        length = self.integer("the string length")
        self.punct(")")
        if length <= 0:
            raise self.error("fixed_string length must be positive", type_token)
        return length

    def skip_comment_clause(self) -> None:
        """An optional ``COMMENT [=] 'text'`` after a space or index definition (not kept)."""
        if self.accept_keywords("comment"):
            self.accept_punct("=")
            self.next("a comment")

    def end(self) -> None:
        token = self.peek()
        if token is not None:
            raise self.error(f"unexpected {token.text!r}", token)

    def value(self) -> _Value:
        token = self.next("a value")
        if token.kind is Kind.PUNCT and token.text in ("-", "+"):
            number = self.next("a number")
            if number.kind not in (Kind.INT, Kind.FLOAT):
                raise self.error(f"expected a number after {token.text!r}, found {number.text!r}", number)
            magnitude = number.value
            assert isinstance(magnitude, int | float)
            kind = "int" if number.kind is Kind.INT else "float"
            return _Value(kind, -magnitude if token.text == "-" else magnitude, token)
        if token.kind is Kind.INT:
            return _Value("int", token.value, token)
        if token.kind is Kind.FLOAT:
            return _Value("float", token.value, token)
        if token.kind is Kind.STRING:
            return _Value("string", token.value, token)
        if token.kind is Kind.IDENT:
            word = token.text.lower()
            if word in ("true", "false"):
                return _Value("bool", word == "true", token)
            if word == "null":
                return _Value("null", None, token)
            if word in ("date", "datetime", "timestamp") and self.accept_punct("("):
                arg = self.next("an argument")
                if arg.kind is not Kind.STRING and not (word == "timestamp" and arg.kind is Kind.INT):
                    raise self.error(f"unsupported argument {arg.text!r} to {word}()", arg)
                self.punct(")")
                return _Value(word, arg.value, token)
        raise self.error(f"expected a value, found {token.text!r}", token)

    def value_list(self) -> list[_Value]:
        self.punct("(")
        values: list[_Value] = []
        if not self.accept_punct(")"):
            values.append(self.value())
            while self.accept_punct(","):
                values.append(self.value())
            self.punct(")")
        return values


def _parse_datetime(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _convert(value: _Value, column: _Column) -> Any:
    """The Python value of ``value`` for ``column``; ValueError saying why it does not fit."""
    if value.kind == "null":
        if not column.nullable:
            raise ValueError(f"property {column.name!r} is NOT NULL")
        return None
    kind, raw, ptype = value.kind, value.value, base_type(column.type)
    if ptype in INT_RANGES and kind == "int":
        low, high = INT_RANGES[ptype]
        if not low <= raw <= high:
            raise ValueError(f"{raw} is out of range for {ptype} property {column.name!r}")
        return raw
    if ptype in FLOAT_TYPES and kind in ("int", "float"):
        return float(raw)
    if ptype == "string" and kind == "string":
        length = fixed_string_length(column.type)
        if length is not None and len(raw.encode()) > length:
            raw = raw.encode()[:length].decode(errors="ignore")
        return raw
    if ptype == "bool" and kind == "bool":
        return raw
    try:
        if ptype == "timestamp" and kind in ("int", "timestamp", "string"):
            if isinstance(raw, int):
                return _EPOCH + dt.timedelta(seconds=raw)
            return _parse_datetime(raw).replace(microsecond=0)
        if ptype == "date" and kind in ("date", "string"):
            return dt.date.fromisoformat(raw.strip())
        if ptype == "datetime" and kind in ("datetime", "string"):
            return _parse_datetime(raw)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"invalid {ptype} {raw!r} for property {column.name!r}: {exc}") from None
    raise ValueError(f"property {column.name!r} has type {column.type}; {value.token.text} is a {kind} value")


def _prop_defs(schemas: dict[str, list[_Column]]) -> dict[str, tuple[PropDef, ...]]:
    return {name: tuple(PropDef(c.name, c.type) for c in columns) for name, columns in schemas.items()}


class _Importer:
    def __init__(self, name: str) -> None:
        self.name = name
        self.script_space: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.created = False
        self.in_use = False
        self.vid_type: VidType = "string"
        self.vid_len: int | None = _DEFAULT_VID_LEN
        self.tags: dict[str, list[_Column]] = {}
        self.edges: dict[str, list[_Column]] = {}
        self.tag_rows: dict[str, TableBuilder] = {}
        self.edge_rows: dict[str, TableBuilder] = {}

    # --- statements -------------------------------------------------------------------

    def run(self, statements: Iterable[Statement]) -> SpaceData:
        for statement in statements:
            self._statement(_Cursor(statement))
        if not self.created:
            raise NgqlSyntaxError("the script creates no space", 1)
        return SpaceData(
            vid_type=self.vid_type,
            tags=_prop_defs(self.tags),
            edges=_prop_defs(self.edges),
            vertices={name: rows.finish() for name, rows in self.tag_rows.items()},
            edge_tables={name: rows.finish() for name, rows in self.edge_rows.items()},
        )

    def _statement(self, cur: _Cursor) -> None:
        first = cur.next("a statement")
        verb = first.text.lower() if first.kind is Kind.IDENT else ""
        if verb == "drop":
            self._drop(cur)
        elif verb == "create":
            if cur.accept_keywords("space"):
                self._create_space(cur)
            elif cur.at_keyword("tag") or cur.at_keyword("edge"):
                kind = cur.next("TAG or EDGE").text.lower()
                if cur.accept_keywords("index"):
                    self._create_index(cur, kind)
                else:
                    self._create_schema(cur, kind)
            else:
                raise cur.error("expected SPACE, TAG or EDGE after CREATE")
        elif verb == "use":
            self._space_name(cur)
            if not self.created:
                raise cur.error("USE of a space the script has not created")
            self.in_use = True
        elif verb == "insert":
            if cur.accept_keywords("vertex"):
                self._insert_vertex(cur)
            elif cur.accept_keywords("edge"):
                self._insert_edge(cur)
            else:
                raise cur.error("expected VERTEX or EDGE after INSERT")
        else:
            raise cur.error(f"unsupported statement {first.text!r}", first)
        cur.end()

    def _space_name(self, cur: _Cursor) -> None:
        name, token = cur.name("a space name")
        if self.script_space is None:
            self.script_space = name
        elif name != self.script_space:
            raise cur.error(
                f"the script works on space {self.script_space!r} (imported as {self.name!r}), not {name!r}",
                token,
            )

    def _drop(self, cur: _Cursor) -> None:
        cur.keyword("space")
        cur.accept_keywords("if", "exists")
        self._space_name(cur)
        self._reset()

    def _create_space(self, cur: _Cursor) -> None:
        if_not_exists = cur.accept_keywords("if", "not", "exists")
        self._space_name(cur)
        if self.created and not if_not_exists:
            raise cur.error("the space already exists")
        vid_type: VidType = "string"
        vid_len: int | None = _DEFAULT_VID_LEN
        if cur.accept_punct("("):
            while True:
                option, token = cur.name("a space option")
                cur.punct("=")
                option = option.lower()
                if option in ("partition_num", "replica_factor"):
                    cur.integer("an integer")
                elif option in ("charset", "collate"):
                    cur.name(option)
                elif option == "vid_type":
                    vid_type, vid_len = self._vid_type(cur)
                else:
                    raise cur.error(f"unknown space option {option!r}", token)
                if not cur.accept_punct(","):
                    break
            cur.punct(")")
        cur.skip_comment_clause()
        if not self.created:
            self.created, self.vid_type, self.vid_len = True, vid_type, vid_len

    def _vid_type(self, cur: _Cursor) -> tuple[VidType, int | None]:
        name, token = cur.name("a vid type")
        if name.lower() in ("int64", "int"):
            return "int64", None
        if name.lower() == "fixed_string":
            return "string", cur.string_length(token)
        raise cur.error(f"unsupported vid_type {name!r}: use fixed_string(N) or int64", token)

    def _require_space(self, cur: _Cursor) -> None:
        if not self.in_use:
            raise cur.error("no space chosen: the script must USE its space first")

    def _create_schema(self, cur: _Cursor, kind: str) -> None:
        self._require_space(cur)
        if_not_exists = cur.accept_keywords("if", "not", "exists")
        name, token = cur.name(f"a {kind} name")
        schemas = self.tags if kind == "tag" else self.edges
        exists = name in self.tags or name in self.edges
        columns = self._column_defs(cur)
        while cur.peek() is not None:  # ttl_duration = …, ttl_col = …, comment = …
            option, option_token = cur.name("a schema option")
            if option.lower() not in ("ttl_duration", "ttl_col", "comment"):
                raise cur.error(f"unknown {kind} option {option!r}", option_token)
            cur.accept_punct("=")
            cur.next("an option value")
            cur.accept_punct(",")
        if exists:
            if if_not_exists:
                return
            raise cur.error(f"{name!r} already exists", token)
        props = tuple(PropDef(c.name, c.type) for c in columns)
        tags, edges = _prop_defs(self.tags), _prop_defs(self.edges)
        (tags if kind == "tag" else edges)[name] = props
        try:
            check_schema(tags, edges)
        except errors.ParamError as exc:
            raise cur.error(exc.detail, token) from None
        schemas[name] = columns
        if kind == "tag":
            self.tag_rows[name] = TableBuilder(vertex_schema(self.vid_type, props), ["vid"])
        else:
            self.edge_rows[name] = TableBuilder(edge_schema(self.vid_type, props), ["src", "dst", "rank"])

    def _column_defs(self, cur: _Cursor) -> list[_Column]:
        cur.punct("(")
        columns: list[_Column] = []
        if cur.accept_punct(")"):
            return columns
        while True:
            columns.append(self._column_def(cur))
            if not cur.accept_punct(","):
                break
        cur.punct(")")
        return columns

    def _column_def(self, cur: _Cursor) -> _Column:
        name, _ = cur.name("a property name")
        type_name, type_token = cur.name("a property type")
        if type_name.lower() == "fixed_string":
            ptype = fixed_string(cur.string_length(type_token))
        else:
            try:
                ptype = normalize_type(type_name)
            except ValueError as exc:
                raise cur.error(str(exc), type_token) from None
        nullable, default_value = True, None
        while True:
            if cur.accept_keywords("not", "null"):
                nullable = False
            elif cur.accept_keywords("null"):
                nullable = True
            elif cur.accept_keywords("default"):
                default_value = cur.value()
            elif cur.accept_keywords("comment"):
                comment = cur.next("a comment")
                if comment.kind is not Kind.STRING:
                    raise cur.error("expected a quoted comment", comment)
            else:
                break
        column = _Column(name, ptype, nullable)
        if default_value is None:
            return column
        try:
            default = _convert(default_value, column)
        except ValueError as exc:
            raise cur.error(f"bad DEFAULT: {exc}", default_value.token) from None
        return _Column(name, ptype, nullable, default)

    def _create_index(self, cur: _Cursor, kind: str) -> None:
        self._require_space(cur)
        cur.accept_keywords("if", "not", "exists")
        cur.name("an index name")
        cur.keyword("on")
        name, token = cur.name(f"a {kind} name")
        schemas = self.tags if kind == "tag" else self.edges
        if name not in schemas:
            raise cur.error(f"{kind} {name!r} does not exist", token)
        known = {c.name for c in schemas[name]}
        cur.punct("(")
        if not cur.accept_punct(")"):
            while True:
                prop, prop_token = cur.name("a property name")
                if prop not in known:
                    raise cur.error(f"{kind} {name!r} has no property {prop!r}", prop_token)
                if cur.accept_punct("("):
                    cur.integer("an index length")
                    cur.punct(")")
                if not cur.accept_punct(","):
                    break
            cur.punct(")")
        cur.skip_comment_clause()

    # --- inserts --------------------------------------------------------------------

    def _prop_list(self, cur: _Cursor, kind: str) -> tuple[str, list[_Column], list[int | None]]:
        """``name(p1, p2)``: the schema's columns and, per column, its position in the value list."""
        name, token = cur.name(f"a {kind} name")
        schemas = self.tags if kind == "tag" else self.edges
        if name not in schemas:
            raise cur.error(f"{kind} {name!r} does not exist", token)
        columns = schemas[name]
        by_name = {c.name: i for i, c in enumerate(columns)}
        positions: list[int | None] = [None] * len(columns)
        cur.punct("(")
        given = 0
        if not cur.accept_punct(")"):
            while True:
                prop, prop_token = cur.name("a property name")
                if prop not in by_name:
                    raise cur.error(f"{kind} {name!r} has no property {prop!r}", prop_token)
                if positions[by_name[prop]] is not None:
                    raise cur.error(f"property {prop!r} is given twice", prop_token)
                positions[by_name[prop]] = given
                given += 1
                if not cur.accept_punct(","):
                    break
            cur.punct(")")
        for column, position in zip(columns, positions, strict=True):
            if position is None and column.default is _UNSET and not column.nullable:
                raise cur.error(f"property {column.name!r} of {kind} {name!r} is NOT NULL and has no default")
        return name, columns, positions

    def _row(
        self,
        cur: _Cursor,
        values: list[_Value],
        offset: int,
        columns: list[_Column],
        positions: list[int | None],
    ) -> list[Any]:
        row: list[Any] = []
        for column, position in zip(columns, positions, strict=True):
            if position is None:
                row.append(None if column.default is _UNSET else column.default)
                continue
            value = values[offset + position]
            try:
                row.append(_convert(value, column))
            except ValueError as exc:
                raise cur.error(str(exc), value.token) from None
        return row

    def _vid(self, cur: _Cursor) -> Any:
        value = cur.value()
        if self.vid_type == "int64":
            if value.kind != "int":
                raise cur.error(f"vid {value.token.text} is not an int64 (the space's vid_type)", value.token)
            low, high = INT_RANGES["int64"]
            if not low <= value.value <= high:
                raise cur.error(f"vid {value.value} is out of the int64 range", value.token)
            return value.value
        if value.kind != "string":
            raise cur.error(f"vid {value.token.text} is not a string (the space's vid_type)", value.token)
        if self.vid_len is not None and len(value.value.encode()) > self.vid_len:
            raise cur.error(
                f"vid {value.token.text} is longer than fixed_string({self.vid_len})", value.token
            )
        return value.value

    def _insert_vertex(self, cur: _Cursor) -> None:
        self._require_space(cur)
        keep_existing = cur.accept_keywords("if", "not", "exists")
        specs = [self._prop_list(cur, "tag")]
        while cur.accept_punct(","):
            specs.append(self._prop_list(cur, "tag"))
        expected = sum(sum(p is not None for p in positions) for _, _, positions in specs)
        cur.keyword("values")
        while True:
            vid = self._vid(cur)
            cur.punct(":")
            start = cur.peek()
            values = cur.value_list()
            if len(values) != expected:
                raise cur.error(f"{len(values)} values given for {expected} properties", start)
            offset = 0
            for name, columns, positions in specs:
                row = self._row(cur, values, offset, columns, positions)
                self.tag_rows[name].append([vid, *row], keep_existing=keep_existing)
                offset += sum(p is not None for p in positions)
            if not cur.accept_punct(","):
                break

    def _insert_edge(self, cur: _Cursor) -> None:
        self._require_space(cur)
        keep_existing = cur.accept_keywords("if", "not", "exists")
        name, columns, positions = self._prop_list(cur, "edge")
        expected = sum(p is not None for p in positions)
        rows = self.edge_rows[name]
        cur.keyword("values")
        while True:
            src = self._vid(cur)
            cur.punct("->")
            dst = self._vid(cur)
            rank = cur.integer("a rank") if cur.accept_punct("@") else 0
            low, high = INT_RANGES["int64"]
            if not low <= rank <= high:
                raise cur.error(f"rank {rank} is out of the int64 range")
            cur.punct(":")
            start = cur.peek()
            values = cur.value_list()
            if len(values) != expected:
                raise cur.error(f"{len(values)} values given for {expected} properties", start)
            rows.append(
                [src, dst, rank, *self._row(cur, values, 0, columns, positions)], keep_existing=keep_existing
            )
            if not cur.accept_punct(","):
                break


def parse_ngql(name: str, lines: Iterable[str]) -> SpaceData:
    """The space an nGQL script (given as lines) defines, imported as ``name``."""
    return _Importer(name).run(statements(lines))


def parse_ngql_file(name: str, path: Path) -> SpaceData:
    """The space the nGQL script at ``path`` defines, imported as ``name``; read line by line."""
    try:
        with path.open(encoding="utf-8") as lines:
            return parse_ngql(name, lines)
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.ParamError(f"cannot read the nGQL script {path}: {exc}") from None
