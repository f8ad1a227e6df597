"""Property-based tests of the nGQL front end (issue 8, item 8).

- Any text: :func:`check_query` returns problems and never raises; :func:`parse` raises only
  QueryError; neither takes longer than the deadline.
- Generated queries: printing a generated syntax tree and parsing it gives the tree back, and
  translating it gives the same Cypher every time (or a QueryError, never another exception).

The default (CI) profile tries a few hundred inputs per test; ``GRAPHMILL_FUZZ=long`` (``make
fuzz``) tries tens of thousands.
"""

from __future__ import annotations

import os
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmill.formats.ngql_strings import escape
from graphmill.query import QueryError, ast, check_query, parse, translate
from graphmill.query.limits import MAX_GO_STEPS

settings.register_profile("ci", max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "long", max_examples=20000, deadline=5000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("long" if os.environ.get("GRAPHMILL_FUZZ") == "long" else "ci")

#: Fragments nGQL is made of, so that random texts get past the first token now and then.
WORDS = [
    "MATCH",
    "GO",
    "FROM",
    "OVER",
    "YIELD",
    "RETURN",
    "WHERE",
    "FETCH",
    "PROP",
    "ON",
    "LOOKUP",
    "ORDER",
    "BY",
    "LIMIT",
    "SKIP",
    "STEPS",
    "TO",
    "AS",
    "AND",
    "OR",
    "NOT",
    "IN",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "OPTIONAL",
    "UNWIND",
    "WITH",
    "GROUP",
    "DISTINCT",
    "date",
    "duration",
    "any",
    "id",
    "src",
    "dst",
    "edge",
    "vertex",
    "count",
    "v",
    "e",
    "follow",
    "player",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "->",
    "<-",
    ":",
    ",",
    ".",
    "|",
    ";",
    "*",
    "..",
    "$$",
    "$^",
    "$-",
    "${p}",
    '"s"',
    "'t'",
    "1",
    "2.5",
    "0x1F",
    "`a b`",
    "#",
    "//",
    "/*",
    "*/",
    "\\",
    "\n",
    "==",
    "!=",
    "<>",
]

fragments = st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=40).map(" ".join)


@given(st.one_of(st.text(max_size=200), fragments))
def test_check_query_never_raises(text: str) -> None:
    problems = check_query(text, ["p"])
    assert isinstance(problems, list)
    assert all(isinstance(p, str) and p for p in problems)


@given(st.one_of(st.text(max_size=200), fragments))
def test_parse_raises_only_query_error(text: str) -> None:
    problems: list[str] = []
    try:
        parse(text)
    except QueryError as exc:
        problems = exc.problems or ["(a QueryError without problems)"]
    assert all(isinstance(p, str) and p for p in problems)


# --- generated queries ---------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "name", "age", "my prop", "关注", "order", "x1"])
VARS = ["v", "w"]
scalars = st.one_of(
    st.integers(min_value=0, max_value=2**63 - 1),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False).filter(
        lambda f: "e" not in repr(f) and f != int(f)
    ),
    st.text(max_size=12).filter(lambda s: "\x00" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
    st.booleans(),
    st.none(),
)
BINARY_OPS: list[ast.BinaryOp] = list(get_args(ast.BinaryOp))


def _leaves() -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        scalars.map(lambda v: ast.Const(v)),
        st.builds(lambda var, n: ast.Attr(ast.Name(var), n), st.sampled_from(VARS), NAMES),
        st.builds(lambda var: ast.Call("id", (ast.Name(var),)), st.sampled_from(VARS)),
    )


def _extend(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        st.builds(ast.Binary, st.sampled_from(BINARY_OPS), children, children),
        st.builds(lambda e: ast.Unary("NOT", e), children),
        st.builds(lambda items: ast.ListExpr(tuple(items)), st.lists(children, max_size=3)),
        st.builds(lambda e, neg: ast.IsNull(e, neg), children, st.booleans()),
        st.builds(
            lambda name, args: ast.Call(name, tuple(args)),
            st.sampled_from(["abs", "lower", "coalesce", "size", "toString"]),
            st.lists(children, min_size=1, max_size=1),
        ),
        st.builds(
            lambda whens, default: ast.Case(None, tuple(whens), default),
            st.lists(st.tuples(children, children), min_size=1, max_size=2),
            st.none() | children,
        ),
    )


expressions = st.recursive(_leaves(), _extend, max_leaves=12)


def _name(name: str) -> str:
    return f"`{name}`"


def _const(value: ast.Scalar) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{escape(value)}"'
    return repr(value)


def show(expr: ast.Expr) -> str:
    """nGQL source text for a generated expression: every name back-quoted, every string escaped."""
    match expr:
        case ast.Const(value=value):
            return _const(value)
        case ast.Name(name=name):
            return name
        case ast.Attr(base=base, name=name):
            return f"{show(base)}.{_name(name)}"
        case ast.Call(name=name, args=args):
            return f"{name}({', '.join(show(a) for a in args)})"
        case ast.Binary(op=op, left=left, right=right):
            return f"({show(left)} {op} {show(right)})"
        case ast.Unary(operand=operand):
            return f"(NOT {show(operand)})"
        case ast.ListExpr(items=items):
            return "[" + ", ".join(show(i) for i in items) + "]"
        case ast.IsNull(operand=operand, negated=negated):
            return f"({show(operand)} IS {'NOT ' if negated else ''}NULL)"
        case ast.Case(whens=whens, default=default):
            arms = " ".join(f"WHEN {show(w)} THEN {show(t)}" for w, t in whens)
            tail = f" ELSE {show(default)}" if default is not None else ""
            return f"CASE {arms}{tail} END"
    raise AssertionError(expr)


@given(expressions, expressions)
def test_generated_match_round_trips(where: ast.Expr, item: ast.Expr) -> None:
    """print → parse gives the generated tree back; translation is deterministic or a QueryError."""
    text = f"MATCH (v)-[e]->(w) WHERE {show(where)} RETURN {show(item)} AS c;"
    query = parse(text)
    assert isinstance(query.first, ast.MatchStmt)
    clause = query.first.clauses[0]
    assert isinstance(clause, ast.MatchClause)
    assert clause.where == where
    assert query.first.ret.items[0].expr == item
    try:
        first = translate(query, None)
    except QueryError:
        return
    again = translate(parse(text), None)
    assert (first.text, first.parameters, first.columns) == (again.text, again.parameters, again.columns)


@given(st.integers(min_value=0, max_value=2**63 - 1), st.integers(min_value=0, max_value=2**63 - 1))
def test_counts_are_bounded_or_translated(steps: int, limit: int) -> None:
    """Any step count and LIMIT: translated (within the bounds) or refused by name, never slow."""
    text = f'GO {steps} STEPS FROM "a" OVER e YIELD dst(edge) AS d | LIMIT {limit}'
    if steps > MAX_GO_STEPS:
        with pytest.raises(QueryError, match="step count of GO … STEPS"):
            translate(parse(text), None)
        return
    assert translate(parse(text), None).columns == ("d",)
