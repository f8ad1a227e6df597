"""The parse tree of :data:`~graphmill.query.grammar.QUERY_GRAMMAR` → :mod:`graphmill.query.ast`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, v_args
from lark.tree import Meta

from graphmill.formats.ngql_strings import NgqlEscapeError, unescape
from graphmill.query import ast
from graphmill.query.limits import MAX_LIST_ITEMS, MAX_PATH_HOPS, check_count
from graphmill.query.problems import fail as _fail


def _pos(meta: Meta) -> ast.Pos:
    return ast.Pos(meta.line, meta.column) if not meta.empty else ast.NOWHERE


def _tok_pos(tok: Token) -> ast.Pos:
    return ast.Pos(tok.line or 0, tok.column or 0)


def _int(tok: Token) -> int:
    text = str(tok)
    value = int(text, 16) if text[:2].lower() == "0x" else int(text)
    if value > 2**63 - 1:
        _fail(f"integer {text} is out of range", _tok_pos(tok))
    return value


_PREDICATES = frozenset({"any", "all", "none", "single"})


def _predicate(name: str, args: list[Any], pos: ast.Pos) -> ast.Predicate:
    """``any(x IN list WHERE cond)``: parsed as a call whose one argument is ``x IN list``."""
    if name.lower() not in _PREDICATES:
        _fail(f"{name}(… WHERE …) is not a function: only any(), all(), none() and single() take WHERE", pos)
    *rest, condition = args
    if len(rest) != 1 or not (
        isinstance(rest[0], ast.Binary) and rest[0].op == "IN" and isinstance(rest[0].left, ast.Name)
    ):
        _fail(f"write {name}(variable IN list WHERE condition)", pos)
    source = rest[0]
    assert isinstance(source.left, ast.Name)
    return ast.Predicate(name.lower(), source.left.name, source.right, condition, pos=pos)


def _hops(tok: Token) -> int:
    return check_count(_int(tok), "the length of a variable-length edge", MAX_PATH_HOPS, _tok_pos(tok))


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
class ToAst(Transformer[Token, ast.Query]):
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
        optional = any(t.type == "OPTIONAL" for t in _tokens(children))
        return ast.MatchClause(patterns, where, pos=_pos(meta), optional=optional)

    def unwind_clause(self, meta: Meta, children: list[Any]) -> ast.UnwindClause:
        expr, var = _values(children)
        return ast.UnwindClause(expr, var, pos=_pos(meta))

    def with_clause(self, meta: Meta, children: list[Any]) -> ast.WithClause:
        where = next((v.expr for v in _values(children) if isinstance(v, _Where)), None)
        kept = [c for c in children if not isinstance(c, _Where)]
        return ast.WithClause(_projection(meta, kept), where, pos=_pos(meta))

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
        n = _hops(list(_tokens(children))[1])
        return _Hops(n, n)

    def hops_range(self, meta: Meta, children: list[Any]) -> _Hops:
        ints = [t for t in _tokens(children) if t.type == "INT"]
        return _Hops(_hops(ints[0]), _hops(ints[1]))

    def hops_upto(self, meta: Meta, children: list[Any]) -> _Hops:
        ints = [t for t in _tokens(children) if t.type == "INT"]
        return _Hops(1, _hops(ints[0]))

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
    def group_pipe(self, meta: Meta, children: list[Any]) -> ast.GroupPipe:
        *keys, yield_ = _values(children)
        return ast.GroupPipe(tuple(keys), yield_, pos=_pos(meta))

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

    def func_call(self, meta: Meta, children: list[Any]) -> ast.Expr:
        name, *args = _values(children)
        distinct = any(t.type == "DISTINCT" for t in _tokens(children))
        if any(t.type == "WHERE" for t in _tokens(children)):
            return _predicate(name, args, _pos(meta))
        return ast.Call(name, tuple(args), distinct, pos=_pos(meta))

    def map_lit(self, meta: Meta, children: list[Any]) -> ast.MapExpr:
        return ast.MapExpr(tuple(_values(children)), pos=_pos(meta))

    def map_pair(self, meta: Meta, children: list[Any]) -> tuple[str, ast.Expr]:
        key, value = _values(children)
        return (key, value)

    def case_expr(self, meta: Meta, children: list[Any]) -> ast.Case:
        subject: ast.Expr | None = None
        default: ast.Expr | None = None
        whens: list[tuple[ast.Expr, ast.Expr]] = []
        seen_else = False
        for child in children:
            if isinstance(child, Token):
                seen_else = seen_else or child.type == "ELSE"
            elif isinstance(child, tuple):
                whens.append(child)
            elif child is not None:
                if seen_else:
                    default = child
                else:
                    subject = child
        return ast.Case(subject, tuple(whens), default, pos=_pos(meta))

    def case_when(self, meta: Meta, children: list[Any]) -> tuple[ast.Expr, ast.Expr]:
        when, then = _values(children)
        return (when, then)

    def count_star(self, meta: Meta, children: list[Any]) -> ast.Call:
        return ast.Call(_values(children)[0], (), star=True, pos=_pos(meta))

    def list_lit(self, meta: Meta, children: list[Any]) -> ast.ListExpr:
        items = tuple(_values(children))
        check_count(len(items), "the number of items of a list", MAX_LIST_ITEMS, _pos(meta))
        return ast.ListExpr(items, pos=_pos(meta))

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
        try:
            return ast.Const(unescape(str(children[0])[1:-1]), pos=_pos(meta))
        except NgqlEscapeError as exc:
            _fail(str(exc), _pos(meta))

    def name(self, meta: Meta, children: list[Any]) -> str:
        text = str(children[0])
        return text[1:-1] if text.startswith("`") else text
