"""Converting NebulaGraph values: query parameters in, result sets and scanned edges out.

Values arrive as nebula3-python's raw thrift ``Value`` unions (``.field`` says which member is
set, ``.value`` holds it; strings are ``bytes``).  Reading them needs no import of nebula3;
building parameters imports it lazily.

Result cells become Python values, then Arrow columns:

=====================  ==========================================================
NebulaGraph value      cell
=====================  ==========================================================
NULL, EMPTY            null
bool, int, float       bool, int64, float64 (a column of ints and floats: float64)
string                 string (UTF-8; undecodable bytes replaced by U+FFFD)
date                   date32
datetime               timestamp[us, UTC] (NebulaGraph returns datetimes in UTC)
time                   text ``HH:MM:SS.ffffff`` (UTC)
vertex                 its vid (int64 or string)
edge                   text ``name src->dst@rank``, vids as nGQL literals, in the stored
                       direction: ``follow "player100"->"player101"@0`` — what ``FETCH PROP
                       ON`` takes
path                   text ``("a")-[:follow@0]->("b")<-[:serve@0]-("c")``
list, set, map         JSON text of the converted elements (vertices as vids, edges and
                       paths as text, dates as ISO text)
duration, geography    text, as nebula3-python prints them
=====================  ==========================================================

A column whose cells are of several kinds (say ints and strings) becomes text, each cell as
above (bools ``true``/``false``); a column of nulls only is a string column.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from graphmill import errors

# The members of nebula's Value union (``Value.field``), fixed by its thrift definition.
EMPTY, NVAL, BVAL, IVAL, FVAL, SVAL, DVAL, TVAL, DTVAL = 0, 1, 2, 3, 4, 5, 6, 7, 8
VVAL, EVAL, PVAL, LVAL, MVAL, UVAL, GVAL, GGVAL, DUVAL = 9, 10, 11, 12, 13, 14, 15, 16, 17

_INT64 = (-(2**63), 2**63 - 1)


class _Text(str):
    """A cell that is the text form of a composite value (kept apart from plain strings)."""


# --- reading --------------------------------------------------------------------------------


def _decode(raw: object) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(raw)


def _vid(value: Any) -> int | str | None:
    field = getattr(value, "field", EMPTY)
    if field == IVAL:
        return int(value.value)
    if field == SVAL:
        return _decode(value.value)
    if field in (EMPTY, NVAL):
        return None
    return _Text(_as_text(cell(value)) or "")


def _vid_text(value: Any) -> str:
    vid = _vid(value)
    return json.dumps(vid, ensure_ascii=False) if isinstance(vid, str) else str(vid)


def _edge_text(edge: Any) -> str:
    src, dst = edge.src, edge.dst
    if (edge.type or 0) < 0:  # seen from its destination: show it as stored
        src, dst = dst, src
    return f"{_decode(edge.name)} {_vid_text(src)}->{_vid_text(dst)}@{edge.ranking or 0}"


def _path_text(path: Any) -> str:
    parts = [f"({_vid_text(path.src.vid)})"]
    for step in path.steps or ():
        label = f"[:{_decode(step.name)}@{step.ranking or 0}]"
        arrow = f"<-{label}-" if (step.type or 0) < 0 else f"-{label}->"
        parts.append(f"{arrow}({_vid_text(step.dst.vid)})")
    return "".join(parts)


def _time_text(t: Any) -> str:
    return dt.time(t.hour, t.minute, t.sec, t.microsec).isoformat(timespec="microseconds")


def _wrapper_text(value: Any) -> str:
    from nebula3.data.DataObject import ValueWrapper  # type: ignore[import-untyped]

    return str(ValueWrapper(value))


def cell(value: Any) -> object:
    """One result value as a Python value (see the module docstring)."""
    field = getattr(value, "field", EMPTY)
    raw: Any = getattr(value, "value", None)
    if field in (EMPTY, NVAL):
        return None
    if field == BVAL:
        return bool(raw)
    if field == IVAL:
        return int(raw)
    if field == FVAL:
        return float(raw)
    if field == SVAL:
        return _decode(raw)
    if field == DVAL:
        return dt.date(raw.year, raw.month, raw.day)
    if field == DTVAL:
        return dt.datetime(raw.year, raw.month, raw.day, raw.hour, raw.minute, raw.sec, raw.microsec, dt.UTC)
    if field == TVAL:
        return _Text(_time_text(raw))
    if field == VVAL:
        return _vid(raw.vid)
    if field == EVAL:
        return _Text(_edge_text(raw))
    if field == PVAL:
        return _Text(_path_text(raw))
    if field in (LVAL, UVAL, MVAL, GVAL):
        return _Text(json.dumps(_jsonable(value), ensure_ascii=False))
    return _Text(_wrapper_text(value))


def _jsonable(value: Any) -> object:
    field = getattr(value, "field", EMPTY)
    raw: Any = getattr(value, "value", None)
    if field in (LVAL, UVAL):
        items = [_jsonable(v) for v in (raw.values or ())]
        if field == UVAL:
            items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return items
    if field == MVAL:
        return {_decode(k): _jsonable(v) for k, v in sorted((raw.kvs or {}).items())}
    if field == GVAL:
        return {
            "columns": [_decode(c) for c in (raw.column_names or ())],
            "rows": [[_jsonable(v) for v in row.values] for row in (raw.rows or ())],
        }
    converted = cell(value)
    if isinstance(converted, dt.date):
        return converted.isoformat()
    if isinstance(converted, float) and not math.isfinite(converted):
        return str(converted)
    return str(converted) if isinstance(converted, _Text) else converted


def _kind(value: object) -> str:
    if isinstance(value, _Text):
        return "text"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return "text"


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _float(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def column_array(cells: Sequence[object]) -> pa.Array:
    """An Arrow array for one result column's cells (typing rules in the module docstring)."""
    kinds = {_kind(c) for c in cells if c is not None}
    if kinds == {"bool"}:
        return pa.array(cells, pa.bool_())
    if kinds == {"int"}:
        return pa.array(cells, pa.int64())
    if kinds and kinds <= {"int", "float"}:
        return pa.array([None if c is None else _float(c) for c in cells], pa.float64())
    if kinds == {"date"}:
        return pa.array(cells, pa.date32())
    if kinds == {"datetime"}:
        return pa.array(cells, pa.timestamp("us", tz="UTC"))
    if kinds <= {"string", "text"}:
        return pa.array([None if c is None else str(c) for c in cells], pa.string())
    return pa.array([_as_text(c) for c in cells], pa.string())


