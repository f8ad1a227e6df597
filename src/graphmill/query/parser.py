"""The lark front of the nGQL read subset: text → syntax tree, refusing everything else by name.

Parsing runs in two steps:

1. *Screening* (:mod:`graphmill.query.screen`): a second statement, a write and a statement
   graphmill does not run are named and refused, whatever the grammar would say.
2. *Parsing* (:data:`~graphmill.query.grammar.QUERY_GRAMMAR`, LALR(1)) and the tree → AST
   transform (:mod:`graphmill.query.to_ast`).  A syntax error names the line, column and the
   token found.

:func:`parse` raises :class:`QueryError`; :func:`graphmill.query.check.check_query` returns
the problems as a list, for the workflow validator.
"""

from __future__ import annotations

from functools import cache

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from graphmill.query import ast
from graphmill.query.grammar import QUERY_GRAMMAR
from graphmill.query.limits import MAX_QUERY_CHARS
from graphmill.query.problems import QueryError, depth_guarded
from graphmill.query.screen import (
    ADMIN_WRITES,
    DATA_WRITES,
    UNSUPPORTED_WORDS,
    lex_error_message,
    screen,
    word_before,
)
from graphmill.query.to_ast import ToAst


@cache
def _parser() -> Lark:
    return Lark(QUERY_GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True)


_TOKEN_NAMES = {
    "NAME": "a name",
    "QNAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "DQ_STRING": "a string",
    "SQ_STRING": "a string",
    "PLACEHOLDER": "a ${parameter}",
    "VARIABLE": "a $variable",
    "$END": "the end of the query",
}


def _expected(exc: UnexpectedToken | UnexpectedEOF) -> str:
    grammar = _parser()
    names: set[str] = set()
    for terminal in exc.expected:
        if terminal in _TOKEN_NAMES:
            names.add(_TOKEN_NAMES[terminal])
            continue
        try:
            pattern = grammar.get_terminal(terminal).pattern
        except KeyError:
            names.add(terminal)
            continue
        value = pattern.value if pattern.type == "str" else terminal
        names.add(f"'{value.upper() if value.isalpha() else value}'")
    listed = sorted(names)
    if len(listed) > 12:
        listed = [*listed[:12], "…"]
    return ", ".join(listed)


def syntax_message(exc: UnexpectedInput, text: str) -> str:
    pos = ast.Pos(getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0)
    if isinstance(exc, UnexpectedCharacters):
        return lex_error_message(exc, text)
    if isinstance(exc, UnexpectedEOF):
        return f"syntax error: the query ends too early; expected {_expected(exc)}"
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            return f"syntax error: the query ends too early ({pos}); expected {_expected(exc)}"
        start = token.start_pos or 0
        if text.startswith("/*", start) or (str(token) == "*" and text[start - 1 : start] == "/"):
            return f"syntax error: unterminated comment ({pos})"
        word = str(token).upper()
        if word in UNSUPPORTED_WORDS:
            return f"{word} is not supported by graphmill's query component ({pos})"
        before = word_before(text, start)
        if before is not None and before.text.upper() in UNSUPPORTED_WORDS:
            return f"{before.text.upper()} is not supported by graphmill's query component ({before.pos})"
        if word in DATA_WRITES or word in ADMIN_WRITES:
            return f"{word} is not allowed here ({pos}); a query component is read-only"
        return f"syntax error: unexpected {str(token)!r} ({pos}); expected {_expected(exc)}"
    return lex_error_message(exc, text)  # pragma: no cover


@depth_guarded
def parse(text: str) -> ast.Query:
    """The syntax tree of ``text``; :class:`QueryError` when it is refused or does not parse."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError([f"the query is longer than {MAX_QUERY_CHARS} characters"])
    problems = screen(text)
    if problems:
        raise QueryError(problems)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise QueryError([syntax_message(exc, text)]) from None
    try:
        return ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryError):
            raise exc.orig_exc from None
        raise
