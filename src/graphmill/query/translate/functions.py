"""nGQL's built-in functions in Cypher for LadybugDB."""

from __future__ import annotations

AGGREGATES = {"count": "count", "sum": "sum", "avg": "avg", "min": "min", "max": "max", "collect": "collect"}
#: nGQL scalar function → (LadybugDB function, allowed argument counts).
FUNCTIONS: dict[str, tuple[str, tuple[int, ...]]] = {
    "abs": ("abs", (1,)),
    "floor": ("floor", (1,)),
    "ceil": ("ceil", (1,)),
    "sqrt": ("sqrt", (1,)),
    "pow": ("pow", (2,)),
    "exp": ("exp", (1,)),
    "log": ("ln", (1,)),
    "log10": ("log10", (1,)),
    "sign": ("sign", (1,)),
    "lower": ("lower", (1,)),
    "tolower": ("lower", (1,)),
    "upper": ("upper", (1,)),
    "toupper": ("upper", (1,)),
    "trim": ("trim", (1,)),
    "ltrim": ("ltrim", (1,)),
    "rtrim": ("rtrim", (1,)),
    "left": ("left", (2,)),
    "right": ("right", (2,)),
    "reverse": ("reverse", (1,)),
    "size": ("size", (1,)),
    "length": ("size", (1,)),
    "coalesce": ("coalesce", tuple(range(1, 33))),
    "concat": ("concat", tuple(range(1, 33))),
}
CASTS = {
    "tostring": "STRING",
    "tointeger": "INT64",
    "toint": "INT64",
    "tofloat": "DOUBLE",
    "toboolean": "BOOL",
}