def result_table(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> pa.Table:
    """An Arrow table of a result set: ``names`` as NebulaGraph returns them, ``rows`` of raw Values."""
    columns = [column_array([cell(row[i]) for row in rows]) for i in range(len(names))]
    return pa.Table.from_arrays(columns, names=list(names))


# --- writing (parameters) -------------------------------------------------------------------


def to_nebula_value(value: object, *, name: str = "value") -> Any:
    """``value`` as a nebula3 ``Value`` for ``execute_parameter``; TaskFailed when it has no equivalent.

    ``None`` → NULL, bool, int (int64 range), float, str, ``datetime.datetime`` (an aware one
    is converted to UTC), ``datetime.date``, ``datetime.time``, list or tuple → list, dict
    with string keys → map.
    """
    from nebula3.common import ttypes  # type: ignore[import-untyped]

    if value is None:
        return ttypes.Value(nVal=ttypes.NullType.__NULL__)
    if isinstance(value, bool):
        return ttypes.Value(bVal=value)
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise errors.TaskFailed(f"parameter '{name}': {value} is out of the int64 range")
        return ttypes.Value(iVal=value)
    if isinstance(value, float):
        return ttypes.Value(fVal=value)
    if isinstance(value, str):
        return ttypes.Value(sVal=value.encode("utf-8"))
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC) if value.tzinfo else value
        return ttypes.Value(
            dtVal=ttypes.DateTime(
                year=moment.year,
                month=moment.month,
                day=moment.day,
                hour=moment.hour,
                minute=moment.minute,
                sec=moment.second,
                microsec=moment.microsecond,
            )
        )
    if isinstance(value, dt.date):
        return ttypes.Value(dVal=ttypes.Date(year=value.year, month=value.month, day=value.day))
    if isinstance(value, dt.time):
        return ttypes.Value(
            tVal=ttypes.Time(
                hour=value.hour, minute=value.minute, sec=value.second, microsec=value.microsecond
            )
        )
    if isinstance(value, list | tuple):
        return ttypes.Value(
            lVal=ttypes.NList(values=[to_nebula_value(v, name=f"{name}[{i}]") for i, v in enumerate(value)])
        )
    if isinstance(value, Mapping):
        kvs: dict[bytes, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise errors.TaskFailed(f"parameter '{name}': map keys must be strings, not {key!r}")
            kvs[key.encode("utf-8")] = to_nebula_value(item, name=f"{name}.{key}")
        return ttypes.Value(mVal=ttypes.NMap(kvs=kvs))
    raise errors.TaskFailed(
        f"parameter '{name}': a {type(value).__name__} cannot be passed to NebulaGraph "
        "(use null, bool, int, float, str, date, time, datetime, list or dict)"
    )


__all__ = ["cell", "column_array", "result_table", "to_nebula_value"]
