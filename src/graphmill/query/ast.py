"""The syntax tree of the nGQL read subset (see :mod:`graphmill.query.parser`).

Every node is an immutable dataclass carrying the position (line, column, both 1-based) of
its first character, so that later stages can say where a problem is.  :func:`ngql_text`
prints an expression the way NebulaGraph names an unaliased result column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral
from typing import TypeAlias

#: A value a literal or a bound placeholder can hold.
Scalar: TypeAlias = str | int | float | bool | None


@dataclass(frozen=True)
class Pos:
    """Where a construct starts in the query text (1-based)."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


NOWHERE = Pos(0, 0)


# --- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    pos: Pos = field(default=NOWHERE, kw_only=True, compare=False)


@dataclass(frozen=True)
class Const(Expr):
    """A literal: string, integer, float, boolean or NULL."""

    value: Scalar


@dataclass(frozen=True)
class ListExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Placeholder(Expr):
    """``${name}``: a workflow parameter, replaced by a literal when the query is bound."""

    name: str


@dataclass(frozen=True)
class Name(Expr):
    """A bare identifier: a variable, a tag or edge type name, or ``vertex`` / ``edge``."""

    name: str


@dataclass(frozen=True)
class Attr(Expr):
    """``base.name``: a property, or a tag / edge type qualifier."""

    base: Expr
    name: str


@dataclass(frozen=True)
class SrcRef(Expr):
    """``$^``: the vertex a GO step starts from."""


@dataclass(frozen=True)
class DstRef(Expr):
    """``$$``: the vertex a GO step arrives at."""


@dataclass(frozen=True)
class InputCol(Expr):
    """``$-.name``: a column of the statement piped into this one."""

    name: str


@dataclass(frozen=True)
class UserVar(Expr):
    """``$name``: a user-defined variable (not supported: it needs a second statement)."""

    name: str


@dataclass(frozen=True)
class Call(Expr):
    """A function call; ``star`` for ``count(*)``."""

    name: str
    args: tuple[Expr, ...]
    distinct: bool = False
    star: bool = False


@dataclass(frozen=True)
class MapExpr(Expr):
    """``{key: value, …}``: arguments of ``date()``, ``duration()`` and the like."""

    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class Case(Expr):
    """``CASE [subject] WHEN a THEN b … [ELSE c] END``."""

    subject: Expr | None
    whens: tuple[tuple[Expr, Expr], ...]
    default: Expr | None = None


@dataclass(frozen=True)
class Predicate(Expr):
    """``any|all|none|single(var IN source WHERE condition)``."""

    kind: str
    var: str
    source: Expr
    condition: Expr


@dataclass(frozen=True)
class Subscript(Expr):
    """``base[index]``."""

    base: Expr
    index: Expr


UnaryOp: TypeAlias = TypingLiteral["-", "+", "NOT"]


@dataclass(frozen=True)
class Unary(Expr):
    op: UnaryOp
    operand: Expr


#: Binary operators, normalised (``=`` and ``==`` are both ``==``; ``<>`` is ``!=``).
BinaryOp: TypeAlias = TypingLiteral[
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "AND",
    "OR",
    "XOR",
    "IN",
    "NOT IN",
    "STARTS WITH",
    "NOT STARTS WITH",
    "ENDS WITH",
    "NOT ENDS WITH",
    "CONTAINS",
    "NOT CONTAINS",
]


@dataclass(frozen=True)
class Binary(Expr):
    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True)
class IsNull(Expr):
    operand: Expr
    negated: bool = False


# --- clauses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One column of RETURN / YIELD: an expression and its alias."""

    expr: Expr
    alias: str | None
    pos: Pos = field(default=NOWHERE, compare=False)

    @property
    def column(self) -> str:
        """The column's name as NebulaGraph shows it."""
        return self.alias if self.alias is not None else ngql_text(self.expr)


