"""Jaccard similarity of chosen vertices' neighbourhoods: Explorer's Similarity group."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    make_table,
    nonempty,
    resolve_many,
    undirected_view,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.graph_feature.triangles import REMOVED_SELF_EDGE
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["JACCARD", "jaccard"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# -- Jaccard -----------------------------------------------------------------------------------------


def jaccard(
    graph: Graph, sources: IntArray, targets: IntArray | None, *, keep_self: bool, progress: Progress
) -> tuple[IntArray, IntArray, FloatArray]:
    """Jaccard similarity of neighbour sets (undirected, distinct neighbours).

    Pairs: every (a, b) with a in ``sources``, b in ``targets``, b != a; with ``targets``
    ``None``, every b sharing at least one neighbour with a.  ``keep_self``: a self-loop
    makes a vertex its own neighbour.
    """
    from graphmill.engine.algorithms.similarity import jaccard_kernels as k

    view = undirected_view(graph, keep_self=keep_self)
    idx = view.idx.astype(np.int64)
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    values: list[FloatArray] = []
    empty = np.zeros(0, dtype=np.int64)
    for i, a in enumerate(sources):
        a = int(a)
        if targets is None:
            b, val = k.jaccard_rows(view.ptr, idx, a, empty, True)
        else:
            tg = targets[targets != a]
            b, val = k.jaccard_rows(view.ptr, idx, a, tg, False)
        firsts.append(np.full(b.shape[0], a, dtype=np.int64))
        seconds.append(np.asarray(b, dtype=np.int64))
        values.append(val)
        progress("computing", (i + 1) / len(sources), f"{i + 1} of {len(sources)} vertices")
    if not firsts:
        return empty, empty, np.zeros(0, dtype=np.float64)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)


def _run_jaccard(graph: Graph, params: Params, progress: Progress) -> Any:
    ids1 = list(dict.fromkeys(params["ids1"]))
    ids2 = list(dict.fromkeys(params["ids2"] or []))
    sources = resolve_many(graph, ids1, "ids1")
    targets = resolve_many(graph, ids2, "ids2") if ids2 else None
    progress.log(
        f"Jaccard: {len(ids1)} x {len(ids2) if ids2 else 'all'} vertices on {graph.n} vertices, {graph.m} edges"
    )
    progress("computing", 0.0, "comparing neighbour sets")
    a, b, val = jaccard(graph, sources, targets, keep_self=not params["removed_self_edge"], progress=progress)
    columns = [OutputColumn("VID1", "vid"), OutputColumn("VID2", "vid"), OutputColumn("VALUE", "double")]
    return make_table(graph, columns, [graph.id_array(a), graph.id_array(b), val])


JACCARD = AlgorithmSpec(
    type="analytics_jaccard_similarity",
    name="Jaccard",
    group="similarity",
    params=(
        ParamSpec(
            "ids1", "vid_list", None, required=True, check=nonempty, doc="comma-separated vertex ids of set A"
        ),
        ParamSpec("ids2", "vid_list", None, doc="comma-separated vertex ids of set B; empty = all vertices"),
        REMOVED_SELF_EDGE,
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=lambda params: [
        OutputColumn("VID1", "vid"),
        OutputColumn("VID2", "vid"),
        OutputColumn("VALUE", "double"),
    ],
    run=_run_jaccard,
    doc=(
        "Jaccard similarity |N(a) & N(b)| / |N(a) | N(b)| of distinct neighbours ignoring direction, for "
        "every a in ids1 and b in ids2 (b != a); with ids2 empty, for every b sharing a neighbour with a."
    ),
)
