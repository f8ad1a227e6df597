"""Fill a query's ``${name}`` placeholders with typed values, in the syntax tree, never in the text.

The text is parsed first, with each ``${name}`` a token of its own; :func:`bind` then swaps
each placeholder node for a literal node holding the value: a string stays one string
(whatever quotes, backslashes, ``;`` or keywords it contains), a number a number, a list a
list literal (or, in a vertex id list, that many ids).  Nothing is ever spliced into query
text, so a value cannot close a string, add a clause or start a second statement; and the
translation to Cypher passes every literal as a bound parameter.

A placeholder written inside a string literal (``"${name}"``, as users of Explorer's text
substitution write them) is replaced inside that string's value: the value is text there.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from graphmill.query import ast
from graphmill.query.ast import BindScalar, BindValue, BoundQuery
from graphmill.query.limits import MAX_LIST_ITEMS, check_count
from graphmill.query.parser import parse
from graphmill.query.problems import QueryError, depth_guarded, fail
from graphmill.query.walk import PLACEHOLDER_IN_STRING, placeholders

_INT64 = (-(2**63), 2**63 - 1)
#: Fields of the syntax tree that hold a count (steps, SKIP, LIMIT).
_COUNT_FIELDS = frozenset({"steps", "skip", "limit", "offset", "count"})

_T = TypeVar("_T")


def _check_scalar(name: str, value: object) -> BindScalar:
    if value is None or isinstance(value, str | bool | float):
        if isinstance(value, float) and not math.isfinite(value):
            fail(f"parameter ${{{name}}} is not a finite number: {value!r}")
        return value
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            fail(f"parameter ${{{name}}} is out of the 64-bit integer range: {value}")
        return value
    fail(
        f"parameter ${{{name}}} has a value of type {type(value).__name__}; use a string, number, boolean or list"
    )


def _check_value(name: str, value: object) -> BindValue:
    if isinstance(value, list | tuple):
        check_count(len(value), f"the number of items of parameter ${{{name}}}", MAX_LIST_ITEMS)
        return [_check_scalar(name, v) for v in value]
    return _check_scalar(name, value)


def _literal(name: str, value: BindValue, pos: ast.Pos) -> ast.Expr:
    if isinstance(value, list):
        return ast.ListExpr(tuple(ast.Const(v, pos=pos) for v in value), pos=pos)
    return ast.Const(value, pos=pos)


def _text(name: str, value: BindValue, pos: ast.Pos) -> str:
    if isinstance(value, list):
        fail(f"parameter ${{{name}}} holds a list and cannot go inside a string", pos)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Binder:
    def __init__(self, values: Mapping[str, BindValue]) -> None:
        self.values = values

    def expr(self, expr: ast.Expr) -> ast.Expr:
        if isinstance(expr, ast.Placeholder):
            return _literal(expr.name, self.values[expr.name], expr.pos)
        if isinstance(expr, ast.Const) and isinstance(expr.value, str) and "${" in expr.value:
            text = PLACEHOLDER_IN_STRING.sub(
                lambda m: _text(m.group(1), self.values[m.group(1)], expr.pos), expr.value
            )
            return ast.Const(text, pos=expr.pos)
        return self.node(expr)

    def count(self, count: ast.Expr) -> ast.Expr:
        if not isinstance(count, ast.Placeholder):
            return count
        value = self.values[count.name]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fail(
                f"parameter ${{{count.name}}} is used as a count and must be a whole number ≥ 0, "
                f"not {value!r}",
                count.pos,
            )
        return ast.Const(value, pos=count.pos)

    def vids(self, vids: ast.VidList) -> ast.VidList:
        items: list[ast.Expr] = []
        for item in vids.items:
            if isinstance(item, ast.Placeholder) and isinstance(self.values[item.name], list):
                values = self.values[item.name]
                assert isinstance(values, list)
                items.extend(ast.Const(v, pos=item.pos) for v in values)
            else:
                items.append(self.expr(item))
        return ast.VidList(tuple(items), pos=vids.pos)

    def value(self, value: _T, field: str = "") -> _T:
        result: Any
        if isinstance(value, ast.VidList):
            result = self.vids(value)
        elif isinstance(value, ast.Expr):
            result = self.count(value) if field in _COUNT_FIELDS else self.expr(value)
        elif isinstance(value, tuple):
            result = tuple(self.value(v, field) for v in value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            result = self.node(value)
        else:
            result = value
        return result  # type: ignore[no-any-return]

    def node(self, node: _T) -> _T:
        assert dataclasses.is_dataclass(node)
        assert not isinstance(node, type)
        changes = {
            f.name: self.value(getattr(node, f.name), f.name)
            for f in dataclasses.fields(node)
            if f.name != "pos"
        }
        return dataclasses.replace(node, **changes)


@depth_guarded
def bind(text: str, values: Mapping[str, object]) -> BoundQuery:
    """Parse ``text`` and fill its placeholders from ``values`` (extra values are ignored).

    Values are strings, integers, floats, booleans, None (NULL), or lists of those (for
    ``IN ${list}`` and vertex id lists).  Raises :class:`QueryError` when the text does not
    parse, a placeholder has no value, or a value does not fit where it is used.
    """
    query = parse(text)
    used = placeholders(query)
    missing = [
        f"parameter ${{{name}}} has no value ({pos})" for name, pos in used.items() if name not in values
    ]
    if missing:
        raise QueryError(missing)
    checked = {name: _check_value(name, values[name]) for name in used}
    bound = _Binder(checked).node(query)
    return BoundQuery(text, bound, checked)
