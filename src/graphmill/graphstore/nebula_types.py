"""NebulaGraph property types: their canonical names, Arrow types and LadybugDB types.

Supported: ``int64`` (``int`` is an alias), ``int32``, ``int16``, ``int8``, ``double``,
``float`` (32-bit), ``string``, ``fixed_string(N)``, ``bool``, ``timestamp`` (whole seconds
since the epoch, UTC; an Arrow ``timestamp[ms]`` so that Parquet keeps the type), ``date``
and ``datetime`` (microseconds, no time zone).  ``time``,
``duration`` and ``geography`` are refused.
"""

from __future__ import annotations

import pyarrow as pa

INT_RANGES: dict[str, tuple[int, int]] = {
    "int64": (-(2**63), 2**63 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int8": (-(2**7), 2**7 - 1),
}
FLOAT_TYPES = frozenset({"double", "float"})
NUMERIC_TYPES = frozenset(INT_RANGES) | FLOAT_TYPES
_SIMPLE_TYPES = NUMERIC_TYPES | {"string", "bool", "timestamp", "date", "datetime"}
_ALIASES = {"int": "int64"}
_FIXED_PREFIX = "fixed_string("

_ARROW: dict[str, pa.DataType] = {
    "int64": pa.int64(),
    "int32": pa.int32(),
    "int16": pa.int16(),
    "int8": pa.int8(),
    "double": pa.float64(),
    "float": pa.float32(),
    "string": pa.string(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("ms"),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
}
_LADYBUG: dict[str, str] = {
    "int64": "INT64",
    "int32": "INT32",
    "int16": "INT16",
    "int8": "INT8",
    "double": "DOUBLE",
    "float": "FLOAT",
    "string": "STRING",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}


def fixed_string(length: int) -> str:
    """The canonical name of ``fixed_string(length)``."""
    if length <= 0:
        raise ValueError(f"fixed_string length must be positive, not {length}")
    return f"{_FIXED_PREFIX}{length})"


def fixed_string_length(type_name: str) -> int | None:
    """N for ``fixed_string(N)``, None for any other type."""
    if type_name.startswith(_FIXED_PREFIX) and type_name.endswith(")"):
        digits = type_name[len(_FIXED_PREFIX) : -1]
        if digits.isdigit():
            return int(digits)
    return None


def normalize_type(type_name: str) -> str:
    """The canonical name of a type (lower case, ``int`` → ``int64``); ValueError if unsupported."""
    name = "".join(type_name.split()).lower()
    name = _ALIASES.get(name, name)
    if name in _SIMPLE_TYPES:
        return name
    length = fixed_string_length(name)
    if length is not None:
        return fixed_string(length)
    raise ValueError(f"unsupported property type {type_name!r}")


def base_type(type_name: str) -> str:
    """``string`` for ``fixed_string(N)``, the type itself otherwise."""
    return "string" if fixed_string_length(type_name) is not None else type_name


def is_numeric(type_name: str) -> bool:
    """Whether the type can serve as an edge weight."""
    return type_name in NUMERIC_TYPES


def arrow_type(type_name: str) -> pa.DataType:
    """The Arrow type of a property's column in the snapshots."""
    return _ARROW[base_type(type_name)]


def ladybug_type(type_name: str) -> str:
    """The LadybugDB column type of a property."""
    return _LADYBUG[base_type(type_name)]


def vid_arrow_type(vid_type: str) -> pa.DataType:
    """The Arrow type of vid columns (``vid``, ``src``, ``dst``)."""
    return pa.int64() if vid_type == "int64" else pa.large_string()


def vid_ladybug_type(vid_type: str) -> str:
    """The LadybugDB type of the vid primary key."""
    return "INT64" if vid_type == "int64" else "STRING"