@dataclass(frozen=True)
class OrderItem:
    expr: Expr
    descending: bool = False


#: A count in the query (steps, SKIP, LIMIT): a literal integer or a placeholder.
Count: TypeAlias = Const | Placeholder


@dataclass(frozen=True)
class NodePattern:
    var: str | None
    labels: tuple[str, ...]
    props: tuple[tuple[str, Expr], ...]
    pos: Pos = field(default=NOWHERE, compare=False)


Direction: TypeAlias = TypingLiteral["out", "in", "both"]


@dataclass(frozen=True)
class EdgePattern:
    var: str | None
    types: tuple[str, ...]
    direction: Direction
    #: ``None`` for a single edge; ``(min, max)`` for ``*min..max`` (max None when unbounded).
    hops: tuple[int, int | None] | None
    props: tuple[tuple[str, Expr], ...]
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class PathPattern:
    """``(a)-[e]->(b)…``: nodes[i] and nodes[i + 1] are joined by edges[i]."""

    nodes: tuple[NodePattern, ...]
    edges: tuple[EdgePattern, ...]
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class MatchClause:
    patterns: tuple[PathPattern, ...]
    where: Expr | None
    pos: Pos = field(default=NOWHERE, compare=False)
    #: ``OPTIONAL MATCH``: rows without a match keep NULLs.
    optional: bool = False


@dataclass(frozen=True)
class UnwindClause:
    """``UNWIND list AS var``."""

    expr: Expr
    var: str
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class WithClause:
    """``WITH items [ORDER BY …] [SKIP n] [LIMIT n] [WHERE …]``: the names after it are its items'."""

    projection: Projection
    where: Expr | None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Projection:
    """RETURN / YIELD with its modifiers (only RETURN has ORDER BY, SKIP and LIMIT)."""

    distinct: bool
    items: tuple[Item, ...]
    order: tuple[OrderItem, ...] = ()
    skip: Count | None = None
    limit: Count | None = None
    pos: Pos = field(default=NOWHERE, compare=False)


# --- statements ----------------------------------------------------------------------------


#: The clauses of a MATCH statement before its RETURN.
ReadingClause: TypeAlias = MatchClause | UnwindClause | WithClause


@dataclass(frozen=True)
class MatchStmt:
    clauses: tuple[ReadingClause, ...]
    ret: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class ReturnStmt:
    ret: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class VidList:
    """Vertex ids written in the query (literals or placeholders)."""

    items: tuple[Expr, ...]
    pos: Pos = field(default=NOWHERE, compare=False)


#: Where GO and FETCH take their vertex ids from.
VidSource: TypeAlias = VidList | InputCol


@dataclass(frozen=True)
class GoStmt:
    #: ``(m, n)``: GO n STEPS is ``(n, n)``; GO m TO n STEPS is ``(m, n)``.
    steps: tuple[Count, Count]
    source: VidSource
    #: Edge types after OVER; empty for ``OVER *``.
    over: tuple[str, ...]
    direction: Direction
    where: Expr | None
    yield_: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class EdgeKey:
    src: Expr
    dst: Expr
    rank: Expr | None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class FetchVerticesStmt:
    #: Tags after ON; empty for ``ON *``.
    tags: tuple[str, ...]
    source: VidSource
    yield_: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class FetchEdgesStmt:
    edge: str
    keys: tuple[EdgeKey, ...]
    yield_: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class LookupStmt:
    #: A tag or an edge type: which one is known only with the schema.
    name: str
    where: Expr | None
    yield_: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class OrderPipe:
    """``| ORDER BY $-.col [ASC|DESC], …``."""

    items: tuple[OrderItem, ...]
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class LimitPipe:
    """``| LIMIT [offset,] count``."""

    offset: Count | None
    count: Count
    pos: Pos = field(default=NOWHERE, compare=False)


Statement: TypeAlias = MatchStmt | ReturnStmt | GoStmt | FetchVerticesStmt | FetchEdgesStmt | LookupStmt


