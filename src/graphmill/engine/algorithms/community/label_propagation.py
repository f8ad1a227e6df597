"""Label propagation: LPA (and Graphalytics CDLP) and HANP."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    SEED,
    VARIANT,
    is_graphalytics,
    oriented,
    threads,
)
from graphmill.engine.algorithms.base import MAX_ITERATIONS, AlgorithmSpec, Params, ParamSpec
from graphmill.engine.algorithms.community.labels import (
    IS_CALC_MODULARITY,
    IS_OUTPUT_MODULARITY,
    IS_STAT_COMMUNITY,
    label_columns,
    label_table,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["HANP", "LPA", "hanp", "label_propagation"]


# -- LPA / CDLP ------------------------------------------------------------------------------


def _neighbour_arrays(graph: Graph, weighted: bool) -> tuple[Any, ...]:
    """(out ptr, out idx, out w, in ptr, in idx, in w, use_in) for the label kernels."""
    weights = (
        np.asarray(graph.weights)
        if weighted and graph.weights is not None
        else np.ones(graph.m, dtype=np.float64)
    )
    if graph.directed:
        inc = graph.in_csr()
        return graph.indptr, graph.indices, weights, inc.indptr, inc.indices, weights[inc.edge_ids], True
    return (
        graph.indptr,
        graph.indices,
        weights,
        np.zeros(1, dtype=np.int64),
        np.zeros(0, dtype=graph.indices.dtype),
        np.zeros(0, dtype=np.float64),
        False,
    )


def label_propagation(
    graph: Graph, *, iterations: int, graphalytics: bool, seed: int, progress: Progress
) -> npt.NDArray[np.int64]:
    """Synchronous label propagation; returns each vertex's label as a dense vertex index.

    Labels start as the vertices themselves.  Each round every vertex takes the label its
    neighbours (in and out; a reciprocal neighbour twice; parallel edges each) carry most.
    ``graphalytics``: unweighted counts, ties to the smallest label, exactly
    ``iterations`` rounds (LDBC CDLP).  Otherwise (NA): votes weighted by edge weight,
    ties broken by a hash of ``seed``, stop early when no label changes.
    """
    labels = np.arange(graph.n, dtype=np.int64)
    if graph.n == 0:
        return labels
    from graphmill.engine.algorithms.community import label_kernels as k

    arrays = _neighbour_arrays(graph, weighted=not graphalytics)
    out = np.empty_like(labels)
    acc = np.zeros((threads(), graph.n), dtype=np.float64)
    seen = np.zeros((threads(), graph.n), dtype=np.bool_)
    for it in range(1, iterations + 1):
        changed = k.label_round(*arrays, labels, not graphalytics, seed, it, out, acc, seen)
        labels, out = out, labels
        progress("computing", it / iterations, f"iteration {it} of {iterations}, {changed} labels changed")
        if changed == 0 and not graphalytics:
            progress.log(f"labels stable after {it} iterations")
            break
    return labels


def _run_lpa(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    ga = is_graphalytics(params)
    progress.log(
        f"LPA ({params['variant']}): iterations={params['iterations']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    labels = label_propagation(
        g, iterations=int(params["iterations"]), graphalytics=ga, seed=int(params["seed"]), progress=progress
    )
    return label_table(g, labels, params, progress, None if ga else g.weights)


LPA = AlgorithmSpec(
    type="analytics_lpa",
    name="LPA",
    group="communityDiscovery",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        IS_CALC_MODULARITY,
        IS_OUTPUT_MODULARITY,
        IS_STAT_COMMUNITY,
        SEED,
        VARIANT,
    ),
    needs_weight=True,
    output_columns=label_columns,
    run=_run_lpa,
    doc=(
        "Synchronous label propagation over in- and out-neighbours. NA: weighted votes, seeded random "
        "tie-breaking, stops when stable. variant=graphalytics: LDBC CDLP (counts, smallest label wins "
        "ties, exactly `iterations` rounds)."
    ),
)

# -- HANP ----------------------------------------------------------------------------------


def hanp(
    graph: Graph, *, iterations: int, preference: float, hop_att: float, seed: int, progress: Progress
) -> npt.NDArray[np.int64]:
    """Hop attenuation & node preference label propagation (Leung et al. 2009), synchronous.

    Every vertex starts with its own label and score 1.0.  A neighbour u votes for its
    label with ``score(u) * deg(u)**preference * w(u, v)`` (deg = in+out degree, parallel
    edges counted); the label with the largest total wins (ties: hash of ``seed``).  A
    vertex that changes label takes the largest score among the winning neighbours minus
    ``hop_att``.  Stops after ``iterations`` rounds or when no label changes.
    """
    labels = np.arange(graph.n, dtype=np.int64)
    if graph.n == 0:
        return labels
    from graphmill.engine.algorithms.community import label_kernels as k

    arrays = _neighbour_arrays(graph, weighted=True)
    degree = graph.out_degree() + (graph.in_degree() if graph.directed else 0)
    degpow = np.power(np.maximum(degree, 1).astype(np.float64), preference)
    score = np.ones(graph.n, dtype=np.float64)
    out_l = np.empty_like(labels)
    out_s = np.empty_like(score)
    acc = np.zeros((threads(), graph.n), dtype=np.float64)
    seen = np.zeros((threads(), graph.n), dtype=np.bool_)
    for it in range(1, iterations + 1):
        changed = k.hanp_round(*arrays, labels, score, degpow, hop_att, seed, it, out_l, out_s, acc, seen)
        labels, out_l = out_l, labels
        score, out_s = out_s, score
        progress("computing", it / iterations, f"iteration {it} of {iterations}, {changed} labels changed")
        if changed == 0:
            progress.log(f"labels stable after {it} iterations")
            break
    return labels


def _run_hanp(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(
        f"HANP: iterations={params['iterations']} preference={params['preference']} "
        f"hop_att={params['hop_att']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    labels = hanp(
        g,
        iterations=int(params["iterations"]),
        preference=float(params["preference"]),
        hop_att=float(params["hop_att"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    return label_table(g, labels, params, progress, g.weights)


HANP = AlgorithmSpec(
    type="analytics_hanp",
    name="HANP",
    group="communityDiscovery",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        ParamSpec("preference", "float", 1.0, doc="node preference m: votes scale with degree**m"),
        ParamSpec("hop_att", "float", 0.1, minimum=0.0, maximum=1.0, doc="hop attenuation delta"),
        IS_OUTPUT_MODULARITY,
        IS_STAT_COMMUNITY,
        SEED,
    ),
    needs_weight=True,
    output_columns=label_columns,
    run=_run_hanp,
    doc=(
        "Label propagation with hop attenuation and node preference (votes: score x degree^preference "
        "x weight); deterministic for a seed."
    ),
)
