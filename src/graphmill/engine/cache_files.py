"""The graph cache's entries on disk: the key of a load, reading an entry, writing one.

An entry is a directory ``cache_dir/<key>/`` (the key: :func:`graphmill.engine.loader.cache_key`) holding the CSR as ``.npy`` files
(``indptr``, ``indices``, ``weights``, ids) and ``meta.json``; it is written into a
temporary directory and renamed into place, so a reader never sees half an entry, and it
is memory-mapped (``mmap_mode="r"``) when read.  :class:`CacheWrite` writes an entry in a
background thread while the task goes on.

Derived structures (:meth:`graphmill.engine.graph.Graph.derived`, e.g. PageRank's relabelled
in-edges) are added to an entry later as ``derived-<name>-<array>.npy`` files plus
``derived-<name>.json``, written last: an entry without them is complete, and a task that
needs them builds and adds them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill.engine import graph_cache
from graphmill.engine.base import ProgressFn
from graphmill.engine.graph import STRING_ID_TYPE, Graph

__all__ = ["CACHE_FORMAT_VERSION", "CacheWrite", "read_cache", "read_derived", "write_cache", "write_derived"]

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


def read_derived(entry: Path, name: str) -> dict[str, npt.NDArray[Any]] | None:
    """The arrays of derived structure ``name`` in ``entry`` (memory-mapped), or ``None``."""
    try:
        meta = json.loads((entry / f"derived-{name}.json").read_text())
        return {array: _load_npy(entry / f"derived-{name}-{array}.npy") for array in meta["arrays"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_derived(entry: Path, name: str, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    """Add derived structure ``name`` to the complete entry ``entry`` (its index file last)."""
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    written: list[Path] = []
    try:
        for array, values in arrays.items():
            tmp = entry / f".tmp-{token}-{name}-{array}.npy"
            written.append(tmp)
            np.save(tmp, np.asarray(values))
            os.replace(tmp, entry / f"derived-{name}-{array}.npy")
        tmp = entry / f".tmp-{token}-{name}.json"
        written.append(tmp)
        tmp.write_text(json.dumps({"arrays": sorted(arrays)}))
        os.replace(tmp, entry / f"derived-{name}.json")
    finally:
        for path in written:
            path.unlink(missing_ok=True)


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
    temporary directory, never a half entry).  It is also the graph's
    :class:`~graphmill.engine.graph.DerivedStore`: derived structures are read from the
    entry, and new ones are added to it once the entry itself is written.
    """

    def __init__(
        self,
        entry: Path | None,
        graph: Graph | None,
        report: ProgressFn,
        *,
        sources: Sequence[Path] = (),
    ) -> None:
        self._entry = entry
        self._report = report
        self._sources = list(sources)
        self._errors: list[OSError] = []
        self._threads: list[threading.Thread] = []
        if entry is not None and graph is not None:
            self._start(self._write, entry, graph, name="graph-cache-write")

    def _start(self, target: Any, *args: Any, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _write(self, entry: Path, graph: Graph) -> None:
        try:
            write_cache(entry, graph)
            # which edge files (and versions) the entry came from: graph_cache drops it once stale
            graph_cache.record_sources(entry, self._sources)
        except OSError as exc:  # a cache that cannot be written is not fatal
            self._errors.append(exc)

    def read_derived(self, name: str) -> dict[str, npt.NDArray[Any]] | None:
        return None if self._entry is None else read_derived(self._entry, name)

    def persistent(self) -> bool:
        return self._entry is not None

    def save_derived(self, name: str, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        """Add ``arrays`` to the entry in the background, after the entry's own write."""
        if self._entry is not None:
            self._start(
                self._write_derived,
                self._entry,
                name,
                dict(arrays),
                list(self._threads),
                name="graph-cache-derived",
            )

    def _write_derived(
        self, entry: Path, name: str, arrays: dict[str, npt.NDArray[Any]], before: list[threading.Thread]
    ) -> None:
        for thread in before:
            thread.join()
        if not (entry / "meta.json").is_file():  # the entry was not written (or already evicted)
            return
        try:
            write_derived(entry, name, arrays)
        except OSError as exc:
            self._errors.append(exc)

    def wait(self) -> None:
        """Wait for the writes; a failed write is reported (from the caller's thread), not raised."""
        while self._threads:
            self._threads.pop(0).join()
        for error in self._errors:
            self._report("loading", 1.0, f"graph cache not written: {error}")
        self._errors.clear()
