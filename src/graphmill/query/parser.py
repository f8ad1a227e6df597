"""Parse the nGQL read subset a query component may hold, refusing everything else by name.

Parsing runs in two steps:

1. *Screening* (:data:`~graphmill.query.grammar.SCAN_GRAMMAR`): the text is cut into coarse
   tokens, statements (``;``) and pipe stages (``|``).  A second statement, a statement that
   writes (INSERT, DELETE, DROP, SUBMIT JOB, …) and a statement graphmill does not run
   (GET SUBGRAPH, FIND PATH, SHOW, USE, …) are refused here with a message naming the
   construct and where it starts, whether or not the rest would parse.
2. *Parsing* (:data:`~graphmill.query.grammar.QUERY_GRAMMAR`, LALR(1)) into the tree of
   :mod:`graphmill.query.ast`.  A syntax error names the line, column and the token found.

:func:`parse` raises :class:`QueryError`; :func:`check_query` returns the problems as a
list, for the workflow validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta

from graphmill.query import ast
from graphmill.query.grammar import QUERY_GRAMMAR, SCAN_GRAMMAR
from graphmill.query.problems import QueryError, depth_guarded
from graphmill.query.problems import fail as _fail

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo

#: ``${name}`` inside a string literal.
PLACEHOLDER_IN_STRING = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

SUPPORTED = "MATCH, GO, FETCH PROP ON, LOOKUP ON and RETURN"


# --- screening -----------------------------------------------------------------------------

#: Statements that change data.
_DATA_WRITES = frozenset({"INSERT", "UPDATE", "UPSERT", "DELETE", "MERGE", "SET", "REMOVE", "DETACH"})
#: Statements that change the schema, the cluster, accounts or jobs.
_ADMIN_WRITES = frozenset(
    {
        "CREATE",
        "DROP",
        "ALTER",
        "CLEAR",
        "REBUILD",
        "SUBMIT",
        "GRANT",
        "REVOKE",
        "CHANGE",
        "KILL",
        "STOP",
        "RECOVER",
        "DOWNLOAD",
        "INGEST",
        "BALANCE",
        "ADD",
        "RESTORE",
        "SIGN",
        "LOAD",
        "TRUNCATE",
        "RENAME",
        "COPY",
    }
)
#: Second words that belong in the name of a statement (``SUBMIT JOB``, ``REBUILD INDEX``).
_SECOND_WORDS = frozenset(
    {
        "JOB",
        "INDEX",
        "TAG",
        "EDGE",
        "VERTEX",
        "SPACE",
        "USER",
        "ROLE",
        "QUERY",
        "SNAPSHOT",
        "LISTENER",
        "HOSTS",
        "ZONE",
        "SUBGRAPH",
        "PATH",
        "SHORTEST",
        "ALL",
        "NOLOOP",
        "BY",
        "FULLTEXT",
        "PASSWORD",
    }
)
#: Read statements and clauses that graphmill's query component does not run.
_UNSUPPORTED_READS = frozenset(
    {
        "GET",
        "FIND",
        "SHOW",
        "USE",
        "DESCRIBE",
        "DESC",
        "EXPLAIN",
        "PROFILE",
        "OPTIONAL",
        "WITH",
        "UNWIND",
        "CALL",
        "YIELD",
        "GROUP",
        "SAMPLE",
        "UNION",
        "INTERSECT",
        "MINUS",
        "FORMAT",
    }
)
_FIRST_STATEMENTS = frozenset({"MATCH", "GO", "FETCH", "LOOKUP", "RETURN"})
_PIPE_STAGES = frozenset({"GO", "FETCH", "ORDER", "LIMIT"})
#: Keywords that, met where the grammar does not expect them, are a construct graphmill lacks.
_UNSUPPORTED_WORDS = _UNSUPPORTED_READS | frozenset(
    {"CASE", "EXISTS", "REDUCE", "ALL", "ANY", "NONE", "SINGLE"}
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: ast.Pos


@cache
def _scanner() -> Lark:
    return Lark(SCAN_GRAMMAR, parser="lalr", lexer="basic")


@cache
def _parser() -> Lark:
    return Lark(QUERY_GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True)


def _scan(text: str) -> list[_Tok]:
    return [
        _Tok(t.type, str(t), ast.Pos(t.line or 0, t.column or 0))
        for t in _scanner().lex(text)
        if t.type != "WS"
    ]


def _split(tokens: list[_Tok], separator: str, *, top_level: bool) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "PUNCT" and tok.text in "([{":
            depth += 1
        elif tok.kind == "PUNCT" and tok.text in ")]}":
            depth = max(depth - 1, 0)
        if tok.kind == "PUNCT" and tok.text == separator and (depth == 0 or not top_level):
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def _construct(tokens: list[_Tok]) -> str:
    """The name of the statement the tokens start (``INSERT``, ``GET SUBGRAPH``, …)."""
    first = tokens[0].text.upper()
    words = [first]
    if first in ("EXPLAIN", "PROFILE"):
        return first
    for tok in tokens[1:4]:
        word = tok.text.upper()
        if tok.kind != "WORD" or not (
            word in _SECOND_WORDS or (first, word) in (("DETACH", "DELETE"), ("OPTIONAL", "MATCH"))
        ):
            break
        words.append(word)
        if word not in ("SHORTEST", "ALL", "NOLOOP"):
            break
    return " ".join(words)


def _head_problem(tokens: list[_Tok], *, piped: bool) -> str | None:
    """Why a statement or pipe stage starting with ``tokens`` is refused, if it is."""
    head = tokens[0]
    word = head.text.upper() if head.kind == "WORD" else ""
    if word in _DATA_WRITES:
        return (
            f"{_construct(tokens)} statements modify the graph; a query component is read-only ({head.pos})"
        )
    if word in _ADMIN_WRITES:
        return f"{_construct(tokens)} statements change the database; a query component is read-only ({head.pos})"
    if head.kind == "DOLLAR" and len(tokens) > 1 and tokens[1].text == "=":
        return (
            f"assigning to a variable ({head.text} = …) is not supported ({head.pos}); "
            "a query component runs one statement"
        )
    if piped:
        if word in _PIPE_STAGES:
            return None
        name = _construct(tokens) if word else head.text
        return (
            f"piping into {name} is not supported ({head.pos}); "
            "a pipe may lead to GO, FETCH PROP ON, ORDER BY or LIMIT"
        )
    if word in _UNSUPPORTED_READS:
        return f"{_construct(tokens)} is not supported by graphmill's query component ({head.pos}); use {SUPPORTED}"
    return None


def _screen(text: str) -> list[str]:
    try:
        tokens = _scan(text)
    except UnexpectedInput as exc:  # an unterminated comment, say: let the real grammar say it
        return [_syntax_message(exc, text)]
    if not tokens:
        return ["the query is empty"]
    statements = _split(tokens, ";", top_level=False)
    problems: list[str] = []
    first = statements[0]
    if not first:
        return [f"the query starts with ';' ({tokens[0].pos}); write one statement"]
    stages = _split(first, "|", top_level=True)
    for i, stage in enumerate(stages):
        if not stage:
            problems.append("a '|' has no statement after it" if i else "the query starts with '|'")
            continue
        problem = _head_problem(stage, piped=i > 0)
        if problem:
            problems.append(problem)
    for extra in statements[1:]:
        if not extra:
            continue
        write = _head_problem(extra, piped=False)
        message = f"a query component runs a single statement, but a second one starts at {extra[0].pos}"
        if write and "read-only" in write:
            message += f": {write}"
        else:
            message += f" ({_construct(extra) if extra[0].kind == 'WORD' else extra[0].text})"
        problems.append(message)
        break
    return problems


# --- parsing -------------------------------------------------------------------------------

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


def _syntax_message(exc: UnexpectedInput, text: str) -> str:
    pos = ast.Pos(getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0)
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream or 0
        char = text[offset] if 0 <= offset < len(text) else "?"
        if char in "\"'":
            return f"syntax error: unterminated string ({pos})"
        if text.startswith("/*", offset):
            return f"syntax error: unterminated comment ({pos})"
        return f"syntax error: unexpected character {char!r} ({pos})"
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
        if word in _UNSUPPORTED_WORDS:
            return f"{word} is not supported by graphmill's query component ({pos})"
        before = _word_before(text, start)
        if before is not None and before.text.upper() in _UNSUPPORTED_WORDS:
            return f"{before.text.upper()} is not supported by graphmill's query component ({before.pos})"
        if word in _DATA_WRITES or word in _ADMIN_WRITES:
            return f"{word} is not allowed here ({pos}); a query component is read-only"
        return f"syntax error: unexpected {str(token)!r} ({pos}); expected {_expected(exc)}"
    return f"syntax error ({pos})"  # pragma: no cover


def _word_before(text: str, offset: int) -> _Tok | None:
    """The coarse token just before ``offset``, if it is a word."""
    try:
        tokens = _scan(text[:offset])
    except UnexpectedInput:
        return None
    return tokens[-1] if tokens and tokens[-1].kind == "WORD" else None


def _pos(meta: Meta) -> ast.Pos:
    return ast.Pos(meta.line, meta.column) if not meta.empty else ast.NOWHERE


def _tok_pos(tok: Token) -> ast.Pos:
    return ast.Pos(tok.line or 0, tok.column or 0)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def unescape(quoted: str) -> str:
    """The value of a string literal (quotes included in ``quoted``), NebulaGraph's escapes."""
    body = quoted[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in "01234567":
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(chr(int(body[i + 1 : j], 8) & 0xFF))
            i = j
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return "".join(out)


def _int(tok: Token) -> int:
    text = str(tok)
    value = int(text, 16) if text[:2].lower() == "0x" else int(text)
    if value > 2**63 - 1:
        _fail(f"integer {text} is out of range", _tok_pos(tok))
    return value


def _count(tok: Token) -> ast.Count:
    if tok.type == "PLACEHOLDER":
        return ast.Placeholder(str(tok)[2:-1], pos=_tok_pos(tok))
    return ast.Const(_int(tok), pos=_tok_pos(tok))


def _tokens(children: Iterable[Any]) -> Iterator[Token]:
    return (c for c in children if isinstance(c, Token))


def _values(children: Iterable[Any]) -> list[Any]:
    """Children that are not keyword or punctuation tokens (and not absent optionals)."""
    return [c for c in children if c is not None and not isinstance(c, Token)]


@dataclass(frozen=True)
class _Where:
    expr: ast.Expr


@dataclass(frozen=True)
class _VarName:
    name: str


@dataclass(frozen=True)
class _Label:
    name: str


@dataclass(frozen=True)
class _Props:
    pairs: tuple[tuple[str, ast.Expr], ...]


@dataclass(frozen=True)
class _Types:
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Hops:
    low: int
    high: int | None


@dataclass(frozen=True)
class _EdgeSpec:
    var: str | None
    types: tuple[str, ...]
    hops: tuple[int, int | None] | None
    props: tuple[tuple[str, ast.Expr], ...]


@dataclass(frozen=True)
class _Order:
    items: tuple[ast.OrderItem, ...]


@dataclass(frozen=True)
class _Skip:
    count: ast.Count


@dataclass(frozen=True)
class _Limit:
    count: ast.Count


@dataclass(frozen=True)
class _Steps:
    low: ast.Count
    high: ast.Count


@dataclass(frozen=True)
class _Over:
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Names:
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Key:
    src: ast.Expr
    dst: ast.Expr | None
    rank: ast.Expr | None
    pos: ast.Pos


_COMP_OPS: dict[str, ast.BinaryOp] = {
    "==": "==",
    "=": "==",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "IN": "IN",
    "NOT IN": "NOT IN",
    "STARTS WITH": "STARTS WITH",
    "NOT STARTS WITH": "NOT STARTS WITH",
    "ENDS WITH": "ENDS WITH",
    "NOT ENDS WITH": "NOT ENDS WITH",
    "CONTAINS": "CONTAINS",
    "NOT CONTAINS": "NOT CONTAINS",
}
_ARITH_OPS: dict[str, ast.BinaryOp] = {
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "%": "%",
    "AND": "AND",
    "OR": "OR",
    "XOR": "XOR",
}


def _projection(meta: Meta, children: list[Any]) -> ast.Projection:
    distinct = any(t.type == "DISTINCT" for t in _tokens(children))
    values = _values(children)
    items: tuple[ast.Item, ...] = values[0]
    order = next((v.items for v in values if isinstance(v, _Order)), ())
    skip = next((v.count for v in values if isinstance(v, _Skip)), None)
    limit = next((v.count for v in values if isinstance(v, _Limit)), None)
    seen: dict[str, ast.Item] = {}
    for item in items:
        if item.column in seen:
            _fail(f"duplicate column name '{item.column}': give one of them another name with AS", item.pos)
        seen[item.column] = item
    return ast.Projection(distinct, items, order, skip, limit, pos=_pos(meta))


@v_args(meta=True)
class _ToAst(Transformer[Token, ast.Query]):
    """Parse tree → :mod:`graphmill.query.ast`."""

    # -- query ----------------------------------------------------------------------------
    def start(self, meta: Meta, children: list[Any]) -> ast.Query:
        query: ast.Query = _values(children)[0]
        return query

    def query(self, meta: Meta, children: list[Any]) -> ast.Query:
        first, *pipes = _values(children)
        return ast.Query(first, tuple(pipes))

    def pipe_stage(self, meta: Meta, children: list[Any]) -> ast.PipeStage:
        stage: ast.PipeStage = _values(children)[0]
        return stage

    # -- MATCH ----------------------------------------------------------------------------
    def match_stmt(self, meta: Meta, children: list[Any]) -> ast.MatchStmt:
        *clauses, ret = _values(children)
        return ast.MatchStmt(tuple(clauses), ret, pos=_pos(meta))

    def match_clause(self, meta: Meta, children: list[Any]) -> ast.MatchClause:
        values = _values(children)
        where = next((v.expr for v in values if isinstance(v, _Where)), None)
        patterns = tuple(v for v in values if isinstance(v, ast.PathPattern))
        return ast.MatchClause(patterns, where, pos=_pos(meta))

    def where(self, meta: Meta, children: list[Any]) -> _Where:
        return _Where(_values(children)[0])

    def pattern(self, meta: Meta, children: list[Any]) -> ast.PathPattern:
        values = _values(children)
        return ast.PathPattern(tuple(values[0::2]), tuple(values[1::2]), pos=_pos(meta))

    def node_pat(self, meta: Meta, children: list[Any]) -> ast.NodePattern:
        values = _values(children)
        var = next((v.name for v in values if isinstance(v, _VarName)), None)
        labels = tuple(v.name for v in values if isinstance(v, _Label))
        props = next((v.pairs for v in values if isinstance(v, _Props)), ())
        return ast.NodePattern(var, labels, props, pos=_pos(meta))

    def var_name(self, meta: Meta, children: list[Any]) -> _VarName:
        return _VarName(_values(children)[0])

    def node_label(self, meta: Meta, children: list[Any]) -> _Label:
        return _Label(_values(children)[0])

    def prop_map(self, meta: Meta, children: list[Any]) -> _Props:
        return _Props(tuple(_values(children)))

    def prop_pair(self, meta: Meta, children: list[Any]) -> tuple[str, ast.Expr]:
        name, value = _values(children)
        return (name, value)

    def _edge(self, meta: Meta, children: list[Any], direction: ast.Direction) -> ast.EdgePattern:
        spec = next((v for v in _values(children) if isinstance(v, _EdgeSpec)), _EdgeSpec(None, (), None, ()))
        return ast.EdgePattern(spec.var, spec.types, direction, spec.hops, spec.props, pos=_pos(meta))

    def edge_out(self, meta: Meta, children: list[Any]) -> ast.EdgePattern:
        return self._edge(meta, children, "out")

    def edge_in(self, meta: Meta, children: list[Any]) -> ast.EdgePattern:
        return self._edge(meta, children, "in")

    def edge_both(self, meta: Meta, children: list[Any]) -> ast.EdgePattern:
        return self._edge(meta, children, "both")

    def edge_spec(self, meta: Meta, children: list[Any]) -> _EdgeSpec:
        values = _values(children)
        var = next((v.name for v in values if isinstance(v, _VarName)), None)
        types = next((v.names for v in values if isinstance(v, _Types)), ())
        hops = next(((v.low, v.high) for v in values if isinstance(v, _Hops)), None)
        props = next((v.pairs for v in values if isinstance(v, _Props)), ())
        return _EdgeSpec(var, types, hops, props)

    def edge_types(self, meta: Meta, children: list[Any]) -> _Types:
        return _Types(tuple(_values(children)))

    def hops_any(self, meta: Meta, children: list[Any]) -> _Hops:
        _fail("a variable-length edge needs an upper bound (write *1..3, say)", _pos(meta))

    def hops_exact(self, meta: Meta, children: list[Any]) -> _Hops:
        n = _int(list(_tokens(children))[1])
        return _Hops(n, n)

    def hops_range(self, meta: Meta, children: list[Any]) -> _Hops:
        ints = [t for t in _tokens(children) if t.type == "INT"]
        return _Hops(_int(ints[0]), _int(ints[1]))

    def hops_upto(self, meta: Meta, children: list[Any]) -> _Hops:
        ints = [t for t in _tokens(children) if t.type == "INT"]
        return _Hops(1, _int(ints[0]))

    def hops_from(self, meta: Meta, children: list[Any]) -> _Hops:
        _fail("a variable-length edge needs an upper bound (write *1..3, say)", _pos(meta))

    # -- RETURN / YIELD -------------------------------------------------------------------
    def return_clause(self, meta: Meta, children: list[Any]) -> ast.Projection:
        return _projection(meta, children)

    def yield_clause(self, meta: Meta, children: list[Any]) -> ast.Projection:
        return _projection(meta, children)

    def return_stmt(self, meta: Meta, children: list[Any]) -> ast.ReturnStmt:
        return ast.ReturnStmt(_values(children)[0], pos=_pos(meta))

    def items(self, meta: Meta, children: list[Any]) -> tuple[ast.Item, ...]:
        return tuple(_values(children))

    def items_star(self, meta: Meta, children: list[Any]) -> tuple[ast.Item, ...]:
        _fail("'*' as a column list is not supported: name the columns", _pos(meta))

    def item(self, meta: Meta, children: list[Any]) -> ast.Item:
        values = _values(children)
        return ast.Item(values[0], values[1] if len(values) > 1 else None, pos=_pos(meta))

    def order_by(self, meta: Meta, children: list[Any]) -> _Order:
        return _Order(tuple(_values(children)))

    def order_item(self, meta: Meta, children: list[Any]) -> ast.OrderItem:
        descending = any(t.type in ("DESC", "DESCENDING") for t in _tokens(children))
        return ast.OrderItem(_values(children)[0], descending)

    def skip(self, meta: Meta, children: list[Any]) -> _Skip:
        return _Skip(_count(list(_tokens(children))[-1]))

    def limit(self, meta: Meta, children: list[Any]) -> _Limit:
        return _Limit(_count(list(_tokens(children))[-1]))

    # -- GO -------------------------------------------------------------------------------
    def go_stmt(self, meta: Meta, children: list[Any]) -> ast.GoStmt:
        values = _values(children)
        steps = next((v for v in values if isinstance(v, _Steps)), None)
        one = ast.Const(1)
        source = next(v for v in values if isinstance(v, ast.VidList | ast.InputCol))
        over = next(v.names for v in values if isinstance(v, _Over))
        direction: ast.Direction = "out"
        for tok in _tokens(children):
            if tok.type == "REVERSELY":
                direction = "in"
            elif tok.type == "BIDIRECT":
                direction = "both"
        where = next((v.expr for v in values if isinstance(v, _Where)), None)
        yield_ = next(v for v in values if isinstance(v, ast.Projection))
        return ast.GoStmt(
            (steps.low, steps.high) if steps else (one, one),
            source,
            over,
            direction,
            where,
            yield_,
            pos=_pos(meta),
        )

    def steps_n(self, meta: Meta, children: list[Any]) -> _Steps:
        n = _count(next(_tokens(children)))
        return _Steps(n, n)

    def steps_m_to_n(self, meta: Meta, children: list[Any]) -> _Steps:
        counts = [t for t in _tokens(children) if t.type in ("INT", "PLACEHOLDER")]
        return _Steps(_count(counts[0]), _count(counts[1]))

    def vid_list(self, meta: Meta, children: list[Any]) -> ast.VidList:
        return ast.VidList(tuple(_values(children)), pos=_pos(meta))

    def vid_input(self, meta: Meta, children: list[Any]) -> ast.InputCol:
        col: ast.InputCol = _values(children)[0]
        return col

    def vid(self, meta: Meta, children: list[Any]) -> ast.Expr:
        values = _values(children)
        if values:
            vid: ast.Expr = values[0]
            return vid
        toks = list(_tokens(children))
        if toks[0].type == "PLACEHOLDER":
            return ast.Placeholder(str(toks[0])[2:-1], pos=_tok_pos(toks[0]))
        value = _int(toks[-1])
        return ast.Const(-value if toks[0].type == "MINUS" else value, pos=_pos(meta))

    def over(self, meta: Meta, children: list[Any]) -> _Over:
        return _Over(tuple(_values(children)))

    def over_all(self, meta: Meta, children: list[Any]) -> _Over:
        return _Over(())

    def direction(self, meta: Meta, children: list[Any]) -> Token:
        return next(_tokens(children))

    # -- FETCH, LOOKUP --------------------------------------------------------------------
    def fetch_stmt(self, meta: Meta, children: list[Any]) -> ast.FetchVerticesStmt | ast.FetchEdgesStmt:
        values = _values(children)
        names = next(v.names for v in values if isinstance(v, _Names))
        keys = next(v for v in values if isinstance(v, list | ast.InputCol))
        yield_ = next(v for v in values if isinstance(v, ast.Projection))
        pos = _pos(meta)
        if isinstance(keys, ast.InputCol):
            return ast.FetchVerticesStmt(names, keys, yield_, pos=pos)
        edge_keys = [k for k in keys if k.dst is not None]
        if not edge_keys:
            return ast.FetchVerticesStmt(
                names, ast.VidList(tuple(k.src for k in keys), pos=keys[0].pos), yield_, pos=pos
            )
        if len(edge_keys) != len(keys):
            _fail('FETCH PROP ON takes either vertex ids or edges ("a"->"b"), not both', pos)
        if len(names) != 1:
            _fail("FETCH PROP ON edges takes exactly one edge type", pos)
        return ast.FetchEdgesStmt(
            names[0],
            tuple(ast.EdgeKey(k.src, k.dst, k.rank, pos=k.pos) for k in keys if k.dst is not None),
            yield_,
            pos=pos,
        )

    def fetch_names(self, meta: Meta, children: list[Any]) -> _Names:
        return _Names(tuple(_values(children)))

    def fetch_all(self, meta: Meta, children: list[Any]) -> _Names:
        return _Names(())

    def fetch_keys(self, meta: Meta, children: list[Any]) -> list[_Key]:
        return _values(children)

    def fetch_input(self, meta: Meta, children: list[Any]) -> ast.InputCol:
        col: ast.InputCol = _values(children)[0]
        return col

    def fetch_key(self, meta: Meta, children: list[Any]) -> _Key:
        values = _values(children)
        ints = [t for t in children if isinstance(t, Token) and t.type == "INT"]
        rank: ast.Expr | None = ast.Const(_int(ints[-1]), pos=_tok_pos(ints[-1])) if ints else None
        return _Key(values[0], values[1] if len(values) > 1 else None, rank, _pos(meta))

    def lookup_stmt(self, meta: Meta, children: list[Any]) -> ast.LookupStmt:
        values = _values(children)
        where = next((v.expr for v in values if isinstance(v, _Where)), None)
        yield_ = next(v for v in values if isinstance(v, ast.Projection))
        return ast.LookupStmt(values[0], where, yield_, pos=_pos(meta))

    # -- pipe stages ----------------------------------------------------------------------
    def order_pipe(self, meta: Meta, children: list[Any]) -> ast.OrderPipe:
        return ast.OrderPipe(tuple(_values(children)), pos=_pos(meta))

    def limit_pipe(self, meta: Meta, children: list[Any]) -> ast.LimitPipe:
        counts = [_count(t) for t in _tokens(children) if t.type in ("INT", "PLACEHOLDER")]
        if len(counts) == 2:
            return ast.LimitPipe(counts[0], counts[1], pos=_pos(meta))
        return ast.LimitPipe(None, counts[0], pos=_pos(meta))

    # -- expressions ----------------------------------------------------------------------
    def binop(self, meta: Meta, children: list[Any]) -> ast.Binary:
        left, op, right = children
        if isinstance(op, Token):
            key = str(op).upper()
            binary = _ARITH_OPS.get(key) or _COMP_OPS[key]
        else:
            binary = op
        return ast.Binary(binary, left, right, pos=_pos(meta))

    def comp_op(self, meta: Meta, children: list[Any]) -> ast.BinaryOp:
        return _COMP_OPS[" ".join(str(t).upper() for t in _tokens(children))]

    def unop(self, meta: Meta, children: list[Any]) -> ast.Expr:
        op, operand = children
        kind = str(op).upper()
        if (
            kind == "-"
            and isinstance(operand, ast.Const)
            and isinstance(operand.value, int | float)
            and not isinstance(operand.value, bool)
        ):
            return ast.Const(-operand.value, pos=_pos(meta))
        unary: ast.UnaryOp = "NOT" if kind in ("NOT", "!") else ("-" if kind == "-" else "+")
        return ast.Unary(unary, operand, pos=_pos(meta))

    def is_null(self, meta: Meta, children: list[Any]) -> ast.IsNull:
        return ast.IsNull(children[0], False, pos=_pos(meta))

    def is_not_null(self, meta: Meta, children: list[Any]) -> ast.IsNull:
        return ast.IsNull(children[0], True, pos=_pos(meta))

    def attr(self, meta: Meta, children: list[Any]) -> ast.Attr:
        base, name = _values(children)
        return ast.Attr(base, name, pos=_pos(meta))

    def subscript(self, meta: Meta, children: list[Any]) -> ast.Subscript:
        base, index = _values(children)
        return ast.Subscript(base, index, pos=_pos(meta))

    def placeholder(self, meta: Meta, children: list[Any]) -> ast.Placeholder:
        return ast.Placeholder(str(children[0])[2:-1], pos=_pos(meta))

    def name_ref(self, meta: Meta, children: list[Any]) -> ast.Name:
        return ast.Name(children[0], pos=_pos(meta))

    def paren(self, meta: Meta, children: list[Any]) -> ast.Expr:
        expr: ast.Expr = _values(children)[0]
        return expr

    def dst_ref(self, meta: Meta, children: list[Any]) -> ast.DstRef:
        return ast.DstRef(pos=_pos(meta))

    def src_ref(self, meta: Meta, children: list[Any]) -> ast.SrcRef:
        return ast.SrcRef(pos=_pos(meta))

    def input_col(self, meta: Meta, children: list[Any]) -> ast.InputCol:
        return ast.InputCol(_values(children)[0], pos=_pos(meta))

    def user_var(self, meta: Meta, children: list[Any]) -> ast.UserVar:
        return ast.UserVar(str(children[0])[1:], pos=_pos(meta))

    def func_call(self, meta: Meta, children: list[Any]) -> ast.Call:
        name, *args = _values(children)
        distinct = any(t.type == "DISTINCT" for t in _tokens(children))
        return ast.Call(name, tuple(args), distinct, pos=_pos(meta))

    def count_star(self, meta: Meta, children: list[Any]) -> ast.Call:
        return ast.Call(_values(children)[0], (), star=True, pos=_pos(meta))

    def list_lit(self, meta: Meta, children: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(tuple(_values(children)), pos=_pos(meta))

    def literal(self, meta: Meta, children: list[Any]) -> ast.Expr:
        values = _values(children)
        if values:
            string: ast.Expr = values[0]
            return string
        tok = next(_tokens(children))
        pos = _pos(meta)
        match tok.type:
            case "INT":
                return ast.Const(_int(tok), pos=pos)
            case "FLOAT":
                return ast.Const(float(str(tok)), pos=pos)
            case "TRUE":
                return ast.Const(True, pos=pos)
            case "FALSE":
                return ast.Const(False, pos=pos)
        return ast.Const(None, pos=pos)

    def string(self, meta: Meta, children: list[Any]) -> ast.Const:
        return ast.Const(unescape(str(children[0])), pos=_pos(meta))

    def name(self, meta: Meta, children: list[Any]) -> str:
        text = str(children[0])
        return text[1:-1] if text.startswith("`") else text


#: Longer texts are refused before parsing.
MAX_QUERY_CHARS = 1_000_000


@depth_guarded
def parse(text: str) -> ast.Query:
    """The syntax tree of ``text``; :class:`QueryError` when it is refused or does not parse."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError([f"the query is longer than {MAX_QUERY_CHARS} characters"])
    problems = _screen(text)
    if problems:
        raise QueryError(problems)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise QueryError([_syntax_message(exc, text)]) from None
    try:
        return _ToAst().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryError):
            raise exc.orig_exc from None
        raise


# --- walking -------------------------------------------------------------------------------


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
                    for pattern in clause.patterns:
                        for node in pattern.nodes:
                            yield from (value for _, value in node.props)
                        for edge in pattern.edges:
                            yield from (value for _, value in edge.props)
                    if clause.where is not None:
                        yield clause.where
                yield from _projection_exprs(ret)
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


def check_query(
    text: str,
    declared_params: Iterable[str],
    *,
    space: SpaceInfo | None = None,
) -> list[str]:
    """What stops ``text`` from running as a query component (empty when nothing does).

    Checks the syntax, the read-only subset and that every ``${name}`` is declared in
    ``declared_params``.  With ``space``, also that the tags, edge types and properties it
    names exist there; without it, only what the text alone shows.
    """
    try:
        query = parse(text)
        used = placeholders(query)
    except QueryError as exc:
        return exc.problems
    declared = set(declared_params)
    problems = [
        f"parameter ${{{name}}} is not declared in the task's parameters ({pos})"
        for name, pos in used.items()
        if name not in declared
    ]
    from graphmill.query.translate import translate  # here: translate needs this module first

    try:
        translate(query, space)
    except QueryError as exc:
        problems.extend(exc.problems)
    return problems
