"""The graph cache's entries on disk: the key of a load, reading an entry, writing one.

An entry is a directory ``cache_dir/<key>/`` (the key: :func:`graphmill.engine.loader.cache_key`) holding the CSR as ``.npy`` files
(``indptr``, ``indices``, ``weights``, ids) and ``meta.json``; it is written into a
temporary directory and renamed into place, so a reader never sees half an entry, and it
is memory-mapped (``mmap_mode="r"``) when read.  :class:`CacheWrite` writes an entry in a
background thread while the task goes on.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill.engine import graph_cache
from graphmill.engine.base import ProgressFn
from graphmill.engine.graph import STRING_ID_TYPE, Graph

__all__ = ["CACHE_FORMAT_VERSION", "CacheWrite", "read_cache", "write_cache"]

#: Bumped whenever the on-disk cache layout changes (part of the cache key).
CACHE_FORMAT_VERSION = 1


def _load_npy(path: Path) -> Any:
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # zero-length arrays cannot be memory-mapped
        return np.load(path, allow_pickle=False)


def read_cache(entry: Path) -> Graph | None:
    meta_path = entry / "meta.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text())
    n = int(meta["n"])
    indptr = _load_npy(entry / "indptr.npy")
    indices = _load_npy(entry / "indices.npy")
    weights = _load_npy(entry / "weights.npy") if meta["weighted"] else None
    if meta["vid_type"] == "int64":
        ids: Any = _load_npy(entry / "ids.npy")
    else:
        offsets = _load_npy(entry / "ids_offsets.npy")
        data = _load_npy(entry / "ids_data.npy")
        ids = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return Graph(n, ids, meta["vid_type"], bool(meta["directed"]), indptr, indices, weights)


def write_cache(entry: Path, graph: Graph) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.parent / f".tmp-{entry.name}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        np.save(tmp / "indptr.npy", np.asarray(graph.indptr))
        np.save(tmp / "indices.npy", np.asarray(graph.indices))
        if graph.weights is not None:
            np.save(tmp / "weights.npy", np.asarray(graph.weights))
        if graph.vid_type == "int64":
            np.save(tmp / "ids.npy", np.asarray(graph.ids))
        else:
            offsets, data = _string_buffers(graph.ids)
            np.save(tmp / "ids_offsets.npy", offsets)
            np.save(tmp / "ids_data.npy", data)
        meta = {
            "n": graph.n,
            "m": graph.m,
            "vid_type": graph.vid_type,
            "directed": graph.directed,
            "weighted": graph.weights is not None,
            "version": CACHE_FORMAT_VERSION,
        }
        (tmp / "meta.json").write_text(json.dumps(meta))
        try:
            os.rename(tmp, entry)
        except OSError:
            if not (entry / "meta.json").is_file():  # not a concurrent writer that won
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _string_buffers(ids: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    arr = ids.cast(STRING_ID_TYPE)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1].copy()
    start, end = int(offsets[0]), int(offsets[-1])
    if bufs[2] is None or end == start:
        data = np.zeros(0, dtype=np.uint8)
    else:
        data = np.frombuffer(bufs[2], dtype=np.uint8)[start:end]
    offsets -= start
    return offsets, data


class CacheWrite:
    """A cache entry being written in a background thread (or nothing to write).

    ``np.save`` writes with the GIL released, so the algorithm runs while the entry is
    written; :meth:`wait` before the process ends (a write cut short leaves only a
    temporary directory, never a half entry).
    """

    def __init__(
        self,
        entry: Path | None,
        graph: Graph | None,
        report: ProgressFn,
        *,
        sources: Sequence[Path] = (),
    ) -> None:
        self._report = report
        self._sources = list(sources)
        self._error: OSError | None = None
        self._thread: threading.Thread | None = None
        if entry is not None and graph is not None:
            self._thread = threading.Thread(
                target=self._write, args=(entry, graph), name="graph-cache-write", daemon=True
            )
            self._thread.start()

    def _write(self, entry: Path, graph: Graph) -> None:
        try:
            write_cache(entry, graph)
            # which edge files (and versions) the entry came from: graph_cache drops it once stale
            graph_cache.record_sources(entry, self._sources)
        except OSError as exc:  # a cache that cannot be written is not fatal
            self._error = exc

    def wait(self) -> None:
        """Wait for the write; a failed write is reported (from the caller's thread), not raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            self._report("loading", 1.0, f"graph cache not written: {self._error}")
            self._error = None
