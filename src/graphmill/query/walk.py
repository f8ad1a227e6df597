"""Walking a query's syntax tree: every expression, and the ``${name}`` placeholders it uses."""

from __future__ import annotations

from collections.abc import Iterator

from graphmill.formats.placeholders import PLACEHOLDER
from graphmill.query import ast
from graphmill.query.problems import depth_guarded

#: ``${name}`` inside a string literal.
PLACEHOLDER_IN_STRING = PLACEHOLDER


def walk(query: ast.Query) -> Iterator[ast.Expr]:
    """Every expression in the query, outermost first."""
    for expr in _top_expressions(query):
        yield from _walk_expr(expr)


def _walk_expr(expr: ast.Expr) -> Iterator[ast.Expr]:
    yield expr
    match expr:
        case ast.ListExpr(items=items):
            for item in items:
                yield from _walk_expr(item)
        case ast.Attr(base=base):
            yield from _walk_expr(base)
        case ast.Call(args=args):
            for arg in args:
                yield from _walk_expr(arg)
        case ast.Subscript(base=base, index=index):
            yield from _walk_expr(base)
            yield from _walk_expr(index)
        case ast.Unary(operand=operand) | ast.IsNull(operand=operand):
            yield from _walk_expr(operand)
        case ast.Binary(left=left, right=right):
            yield from _walk_expr(left)
            yield from _walk_expr(right)
        case ast.MapExpr(items=items):
            for _, value in items:
                yield from _walk_expr(value)
        case ast.Case(subject=subject, whens=whens, default=default):
            for part in (subject, *(e for pair in whens for e in pair), default):
                if part is not None:
                    yield from _walk_expr(part)
        case ast.Predicate(source=source, condition=condition):
            yield from _walk_expr(source)
            yield from _walk_expr(condition)


def _projection_exprs(p: ast.Projection) -> Iterator[ast.Expr]:
    for item in p.items:
        yield item.expr
    for order in p.order:
        yield order.expr
    if p.skip is not None:
        yield p.skip
    if p.limit is not None:
        yield p.limit


def _top_expressions(query: ast.Query) -> Iterator[ast.Expr]:
    for stmt in (query.first, *query.pipes):
        match stmt:
            case ast.MatchStmt(clauses=clauses, ret=ret):
                for clause in clauses:
                    yield from _clause_exprs(clause)
                yield from _projection_exprs(ret)
            case ast.GroupPipe(keys=keys, yield_=yield_):
                yield from keys
                yield from _projection_exprs(yield_)
            case ast.ReturnStmt(ret=ret):
                yield from _projection_exprs(ret)
            case ast.GoStmt():
                yield from stmt.steps
                yield from _source_exprs(stmt.source)
                if stmt.where is not None:
                    yield stmt.where
                yield from _projection_exprs(stmt.yield_)
            case ast.FetchVerticesStmt():
                yield from _source_exprs(stmt.source)
                yield from _projection_exprs(stmt.yield_)
            case ast.FetchEdgesStmt():
                for key in stmt.keys:
                    yield key.src
                    yield key.dst
                    if key.rank is not None:
                        yield key.rank
                yield from _projection_exprs(stmt.yield_)
            case ast.LookupStmt():
                if stmt.where is not None:
                    yield stmt.where
                yield from _projection_exprs(stmt.yield_)
            case ast.OrderPipe(items=items):
                yield from (item.expr for item in items)
            case ast.LimitPipe(offset=offset, count=count):
                if offset is not None:
                    yield offset
                yield count


def _clause_exprs(clause: ast.ReadingClause) -> Iterator[ast.Expr]:
    match clause:
        case ast.MatchClause(patterns=patterns, where=where):
            for pattern in patterns:
                for node in pattern.nodes:
                    yield from (value for _, value in node.props)
                for edge in pattern.edges:
                    yield from (value for _, value in edge.props)
            if where is not None:
                yield where
        case ast.UnwindClause(expr=expr):
            yield expr
        case ast.WithClause(projection=projection, where=where):
            yield from _projection_exprs(projection)
            if where is not None:
                yield where


def _source_exprs(source: ast.VidSource) -> Iterator[ast.Expr]:
    if isinstance(source, ast.VidList):
        yield from source.items
    else:
        yield source


@depth_guarded
def placeholders(query: ast.Query) -> dict[str, ast.Pos]:
    """Each ``${name}`` the query uses (also inside string literals), with its first position."""
    found: dict[str, ast.Pos] = {}
    for expr in walk(query):
        if isinstance(expr, ast.Placeholder):
            found.setdefault(expr.name, expr.pos)
        elif isinstance(expr, ast.Const) and isinstance(expr.value, str):
            for match in PLACEHOLDER_IN_STRING.finditer(expr.value):
                found.setdefault(match.group(1), expr.pos)
    return found
