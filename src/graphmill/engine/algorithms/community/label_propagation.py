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


def _neighbour_arrays(graph: Graph, weights: npt.NDArray[np.float64]) -> tuple[tuple[Any, ...], bool]:
    """((out ptr, out idx, out w, in ptr, in idx, in w), use_in) for the round kernel.

    ``weights`` are per out-CSR edge, or empty when the votes do not read them.
    """
    if graph.directed:
        inc = graph.in_csr()
        in_w = weights[inc.edge_ids] if weights.shape[0] else weights
        return (graph.indptr, graph.indices, weights, inc.indptr, inc.indices, in_w), True
    empty_ptr = np.zeros(1, dtype=np.int64)
    return (graph.indptr, graph.indices, weights, empty_ptr, graph.indices[:0], weights[:0]), False


def _propagate(
    graph: Graph,
    weights: npt.NDArray[np.float64] | None,
    iterations: int,
    seed: int,
    progress: Progress,
    *,
    random_ties: bool,
    until_stable: bool,
    hanp: tuple[npt.NDArray[np.float64], float] | None = None,
) -> npt.NDArray[np.int64]:
    """Synchronous rounds of the label kernel; labels start as the vertices themselves.

    Votes are 1 (``weights`` None), the edge weight, or, with ``hanp`` = (degree **
    preference, hop_att), score x degree ** preference x weight with HANP's score update.
    """
    from graphmill.engine.algorithms.community import label_kernels as k

    n = graph.n
    labels = np.arange(n, dtype=np.int64)
    if n == 0:
        return labels
    if hanp is not None:
        mode = k.SCALED
    elif weights is None:
        mode = k.UNIT
    else:
        mode = k.WEIGHTED
    adj, use_in = _neighbour_arrays(graph, np.zeros(0) if weights is None else weights)
    width = int(np.diff(adj[0]).max(initial=0)) + int(np.diff(adj[3]).max(initial=0)) + 1
    t = threads()
    scratch = (np.zeros((t, n)), np.zeros((t, n), dtype=np.int64), np.empty((t, width), dtype=np.int64))
    active, nxt = np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    out = np.empty_like(labels)
    degpow, hop_att = hanp if hanp is not None else (np.zeros(0), 0.0)
    score = np.ones(degpow.shape[0])
    out_s = np.empty_like(score)
    for it in range(1, iterations + 1):
        vote = score * degpow
        changed = k.vote_round(
            adj,
            use_in,
            mode,
            vote,
            labels,
            random_ties,
            seed,
            it,
            active,
            nxt,
            out,
            scratch,
            (score, hop_att, out_s),
        )
        labels, out = out, labels
        score, out_s = out_s, score
        active, nxt = nxt, active
        nxt[:] = False
        progress("computing", it / iterations, f"iteration {it} of {iterations}, {changed} labels changed")
        if changed == 0 and until_stable:
            progress.log(f"labels stable after {it} iterations")
            break
    return labels


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
    weights = None if graphalytics or graph.weights is None else np.asarray(graph.weights, dtype=np.float64)
    hashed = not graphalytics
    return _propagate(graph, weights, iterations, seed, progress, random_ties=hashed, until_stable=hashed)


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
    degree = graph.out_degree() + (graph.in_degree() if graph.directed else 0)
    degpow = np.power(np.maximum(degree, 1).astype(np.float64), preference)
    weights = np.ones(graph.m) if graph.weights is None else np.asarray(graph.weights, dtype=np.float64)
    hanp_votes = (degpow, hop_att)
    return _propagate(
        graph, weights, iterations, seed, progress, random_ties=True, until_stable=True, hanp=hanp_votes
    )


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
