"""The one compact graph representation every algorithm reads.

A :class:`Graph` is an out-CSR over dense vertex indices ``0..n-1`` plus the original
vertex id of each index.  Dense indices follow the sorted order of the original ids
(numeric order for int64 ids, byte-wise UTF-8 order for strings), so index order is
deterministic and "the smallest id" is simply "the smallest index".

* Parallel edges are kept (every copy is one CSR entry, as NebulaGraph Analytics counts
  them) and so are self-loops.
* ``directed=False`` means the reverse of every edge was added at build time (NA's
  ``is_directed=false``); a self-loop ``u→u`` therefore appears twice.
* Within a row, neighbours are sorted by index (parallel edges are adjacent).
* Arrays may be read-only (memory-mapped from the loader's cache): never modify them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from graphmill import errors
from graphmill.engine.csr import COMPILED_MIN_EDGES, csr_from_codes, encode_ids, row_blocks
from graphmill.formats.vid import VidType

__all__ = ["DerivedStore", "Graph", "InCSR", "VidType", "build_graph", "csr_from_codes"]


#: Type of string vertex ids inside a :class:`Graph` (64-bit offsets: no 2 GiB limit).
STRING_ID_TYPE = pa.large_string()

#: int32 or int64 index array (dtype chosen at run time).
IntArray = npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]

#: Derived-structure name of the lean transpose (:meth:`Graph.in_edges`) in a graph cache entry.
IN_EDGES = "in-edges-v1"


class InCSR(NamedTuple):
    """The transpose of a graph's out-CSR.

    Row ``v`` lists the sources ``u`` of edges ``u→v`` (sorted, duplicates kept);
    ``edge_ids[k]`` is the position of that edge in the out-CSR, so per-edge data of the
    out-CSR (``weights``) reads as ``weights[edge_ids]``.
    """

    indptr: npt.NDArray[np.int64]
    indices: IntArray
    edge_ids: npt.NDArray[np.int64]


class DerivedStore(Protocol):
    """Where a graph's derived structures outlive the task: the graph cache entry it came from.

    ``read_derived`` returns the arrays saved under ``name`` (or ``None``); ``save_derived``
    stores them (possibly in the background; failures are not the caller's problem);
    ``persistent`` says whether they are kept at all.
    """

    def read_derived(self, name: str) -> dict[str, npt.NDArray[Any]] | None: ...

    def save_derived(self, name: str, arrays: Mapping[str, npt.NDArray[Any]]) -> None: ...

    def persistent(self) -> bool:
        """Whether saved structures are kept beyond this task (``False``: no cache entry)."""
        ...


@dataclass(frozen=True, slots=True, eq=False)
class Graph:
    """A directed multigraph in CSR form over dense vertex indices.

    Attributes:
        n: number of vertices.
        ids: original id of each dense index, sorted ascending — a numpy ``int64`` array
            when ``vid_type == "int64"``, a pyarrow ``large_string`` array otherwise.
        vid_type: ``"int64"`` or ``"string"``.
        directed: ``False`` when reverse edges were added at build time.
        indptr: ``int64[n+1]`` row offsets of the out-CSR.
        indices: destination index of each edge (``int32`` when ``n < 2**31``).
        weights: per-edge weight (``float64``), or ``None`` for an unweighted graph.
    """

    n: int
    ids: Any
    vid_type: VidType
    directed: bool
    indptr: npt.NDArray[np.int64]
    indices: IntArray
    weights: FloatArray | None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- sizes and degrees -------------------------------------------------------------

    @property
    def m(self) -> int:
        """Number of stored (directed) edges, reverse edges of an undirected graph included."""
        return int(self.indices.shape[0])

    def out_degree(self) -> npt.NDArray[np.int64]:
        """Out-degree of every vertex (parallel edges and self-loops each count)."""
        return np.diff(self.indptr)

    def in_degree(self) -> npt.NDArray[np.int64]:
        """In-degree of every vertex (parallel edges and self-loops each count)."""
        cached = self._cache.get("in_degree")
        if cached is None:
            cached = np.bincount(self.indices, minlength=self.n).astype(np.int64, copy=False)
            self._cache["in_degree"] = cached
        result: npt.NDArray[np.int64] = cached
        return result

    def sources(self) -> IntArray:
        """Source index of every edge, in out-CSR order."""
        dtype = self.indices.dtype
        return np.repeat(np.arange(self.n, dtype=dtype), self.out_degree())

    # -- derived structures ------------------------------------------------------------

    def in_csr(self) -> InCSR:
        """The transpose (in-edges), built on first use and kept."""
        cached = self._cache.get("in_csr")
        if cached is None:
            cached = InCSR(*self._transpose(with_edge_ids=True))
            self._cache["in_csr"] = cached
        result: InCSR = cached
        return result

    def in_edges(self) -> tuple[npt.NDArray[np.int64], IntArray]:
        """``(in_ptr, sources)`` of the transpose: :meth:`in_csr` without the edge ids.

        Cheaper to build when nothing needs per-edge data in transposed order (PageRank,
        KCore); the full in-CSR's arrays when that is already built.  Built once and kept as a
        derived structure, so a graph from the cache finds what an earlier task built.
        """
        present = self.in_edges_if_present()
        if present is not None:
            return present
        arrays = self.derived(IN_EDGES, self._lean_transpose)
        return arrays["indptr"], arrays["sources"]

    def in_edges_if_present(self) -> tuple[npt.NDArray[np.int64], IntArray] | None:
        """:meth:`in_edges` if built already (in memory, or in the graph cache entry), else ``None``."""
        full: InCSR | None = self._cache.get("in_csr")
        if full is not None:
            return full.indptr, full.indices
        arrays = self.derived_if_present(IN_EDGES)
        return None if arrays is None else (arrays["indptr"], arrays["sources"])

    def _lean_transpose(self) -> dict[str, npt.NDArray[Any]]:
        in_ptr, sources, _ = self._transpose(with_edge_ids=False)
        return {"indptr": in_ptr, "sources": sources}

    def _transpose(
        self, *, with_edge_ids: bool
    ) -> tuple[npt.NDArray[np.int64], IntArray, npt.NDArray[np.int64]]:
        # counting-sort transpose, compiled (numba is imported on first use only)
        import numba

        from graphmill.engine.csr_kernels import transpose

        # one block of about m / threads edges per thread
        blocks = max(1, min(int(numba.get_num_threads()), self.m // 65536))
        bounds = row_blocks(self.indptr, blocks)
        in_ptr, sources, edge_ids = transpose(self.indptr, self.indices, bounds, with_edge_ids)
        return in_ptr, sources, edge_ids

    def in_csr_if_built(self) -> InCSR | None:
        """The transpose if :meth:`in_csr` has built it already, else ``None`` (never builds)."""
        cached: InCSR | None = self._cache.get("in_csr")
        return cached

    def attach_store(self, store: DerivedStore) -> None:
        """Keep :meth:`derived` structures in ``store`` too (the loader attaches the cache entry)."""
        self._cache["derived_store"] = store

    def keeps_derived(self) -> bool:
        """Whether :meth:`derived` structures outlive the task (a graph cache entry is attached)."""
        store: DerivedStore | None = self._cache.get("derived_store")
        return store is not None and store.persistent()

    def derived_if_present(self, name: str) -> dict[str, npt.NDArray[Any]] | None:
        """Derived structure ``name`` if it is already in memory or in the cache entry, else ``None``."""
        key = f"derived:{name}"
        cached: dict[str, npt.NDArray[Any]] | None = self._cache.get(key)
        if cached is None:
            store: DerivedStore | None = self._cache.get("derived_store")
            cached = store.read_derived(name) if store is not None else None
            if cached is not None:
                self._cache[key] = cached
        return cached

    def derived(
        self, name: str, build: Callable[[], dict[str, npt.NDArray[Any]]]
    ) -> dict[str, npt.NDArray[Any]]:
        """Arrays derived from this graph, built once: kept in memory and in the attached store.

        ``name`` identifies the structure and its layout version (a changed layout takes a new
        name).  A graph from the cache finds what an earlier task built; a new one builds it
        and saves it beside the cached CSR, so the next task on the same data pays nothing.
        """
        cached = self.derived_if_present(name)
        if cached is None:
            cached = build()
            store: DerivedStore | None = self._cache.get("derived_store")
            if store is not None:
                store.save_derived(name, cached)
            self._cache[f"derived:{name}"] = cached
        return cached

    def adjacency(self, data: FloatArray | None = None) -> Any:
        """``scipy.sparse.csr_array`` of the out-CSR; ``data`` defaults to all ones.

        Parallel edges stay separate stored entries (matrix-vector products add them).
        """
        if data is None:
            data = np.ones(self.m, dtype=np.float64)
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))

    def to_undirected(self) -> Graph:
        """This graph with the reverse of every edge added (itself if already undirected)."""
        if not self.directed:
            return self
        indptr, indices, weights = csr_from_codes(
            self.sources(), self.indices, self.weights, self.n, directed=False
        )
        return Graph(self.n, self.ids, self.vid_type, False, indptr, indices, weights)

    # -- ids ---------------------------------------------------------------------------

    def lookup(self, vid: object) -> int:
        """Dense index of an original vertex id (``"42"`` is accepted for int64 ids).

        Raises:
            errors.ParamError: the id is not a vertex of this graph.
        """
        index = int(self.lookup_many([vid])[0])
        if index < 0:
            raise errors.ParamError(f"vertex {vid!r} is not in the graph")
        return index

    def lookup_many(self, vids: list[object]) -> npt.NDArray[np.int64]:
        """Dense indices of several original ids; ``-1`` where an id is not a vertex."""
        if self.vid_type == "int64":
            values = np.full(len(vids), -1, dtype=np.int64)
            valid = np.zeros(len(vids), dtype=bool)
            for i, vid in enumerate(vids):
                parsed = _parse_int_vid(vid)
                if parsed is not None:
                    values[i] = parsed
                    valid[i] = True
            ids: npt.NDArray[np.int64] = self.ids
            pos = np.searchsorted(ids, values)
            pos_clipped = np.minimum(pos, max(self.n - 1, 0))
            found = valid & (pos < self.n)
            if self.n:
                found &= ids[pos_clipped] == values
            return np.where(found, pos, -1).astype(np.int64)
        wanted = pa.array([str(v) for v in vids], type=STRING_ID_TYPE)
        positions = pc.index_in(wanted, value_set=self.ids)
        return np.asarray(positions.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def id_array(self, index: npt.NDArray[Any] | None = None) -> Any:
        """Original ids (as a pyarrow array) of ``index``, or of every vertex."""
        if self.vid_type == "int64":
            ids: npt.NDArray[np.int64] = self.ids
            return pa.array(ids if index is None else ids[index], type=pa.int64())
        if index is None:
            return self.ids
        return self.ids.take(pa.array(index))

    def id_of(self, index: int) -> str | int:
        """Original id of one dense index."""
        if self.vid_type == "int64":
            return int(self.ids[index])
        value: str = self.ids[index].as_py()
        return value


def _parse_int_vid(vid: object) -> int | None:
    if isinstance(vid, bool):
        return None
    if isinstance(vid, int | np.integer):
        value = int(vid)
    elif isinstance(vid, str):
        try:
            value = int(vid.strip())
        except ValueError:
            return None
    else:
        return None
    if not -(2**63) <= value < 2**63:
        return None
    return value


# -- building --------------------------------------------------------------------------


def _to_arrow(values: Any, target: Any) -> Any:
    """A pyarrow (chunked) array of ``target`` type from numpy or pyarrow input."""
    if isinstance(values, np.ndarray):
        if target == STRING_ID_TYPE and values.dtype.kind in "iu":
            values = pa.array(values).cast(pa.string())
        else:
            values = pa.array(values)
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values)
    if values.type != target:
        try:
            values = values.cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise errors.TaskFailed(f"vertex ids cannot be read as {target}: {exc}") from exc
    return values


def _chunks(values: Any) -> list[Any]:
    return list(values.chunks) if isinstance(values, pa.ChunkedArray) else [values]


def build_graph(
    src: Any,
    dst: Any,
    weight: Any | None = None,
    *,
    vid_type: VidType,
    directed: bool,
    vertices: Any | None = None,
) -> Graph:
    """Build a :class:`Graph` from edge columns.

    Args:
        src, dst: source and destination ids (pyarrow Array/ChunkedArray or numpy array).
        weight: per-edge weights, or ``None`` for an unweighted graph.
        vid_type: ``"int64"`` or ``"string"``; the columns are cast to it.
        directed: ``False`` adds the reverse of every edge.
        vertices: optional extra vertex ids (isolated vertices that no edge mentions).

    Ids become dense codes in sorted-id order and the CSR is built by a counting sort
    (see :mod:`graphmill.engine.csr`); there is no Python loop per edge.
    """
    target = pa.int64() if vid_type == "int64" else STRING_ID_TYPE
    src_a = _to_arrow(src, target)
    dst_a = _to_arrow(dst, target)
    if len(src_a) != len(dst_a):
        raise ValueError(f"src has {len(src_a)} values but dst has {len(dst_a)}")
    if src_a.null_count or dst_a.null_count:
        raise errors.TaskFailed("an edge has an empty (null) vertex id")
    extra: list[Any] = []
    if vertices is not None:
        vert_a = _to_arrow(vertices, target)
        if vert_a.null_count:
            raise errors.TaskFailed("a vertex id is empty (null)")
        extra = _chunks(vert_a)
    m = len(src_a)
    chunks = [c for c in _chunks(src_a) + _chunks(dst_a) + extra if len(c)]
    encoded = encode_ids(chunks, integer=vid_type == "int64", compiled=m >= COMPILED_MIN_EDGES)
    n, ids = encoded.n, encoded.ids
    s, d = encoded.codes[:m], encoded.codes[m : 2 * m]
    w: FloatArray | None = None
    if weight is not None:
        w = _weights(weight)
        if w.shape[0] != m:
            raise ValueError(f"{w.shape[0]} weights for {m} edges")
    indptr, indices, weights = csr_from_codes(s, d, w, n, directed=directed)
    return Graph(n, ids, vid_type, directed, indptr, indices, weights)


def _weights(weight: Any) -> FloatArray:
    if isinstance(weight, np.ndarray):
        return np.ascontiguousarray(weight, dtype=np.float64)
    arr = weight if isinstance(weight, pa.Array | pa.ChunkedArray) else pa.array(weight)
    if arr.null_count:
        raise errors.TaskFailed("an edge has an empty (null) weight")
    arr = arr.cast(pa.float64())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)
