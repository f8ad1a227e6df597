"""DegreeWithTime's time window, shared by the local engine and the Spark backend."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["parse_time", "time_window"]

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)


def parse_time(text: str) -> float:
    """Seconds since the Unix epoch of ``yyyy-MM-dd HH:mm:ss[.SSS]`` (UTC) or of a plain number."""
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return number
    for fmt in _TIME_FORMATS:
        try:
            moment = datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.timestamp()
    raise ValueError(f"must be a time 'yyyy-MM-dd HH:mm:ss.SSS' or an epoch number; got {text!r}")


def _time_bound(params: Mapping[str, Any], name: str, default: float) -> float:
    raw = params.get(name)
    if raw is None:
        return default
    seconds = parse_time(str(raw))
    # A date is in seconds; edge times kept in milliseconds need it scaled (a number is taken as is).
    if _looks_like_text_time(str(raw)) and params.get("time_unit") == "ms":
        return seconds * 1000.0
    return seconds


def _looks_like_text_time(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def time_window(params: Mapping[str, Any]) -> tuple[float, float]:
    """``(begin, end)`` edge times counted (inclusive) from ``begin_time``/``end_time``; unset = unbounded."""
    return _time_bound(params, "begin_time", -math.inf), _time_bound(params, "end_time", math.inf)
