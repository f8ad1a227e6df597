"""Whether the first row of an edge CSV file is a header, told from its first two rows.

The rule (``has_header`` not given):

- vertex id columns hold integers in data rows: when the space's vids are ``int64`` and the
  first row's id fields are not all integers, it is a header; with the vid type unknown, it is
  one when the first row's id fields are not all integers but the second row's are;
- a weight column holds numbers: when the first row's weight field is not a number but the
  second row's is (or there is no second row), it is a header.

An integer is a 64-bit one (``99999999999999999999`` is not: no vid or weight column can hold it).
With string ids and no weight nothing tells a header from data: no header is assumed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graphmill.formats.vid import VidType, fits_int64

_INT_RE = re.compile(r"\s*[+-]?\d+\s*")


def is_int64_text(text: str) -> bool:
    """Whether ``text`` is a decimal integer (surrounding blanks allowed) that fits 64 bits."""
    return _INT_RE.fullmatch(text) is not None and fits_int64(int(text))


def is_number_text(text: str) -> bool:
    """Whether ``text`` parses as a number (``float()``'s syntax)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _field(row: Sequence[str], index: int) -> str | None:
    return row[index] if index < len(row) else None


def looks_like_header(
    first: Sequence[str],
    second: Sequence[str] | None,
    *,
    vid_columns: Sequence[int] = (0, 1),
    weight_column: int | None = None,
    vid_type: VidType | None = None,
) -> bool:
    """Whether ``first`` is a header row (module docstring); ``second`` is the next row, if any."""

    def ids_are_ints(row: Sequence[str]) -> bool:
        return all((f := _field(row, i)) is not None and is_int64_text(f) for i in vid_columns)

    if vid_type == "int64" and not ids_are_ints(first):
        return True
    if vid_type is None and not ids_are_ints(first) and second is not None and ids_are_ints(second):
        return True
    if weight_column is not None:
        w1 = _field(first, weight_column)
        w2 = _field(second, weight_column) if second is not None else None
        if w1 is not None and not is_number_text(w1):
            return second is None or (w2 is not None and is_number_text(w2))
    return False
