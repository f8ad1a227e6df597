"""Keeping local file access inside a root folder (the files root, the data dir).

A path is checked *after* it is resolved (``..`` and every symbolic link followed), and
each file is checked on its own: a folder inside the root may hold a link to a file
outside it, so checking the folder says nothing about the files in it.  Callers open the
resolved path they get back, so what is opened is what was checked (up to a concurrent
rename of a folder on the way, which needs write access to the root itself).
"""

from __future__ import annotations

import re
from pathlib import Path

from graphmill.errors import ParamError

__all__ = ["PathOutsideRoot", "is_within", "redact_row_echo", "resolve_within"]


class PathOutsideRoot(ParamError):
    """A path that resolves outside the root it must stay in."""


def is_within(root: Path, resolved: Path) -> bool:
    """Whether the already resolved ``resolved`` is ``root`` (resolved) or below it."""
    return resolved == root or root in resolved.parents


def resolve_within(root: Path | str, path: Path | str, *, what: str = "path") -> Path:
    """``path`` resolved; :class:`PathOutsideRoot` if that is not inside ``root``.

    The message names neither the link target nor anything read from the file.
    """
    root_resolved = Path(root).resolve()
    resolved = Path(path).resolve()
    if not is_within(root_resolved, resolved):
        raise PathOutsideRoot(f"{what} {Path(path).name!r} resolves outside the files root")
    return resolved


#: Arrow's CSV errors end with the offending row ("Expected 2 columns, got 1: <row>").
_ROW_ECHO = re.compile(r"(got \d+|row|line)\s*:\s.*$", re.IGNORECASE | re.DOTALL)


def redact_row_echo(message: str) -> str:
    """A reader's error message without the file content some readers append to it.

    What remains is one line, at most a short excerpt long beyond the reader's own words.
    """
    first = message.strip().splitlines()[0] if message.strip() else ""
    first = _ROW_ECHO.sub(lambda m: m.group(1), first)
    return first if len(first) <= 200 else first[:200] + "…"
