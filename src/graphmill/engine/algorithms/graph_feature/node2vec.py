"""Node2Vec random walks."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill import errors
from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    SEED,
    make_table,
    oriented,
)
from graphmill.engine.algorithms.base import MAX_ITERATIONS, AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["NODE2VEC", "node2vec_walks"]

IntArray = npt.NDArray[np.int64]


# -- Node2Vec --------------------------------------------------------------------------------------


def node2vec_walks(
    graph: Graph,
    *,
    p: float,
    q: float,
    epochs: int,
    length: int,
    weighted: bool,
    seed: int,
    progress: Progress,
) -> IntArray:
    """``epochs`` walks from every vertex, each ``length`` vertices (``-1`` after a dead end).

    First step: a uniform (or weight-proportional) out-neighbour; then node2vec's second-
    order bias — return to the previous vertex with weight 1/p, move to a neighbour of the
    previous vertex with weight 1, further with 1/q (rejection sampling).  Parallel edges
    raise a neighbour's chance.  Every random draw hashes (seed, walk, step, attempt).
    """
    from graphmill.engine.algorithms.graph_feature import node2vec_kernels as k

    weights = graph.weights if weighted and graph.weights is not None else None
    cumw = np.cumsum(weights) if weights is not None else np.zeros(1, dtype=np.float64)
    if weights is not None and graph.m and float(np.min(weights)) < 0:
        raise errors.TaskFailed("node2vec with is_weighted=true needs non-negative weights")
    starts = np.arange(graph.n, dtype=np.int64)
    walks = []
    for epoch in range(epochs):
        walks.append(
            k.node2vec_walks(
                graph.indptr, graph.indices, cumw, weights is not None, starts, length, p, q, seed, epoch
            )
        )
        progress("computing", (epoch + 1) / epochs, f"epoch {epoch + 1} of {epochs}")
    if not walks:
        return np.zeros((0, length), dtype=np.int64)
    return np.concatenate(walks)


def _node2vec_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn(f"VID{i}", "vid") for i in range(int(params.get("step", 10)) + 1)]


def _run_node2vec(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    length = int(params["step"]) + 1
    progress.log(
        f"Node2Vec: p={params['p']} q={params['q']} epoch={params['epoch']} step={params['step']} "
        f"is_weighted={params['is_weighted']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"epoch 0 of {params['epoch']}")
    walks = node2vec_walks(
        g,
        p=float(params["p"]),
        q=float(params["q"]),
        epochs=int(params["epoch"]),
        length=length,
        weighted=bool(params["is_weighted"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    progress.log(f"{walks.shape[0]} walks")
    columns = _node2vec_columns(params)
    values = []
    for i in range(length):
        col = walks[:, i]
        ids = g.id_array(np.maximum(col, 0))
        values.append(_with_nulls(ids, col < 0))
    return make_table(g, columns, values)


def _with_nulls(ids: Any, missing: npt.NDArray[np.bool_]) -> Any:
    if not missing.any():
        return ids
    import pyarrow.compute as pc

    return pc.if_else(pa.array(missing), pa.nulls(len(ids), type=ids.type), ids)


NODE2VEC = AlgorithmSpec(
    type="analytics_node2vec",
    name="Node2Vec",
    group="graphFeature",
    params=(
        ParamSpec("is_weighted", "bool", False, doc="weight-proportional (biased) steps"),
        ParamSpec("p", "float", 1.0, minimum=0.0, exclusive_minimum=True, doc="return parameter"),
        ParamSpec("q", "float", 0.5, minimum=0.0, exclusive_minimum=True, doc="in-out parameter"),
        ParamSpec(
            "epoch", "int", 1, minimum=1, maximum=MAX_ITERATIONS, doc="walks started from every vertex"
        ),
        ParamSpec(
            "step", "int", 10, minimum=1, maximum=1000, doc="steps of every walk (a walk has step+1 vertices)"
        ),
        ParamSpec(
            "rate",
            "float",
            0.02,
            minimum=0.0,
            maximum=1.0,
            doc="accepted for compatibility (Plato's walker batching); not used",
        ),
        IS_DIRECTED,
        SEED,
    ),
    needs_weight=True,
    output_columns=_node2vec_columns,
    run=_run_node2vec,
    doc=(
        "node2vec random walks: one row per walk (VID0 = start, ..., VIDstep), empty cells after a dead "
        "end; epoch walks per vertex; deterministic for a seed."
    ),
)