@dataclass(frozen=True)
class GroupPipe:
    """``| GROUP BY $-.a, … YIELD …``: the YIELD's aggregates per group of the keys."""

    keys: tuple[Expr, ...]
    yield_: Projection
    pos: Pos = field(default=NOWHERE, compare=False)


PipeStage: TypeAlias = GoStmt | FetchVerticesStmt | OrderPipe | LimitPipe | GroupPipe


@dataclass(frozen=True)
class Query:
    """One statement, optionally followed by ``| …`` stages."""

    first: Statement
    pipes: tuple[PipeStage, ...] = ()


# --- printing ------------------------------------------------------------------------------

_KEYWORD_NAMES = {"vertex": "VERTEX", "edge": "EDGE"}


def _const_text(value: Scalar) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return str(value)


def ngql_text(expr: Expr) -> str:
    """``expr`` as NebulaGraph prints it in an unaliased column name (e.g. ``dst(EDGE)``)."""
    match expr:
        case Const(value=value):
            return _const_text(value)
        case ListExpr(items=items):
            return "[" + ",".join(ngql_text(i) for i in items) + "]"
        case Placeholder(name=name):
            return "${" + name + "}"
        case Name(name=name):
            return _KEYWORD_NAMES.get(name.lower(), name)
        case Attr(base=base, name=name):
            return f"{ngql_text(base)}.{name}"
        case SrcRef():
            return "$^"
        case DstRef():
            return "$$"
        case InputCol(name=name):
            return f"$-.{name}"
        case UserVar(name=name):
            return f"${name}"
        case Call(name=name, star=True):
            return f"{name}(*)"
        case Call(name=name, args=args, distinct=distinct):
            return f"{name}({'distinct ' if distinct else ''}{','.join(ngql_text(a) for a in args)})"
        case Subscript(base=base, index=index):
            return f"{ngql_text(base)}[{ngql_text(index)}]"
        case Unary(op="NOT", operand=operand):
            return f"!({ngql_text(operand)})"
        case Unary(op=op, operand=operand):
            return f"{op}({ngql_text(operand)})"
        case Binary(op=op, left=left, right=right):
            if op in ("AND", "OR", "XOR") or " " in op or op == "IN":
                return f"({ngql_text(left)} {op} {ngql_text(right)})"
            return f"({ngql_text(left)}{op}{ngql_text(right)})"
        case IsNull(operand=operand, negated=negated):
            return f"{ngql_text(operand)} IS {'NOT ' if negated else ''}NULL"
        case MapExpr(items=items):
            return "{" + ",".join(f"{k}:{ngql_text(v)}" for k, v in items) + "}"
        case Case(subject=subject, whens=whens, default=default):
            head = "CASE" + (f" {ngql_text(subject)}" if subject is not None else "")
            arms = "".join(f" WHEN {ngql_text(w)} THEN {ngql_text(t)}" for w, t in whens)
            tail = f" ELSE {ngql_text(default)}" if default is not None else ""
            return f"{head}{arms}{tail} END"
        case Predicate(kind=kind, var=var, source=source, condition=condition):
            return f"{kind}({var} IN {ngql_text(source)} WHERE {ngql_text(condition)})"
    raise TypeError(f"not an expression: {expr!r}")  # pragma: no cover


# --- bound queries -------------------------------------------------------------------------

#: What a placeholder can be bound to.
BindScalar: TypeAlias = str | int | float | bool | None
BindValue: TypeAlias = BindScalar | list[BindScalar]


@dataclass(frozen=True)
class BoundQuery:
    """A parsed query whose placeholders all hold values (see :func:`graphmill.query.bind.bind`)."""

    #: The query text as written.
    text: str
    #: The syntax tree, with no :class:`Placeholder` left.
    query: Query
    #: The values used, by placeholder name.
    values: Mapping[str, BindValue]
