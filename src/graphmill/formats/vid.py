"""Vertex id types, as NebulaGraph names them."""

from __future__ import annotations

from typing import Literal, TypeAlias

#: A space's vid type: ``FIXED_STRING(n)`` spaces are ``string``, ``INT64`` spaces ``int64``.
VidType: TypeAlias = Literal["string", "int64"]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def fits_int64(value: int) -> bool:
    """Whether ``value`` is a 64-bit signed integer (what an int64 vid, rank or count can hold)."""
    return INT64_MIN <= value <= INT64_MAX
