"""NebulaGraph 3.x's built-in functions, written in LadybugDB's Cypher.

Every function of NebulaGraph's function reference has an entry: math (``rand()``,
``rand32()``, ``rand64()`` included), string, list, type conversion, date and time,
aggregation and predicates.  The scalar ones are here, as templates over the translated
arguments; aggregation, the schema functions (``id()``, ``src()``, …) and the predicates
(``any(x IN l WHERE …)``) need the scope and live in :mod:`.expressions`.

Where LadybugDB lacks a function the template composes it (``hypot``, ``strcasecmp``,
``exp``); a few keep LadybugDB's own results where NebulaGraph's differ in detail:
``hash()`` is LadybugDB's hash (not NebulaGraph's MurmurHash2 values), ``time()`` is the
``HH:MM:SS[.ffffff]`` text (LadybugDB has no time-of-day type).  A function that has no
translation at all (``json_extract``) is refused by name when the query is translated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphmill.query import ast
from graphmill.query.problems import fail

#: nGQL aggregate → its Cypher text, given the (possibly ``DISTINCT ``-prefixed) argument.
AGGREGATES: dict[str, Callable[[str], str]] = {
    "count": lambda a: f"count({a})",
    "sum": lambda a: f"sum({a})",
    "avg": lambda a: f"avg({a})",
    "min": lambda a: f"min({a})",
    "max": lambda a: f"max({a})",
    "collect": lambda a: f"collect({a})",
    "collect_set": lambda a: f"list_distinct(collect({a}))",
    # Population standard deviation, as NebulaGraph's std(); clamped: rounding can dip below 0.
    "std": lambda a: (
        f"sqrt(CASE WHEN avg(CAST({a} AS DOUBLE) * CAST({a} AS DOUBLE)) - avg(CAST({a} AS DOUBLE))^2 < 0 "
        f"THEN 0.0 ELSE avg(CAST({a} AS DOUBLE) * CAST({a} AS DOUBLE)) - avg(CAST({a} AS DOUBLE))^2 END)"
    ),
}

_E = "2.718281828459045"
_NOW = "current_timestamp()"


@dataclass(frozen=True)
class Function:
    """A scalar function: how many arguments it takes, and its Cypher given theirs."""

    low: int
    high: int
    render: Callable[[Sequence[str]], str]


def _direct(target: str, low: int, high: int | None = None) -> Function:
    return Function(low, low if high is None else high, lambda a: f"{target}({', '.join(a)})")


def _rand_int(bits: int) -> Function:
    """rand32()/rand64(): no argument, (max) → [0, max), (min, max) → [min, max)."""
    # (random() - 0.5) is in [-0.5, 0.5): times 2**bits it stays inside the signed range.
    full = f"CAST(floor((random() - 0.5) * {2**bits}.0) AS INT64)"

    def render(a: Sequence[str]) -> str:
        if not a:
            return full
        low, high = ("0", a[0]) if len(a) == 1 else (a[0], a[1])
        return f"CAST(floor(random() * (({high}) - ({low}))) + ({low}) AS INT64)"

    return Function(0, 2, render)


def _substr(a: Sequence[str]) -> str:
    # NebulaGraph counts from 0, Cypher from 1; without a length: to the end.
    length = a[2] if len(a) == 3 else f"size({a[0]})"
    return f"substring({a[0]}, ({a[1]}) + 1, {length})"


def _date(a: Sequence[str]) -> str:
    return "current_date()" if not a else f"date(CAST({a[0]} AS STRING))"


def _datetime(a: Sequence[str]) -> str:
    return _NOW if not a else f"timestamp(CAST({a[0]} AS STRING))"


def _time(a: Sequence[str]) -> str:
    return f"substring(CAST({_NOW} AS STRING), 12, 15)" if not a else f"CAST({a[0]} AS STRING)"


def _timestamp(a: Sequence[str]) -> str:
    moment = _NOW if not a else f"timestamp(CAST({a[0]} AS STRING))"
    return f"CAST(to_epoch_ms({moment}) / 1000 AS INT64)"


def _strcasecmp(a: Sequence[str]) -> str:
    x, y = f"lower({a[0]})", f"lower({a[1]})"
    return f"(CASE WHEN {x} < {y} THEN -1 WHEN {x} > {y} THEN 1 ELSE 0 END)"


#: nGQL scalar function (lower-case) → its translation.
FUNCTIONS: dict[str, Function] = {
    # math
    "abs": _direct("abs", 1),
    "floor": _direct("floor", 1),
    "ceil": _direct("ceil", 1),
    "sqrt": _direct("sqrt", 1),
    "cbrt": _direct("cbrt", 1),
    "hypot": Function(2, 2, lambda a: f"sqrt(({a[0]}) * ({a[0]}) + ({a[1]}) * ({a[1]}))"),
    "pow": _direct("pow", 2),
    "exp": Function(1, 1, lambda a: f"pow({_E}, {a[0]})"),
    "exp2": Function(1, 1, lambda a: f"pow(2.0, {a[0]})"),
    "log": _direct("ln", 1),
    "log2": _direct("log2", 1),
    "log10": _direct("log10", 1),
    "sin": _direct("sin", 1),
    "asin": _direct("asin", 1),
    "cos": _direct("cos", 1),
    "acos": _direct("acos", 1),
    "tan": _direct("tan", 1),
    "atan": _direct("atan", 1),
    "rand": Function(0, 0, lambda a: "random()"),
    "rand32": _rand_int(32),
    "rand64": _rand_int(64),
    "bit_and": Function(2, 2, lambda a: f"(({a[0]}) & ({a[1]}))"),
    "bit_or": Function(2, 2, lambda a: f"(({a[0]}) | ({a[1]}))"),
    "bit_xor": _direct("bitwise_xor", 2),
    "sign": _direct("sign", 1),
    "e": Function(0, 0, lambda a: _E),
    "pi": _direct("pi", 0),
    "radians": _direct("radians", 1),
    "round": Function(1, 2, lambda a: f"round(CAST({a[0]} AS DOUBLE), {a[1] if len(a) == 2 else '0'})"),
    # strings
    "strcasecmp": Function(2, 2, _strcasecmp),
    "lower": _direct("lower", 1),
    "tolower": _direct("lower", 1),
    "upper": _direct("upper", 1),
    "toupper": _direct("upper", 1),
    "length": _direct("size", 1),
    "trim": _direct("trim", 1),
    "ltrim": _direct("ltrim", 1),
    "rtrim": _direct("rtrim", 1),
    "left": _direct("left", 2),
    "right": _direct("right", 2),
    "lpad": _direct("lpad", 3),
    "rpad": _direct("rpad", 3),
    "substr": Function(2, 3, _substr),
    "substring": Function(2, 3, _substr),
    "replace": _direct("replace", 3),
    "split": _direct("string_split", 2),
    "concat": _direct("concat", 1, 64),
    "concat_ws": _direct("concat_ws", 2, 64),
    "extract": _direct("regexp_extract_all", 2),
    "hash": _direct("hash", 1),
    # lists
    "size": _direct("size", 1),
    "range": _direct("range", 2, 3),
    "reverse": _direct("reverse", 1),
    # NULL for an empty list, as in NebulaGraph (list_extract fails out of range).
    "head": Function(1, 1, lambda a: f"list_extract(list_concat({a[0]}, [NULL]), 1)"),
    "last": Function(1, 1, lambda a: f"list_extract(list_concat([NULL], {a[0]}), -1)"),
    "tail": Function(1, 1, lambda a: f"list_slice({a[0]}, 2, size({a[0]}) + 1)"),
    "coalesce": _direct("coalesce", 1, 64),
    # type conversion
    "tostring": Function(1, 1, lambda a: f"CAST({a[0]} AS STRING)"),
    "tointeger": Function(1, 1, lambda a: f"CAST({a[0]} AS INT64)"),
    "toint": Function(1, 1, lambda a: f"CAST({a[0]} AS INT64)"),
    "tofloat": Function(1, 1, lambda a: f"CAST({a[0]} AS DOUBLE)"),
    "toboolean": Function(1, 1, lambda a: f"CAST({a[0]} AS BOOL)"),
    "toset": Function(1, 1, lambda a: f"list_distinct({a[0]})"),
    # date and time
    "date": Function(0, 1, _date),
    "datetime": Function(0, 1, _datetime),
    "time": Function(0, 1, _time),
    "timestamp": Function(0, 1, _timestamp),
    "now": Function(0, 0, lambda a: f"CAST(to_epoch_ms({_NOW}) / 1000 AS INT64)"),
}

#: Functions of NebulaGraph's reference with no translation: refused by name.
UNSUPPORTED = {
    "json_extract": "LadybugDB has no JSON functions",
    "nodes": "paths are not supported",
    "relationships": "paths are not supported",
    "reduce": "reduce() is not supported",
    "st_point": "geography functions are not supported",
}

#: Fields of a date, datetime or duration value, as ``value.field``, by LadybugDB's date_part names.
DATE_FIELDS = {
    "year": "year",
    "month": "month",
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "millisecond": "millisecond",
    "microsecond": "microsecond",
}

#: ``duration({days: 1, hours: 2})``: key → LadybugDB interval constructor.
DURATION_UNITS = {
    "years": "to_years",
    "months": "to_months",
    "weeks": "to_days",
    "days": "to_days",
    "hours": "to_hours",
    "minutes": "to_minutes",
    "seconds": "to_seconds",
    "milliseconds": "to_milliseconds",
    "microseconds": "to_microseconds",
}


def scalar(call: ast.Call) -> Function:
    """The translation of the scalar function ``call``, checked against its argument count."""
    name = call.name.lower()
    function = FUNCTIONS.get(name)
    if function is None:
        if name in UNSUPPORTED:
            fail(f"function {call.name}() is not supported: {UNSUPPORTED[name]}", call.pos)
        fail(f"function {call.name}() is not supported", call.pos)
    if not function.low <= len(call.args) <= function.high:
        wanted = str(function.low) if function.low == function.high else f"{function.low} to {function.high}"
        fail(f"{call.name}() takes {wanted} argument(s), not {len(call.args)}", call.pos)
    return function
