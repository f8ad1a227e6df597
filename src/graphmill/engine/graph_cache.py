"""Keeping the loader's graph cache bounded: last use, data versions, LRU eviction, listing.

The loader (``engine.loader``) writes one directory per built graph under the cache
directory.  This module adds, beside each entry's files:

- ``sources.json``: the identity (resolved path, size, mtime) of the edge files the graph
  was built from.  When one of them is replaced or gone (a space re-imported, a staged
  input deleted) the entry can never be hit again: it is *stale* and dropped first.
- the entry's last use, as the modification time of its ``meta.json`` (touched on a hit).

``enforce(cache_dir, budget)`` drops stale entries, then the least recently used ones until
the cache fits the budget (``GRAPHMILL_GRAPH_CACHE_MB``).  Readers memory-map entry files, so
removing an entry under a running task is safe on POSIX: its mapped files live on until unmapped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_META = "meta.json"
_SOURCES = "sources.json"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    key: str
    path: Path
    size_bytes: int
    last_used: float
    vertices: int
    edges: int
    sources: tuple[str, ...]
    stale: bool


def touch(entry: Path) -> None:
    """Record a use of ``entry`` now (its place in the LRU order)."""
    with contextlib.suppress(OSError):
        os.utime(entry / _META)


def record_sources(entry: Path, paths: Iterable[Path]) -> None:
    """Remember which edge files (and which version of each) ``entry`` was built from."""
    described = []
    for path in paths:
        resolved = Path(path).resolve()
        st = resolved.stat()
        described.append({"path": str(resolved), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    with contextlib.suppress(OSError):
        (entry / _SOURCES).write_text(json.dumps(described))


def _is_stale(sources: Sequence[dict[str, Any]]) -> bool:
    for source in sources:
        try:
            st = Path(source["path"]).stat()
        except OSError:
            return True
        if (st.st_size, st.st_mtime_ns) != (source["size"], source["mtime_ns"]):
            return True
    return False


def _entry(path: Path) -> CacheEntry | None:
    meta_path = path / _META
    try:
        meta = json.loads(meta_path.read_text())
        last_used = meta_path.stat().st_mtime
        size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    except (OSError, ValueError):
        return None
    try:
        sources = json.loads((path / _SOURCES).read_text())
    except (OSError, ValueError):
        sources = []  # written by an older graphmill: only the LRU order applies
    return CacheEntry(
        key=path.name,
        path=path,
        size_bytes=size,
        last_used=last_used,
        vertices=int(meta.get("n", 0)),
        edges=int(meta.get("m", 0)),
        sources=tuple(str(s["path"]) for s in sources),
        stale=_is_stale(sources),
    )


def entries(cache_dir: Path) -> list[CacheEntry]:
    """Every complete entry, most recently used first (half-written ones are not listed)."""
    if not cache_dir.is_dir():
        return []
    found = [_entry(p) for p in cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted((e for e in found if e is not None), key=lambda e: e.last_used, reverse=True)


def remove(entry: CacheEntry) -> None:
    shutil.rmtree(entry.path, ignore_errors=True)


def enforce(cache_dir: Path, budget_bytes: int) -> list[CacheEntry]:
    """Drop stale entries, then the least recently used until the rest fit ``budget_bytes``.

    The most recently used entry is never dropped for size: the graph a task just built or
    read stays, even when it alone is over the budget.  Returns the entries removed.
    """
    current = entries(cache_dir)
    removed = [e for e in current if e.stale]
    kept = [e for e in current if not e.stale]
    total = sum(e.size_bytes for e in kept)
    for entry in reversed(kept[1:]):  # least recently used first
        if total <= budget_bytes:
            break
        removed.append(entry)
        total -= entry.size_bytes
    for entry in removed:
        remove(entry)
    return removed
