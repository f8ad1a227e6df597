"""From edge columns to CSR arrays: dense vertex codes, then a counting-sort CSR.

Vertex codes
    Dense codes ``0..n-1`` follow the sorted order of the original ids.  Integer ids whose
    range (max - min + 1) is at most about twice the number of id values take a direct
    table: one pass marks the ids present, a prefix sum ranks them, a second pass looks
    every id up (no hashing, no sort of the ids).  Other integer ids and strings are
    dictionary-encoded by pyarrow (one hash pass over all chunks, one shared dictionary)
    and only the dictionary is sorted.

CSR
    Rows sorted by destination, parallel edges in input order (so the weights of parallel
    edges stay with their copies).  Unweighted: a sort of one int64 key per edge.
    Weighted: a count per row, a stable scatter of the edges into their rows, then each
    row sorted with its weights (rows already in order are only checked).

From :data:`COMPILED_MIN_EDGES` edges on, both steps run as compiled kernels
(:mod:`graphmill.engine.csr_kernels`, numba loaded on first use); below it numpy does the
same work, so a small job never waits for compiled code to load.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["COMPILED_MIN_EDGES", "Codes", "csr_from_codes", "encode_ids", "row_blocks"]

#: From this many edges on, vertex codes and the CSR are built by compiled kernels.
COMPILED_MIN_EDGES = 200_000

#: Integer ids take the direct table when max - min + 1 <= this × the number of id values (+ 64 Ki).
DENSE_SPAN_FACTOR = 2

IntArray = npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]


class Codes(NamedTuple):
    """Dense codes of every id value (src chunks, then dst, then extra), and the sorted ids."""

    codes: IntArray
    ids: Any
    n: int


def _index_dtype(n: int) -> Any:
    return np.int32 if n < 2**31 else np.int64


def encode_ids(chunks: list[Any], *, integer: bool, compiled: bool) -> Codes:
    """Dense codes of the ids in ``chunks`` (pyarrow arrays without nulls, one type).

    ``ids`` is a numpy ``int64`` array for integer ids, else a pyarrow array (the
    dictionary in sorted order).
    """
    total = sum(len(c) for c in chunks)
    if integer and total:
        column = pa.chunked_array(chunks, type=pa.int64())
        bounds = pc.min_max(column).as_py()
        lo, hi = int(bounds["min"]), int(bounds["max"])
        if hi - lo + 1 <= DENSE_SPAN_FACTOR * total + (1 << 16):
            return _dense_codes(chunks, lo, hi - lo + 1, total, compiled)
    return _dictionary_codes(chunks, integer=integer, total=total, compiled=compiled)


def _dense_codes(chunks: list[Any], lo: int, span: int, total: int, compiled: bool) -> Codes:
    present = np.zeros(span, dtype=np.uint8)
    values = [np.asarray(c.to_numpy(zero_copy_only=False), dtype=np.int64) for c in chunks]
    if compiled:
        from graphmill.engine.csr_kernels import mark_present

        for v in values:
            mark_present(v, lo, present)
    else:
        for v in values:
            present[v - lo] = 1
    dtype = _index_dtype(span)
    rank = np.cumsum(present, dtype=dtype)
    rank -= 1
    ids = np.flatnonzero(present).astype(np.int64)
    ids += lo
    del present
    return Codes(_gather(values, lo, rank, total, compiled), ids, int(ids.shape[0]))


def _dictionary_codes(chunks: list[Any], *, integer: bool, total: int, compiled: bool) -> Codes:
    target = pa.int64() if integer else (chunks[0].type if chunks else pa.large_string())
    encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=target))
    if encoded.num_chunks == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Codes(empty.astype(np.int32), empty if integer else pa.array([], type=target), 0)
    dictionary = encoded.chunk(0).dictionary
    n = len(dictionary)
    if integer:
        values = np.asarray(dictionary.to_numpy(zero_copy_only=False), dtype=np.int64)
        order = np.argsort(values, kind="stable")
        ids: Any = values[order]
    else:
        order = np.asarray(pc.array_sort_indices(dictionary).to_numpy(zero_copy_only=False), dtype=np.int64)
        ids = dictionary.take(pa.array(order))
    dtype = _index_dtype(n)
    rank = np.empty(n, dtype=dtype)
    rank[order] = np.arange(n, dtype=dtype)
    indices = [np.asarray(c.indices.to_numpy(zero_copy_only=False)) for c in encoded.chunks]
    return Codes(_gather(indices, 0, rank, total, compiled), ids, n)


def _gather(values: list[IntArray], lo: int, rank: IntArray, total: int, compiled: bool) -> IntArray:
    """``rank[v - lo]`` of every value of every array, concatenated."""
    out = np.empty(total, dtype=rank.dtype)
    start = 0
    if compiled:
        from graphmill.engine.csr_kernels import remap

    for v in values:
        stop = start + v.shape[0]
        if compiled:
            remap(v, lo, rank, out[start:stop])
        else:
            np.take(rank, v - lo if lo else v, out=out[start:stop])
        start = stop
    return out


def csr_from_codes(
    src: IntArray,
    dst: IntArray,
    weights: FloatArray | None,
    n: int,
    *,
    directed: bool,
    compiled: bool | None = None,
) -> tuple[npt.NDArray[np.int64], IntArray, FloatArray | None]:
    """Out-CSR ``(indptr, indices, weights)`` from dense edge endpoints.

    Rows are sorted by destination (stable: parallel edges keep their input order);
    parallel edges and self-loops are kept; ``directed`` False adds the reverse of every
    edge.  ``compiled`` picks the compiled kernels or numpy (default: by size).
    """
    if compiled if compiled is not None else src.shape[0] >= COMPILED_MIN_EDGES:
        return _compiled_csr(src, dst, weights, n, directed)
    idx_dtype = _index_dtype(n)
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        if weights is not None:
            weights = np.concatenate([weights, weights])
    counts = np.bincount(src, minlength=n) if src.shape[0] else np.zeros(n, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    order = np.argsort(src.astype(np.int64) * max(n, 1) + dst, kind="stable")
    indices = np.asarray(dst, dtype=idx_dtype)[order]
    out_w = None if weights is None else np.ascontiguousarray(weights[order], dtype=np.float64)
    return indptr, indices, out_w


def _compiled_csr(
    src: IntArray, dst: IntArray, weights: FloatArray | None, n: int, directed: bool
) -> tuple[npt.NDArray[np.int64], IntArray, FloatArray | None]:
    """Unweighted: one int64 key per edge, numpy's (vectorised) sort, keys back to columns.

    Weighted: a stable scatter into rows, then each row sorted with its weights (in
    parallel); measured at 16.8 M edges this is half the CPU time of an argsort of keys.
    """
    from graphmill.engine import csr_kernels as k

    indptr = k.row_offsets(src, dst, n, directed)
    size = int(indptr[-1])
    indices = np.empty(size, dtype=_index_dtype(n))
    if weights is None:
        keys = k.edge_keys(src, dst, max(n, 1), directed)
        keys.sort()
        k.key_columns(keys, max(n, 1), indices)
        return indptr, indices, None
    w_in = np.ascontiguousarray(weights, dtype=np.float64)
    w_out = np.empty(size, dtype=np.float64)
    k.scatter_rows(src, dst, w_in, True, indptr, directed, indices, w_out)
    k.sort_rows(indptr, indices, w_out, True)
    return indptr, indices, w_out


def row_blocks(indptr: npt.NDArray[Any], blocks: int) -> npt.NDArray[np.int64]:
    """``blocks + 1`` row indices cutting a CSR's rows into runs of about equal edge counts.

    What the parallel kernels hand their threads: block ``b`` owns rows
    ``bounds[b]..bounds[b + 1]``; the ends are pinned to 0 and ``n`` and the bounds never go back.
    """
    n = indptr.shape[0] - 1
    bounds = np.searchsorted(indptr, np.linspace(0, indptr[-1], blocks + 1), side="left").astype(np.int64)
    bounds[0], bounds[-1] = 0, n
    result: npt.NDArray[np.int64] = np.maximum.accumulate(bounds)
    return result
