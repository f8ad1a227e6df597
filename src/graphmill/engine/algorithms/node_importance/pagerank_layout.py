"""PageRank's locality layout of a graph: vertices relabelled by in-degree, in-edges sliced.

Built once per graph (a counting sort and one pass over the edges, about the cost of a
transpose) and kept with the graph's cache entry (:meth:`Graph.derived`), so a job on
cached data pays nothing for it.  See :mod:`.pagerank_kernels` for the layout itself.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from graphmill.engine.csr import row_blocks
from graphmill.engine.graph import Graph

__all__ = ["LAYOUT_NAME", "PullLayout", "build_layout", "present_layout", "pull_layout"]

#: Name (and layout version) of the structure in the graph cache.
LAYOUT_NAME = "pagerank-sell8-v1"


class PullLayout(NamedTuple):
    """The relabelled, sliced in-edges of a graph.

    ``order[new] = old`` vertex index; ``offsets`` (one per slice of 8 rows, plus the end)
    and ``sources`` (new source indices, padding = ``n``; both unsigned) as
    :func:`pagerank_kernels.pull_step` reads them.
    """

    order: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.uint64]
    sources: npt.NDArray[Any]

    def old_to_new(self) -> npt.NDArray[np.int64]:
        new_of_old = np.empty(self.order.shape[0], dtype=np.int64)
        new_of_old[self.order] = np.arange(self.order.shape[0], dtype=np.int64)
        return new_of_old

    def slice_bounds(self, blocks: int) -> npt.NDArray[np.int64]:
        """``blocks + 1`` slice indices splitting the stored edges evenly."""
        slices = self.offsets.shape[0] - 1
        bounds = np.searchsorted(self.offsets, np.linspace(0, self.offsets[-1], blocks + 1), side="left")
        bounds = np.minimum(bounds.astype(np.int64), slices)
        bounds[0], bounds[-1] = 0, slices
        return np.maximum.accumulate(bounds)


def build_layout(graph: Graph, blocks: int) -> dict[str, npt.NDArray[Any]]:
    from graphmill.engine.algorithms.node_importance import pagerank_kernels as k

    in_degree = graph.in_degree()
    order = k.degree_order(in_degree)
    index_dtype = np.int32 if graph.n + 1 < 2**31 else np.int64
    # int32 where it fits: the fill looks every edge's destination up in this table
    new_of_old = np.empty(graph.n, dtype=index_dtype)
    new_of_old[order] = np.arange(graph.n, dtype=index_dtype)
    offsets = k.slice_offsets(in_degree[order])
    # source blocks of about m / blocks edges each, for the parallel fill
    bounds = row_blocks(graph.indptr, blocks)
    indices = np.asarray(graph.indices, dtype=index_dtype)
    sources = k.sliced_in_edges(graph.indptr, indices, new_of_old, offsets, bounds, graph.n)
    # Stored unsigned: indexing with a signed integer makes the compiled loop check for (and
    # wrap) negative indices at every edge; unsigned, the pull iteration ran 1.6x faster.
    unsigned = np.uint32 if index_dtype == np.int32 else np.uint64
    return {"order": order, "offsets": offsets.view(np.uint64), "sources": sources.view(unsigned)}


def pull_layout(graph: Graph, blocks: int) -> PullLayout:
    """The layout of ``graph`` (from memory or its cache entry, else built with ``blocks`` threads)."""
    arrays = graph.derived(LAYOUT_NAME, lambda: build_layout(graph, max(1, min(blocks, graph.m // 65536))))
    return PullLayout(arrays["order"], arrays["offsets"], arrays["sources"])


def present_layout(graph: Graph) -> PullLayout | None:
    """The layout of ``graph`` if it costs nothing: already in memory or in its cache entry."""
    arrays = graph.derived_if_present(LAYOUT_NAME)
    return None if arrays is None else PullLayout(arrays["order"], arrays["offsets"], arrays["sources"])
