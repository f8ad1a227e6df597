"""Time graphmill's algorithms against NetworKit, igraph, python-graphblas/scipy and networkx.

Run (one process per scale; each prints a Markdown table)::

    .venv/bin/python bench/algorithms.py --scale 16          # ~1 M edges, networkx included
    .venv/bin/python bench/algorithms.py --scale 20          # ~16 M edges, several minutes

The graph is the R-MAT graph of ``bench/rmat.py`` (Graph500 a=0.57, b=0.19, c=0.19, fixed
seed, edge factor 16), directed, parallel edges and self-loops kept; vertex ids are the
non-isolated R-MAT ids.  Every library gets the same dense vertex numbering.

* **time** is the best of ``--repeat`` runs of the algorithm call alone; graph
  construction for each library is timed once and reported separately.  graphmill's time
  is a whole ``AlgorithmSpec.run`` (parameters parsed beforehand): derived structures it
  builds (in-CSR, undirected view), the kernel and the result table.
* **peak MB** is the largest resident-set growth seen during one run (sampled every
  2 ms; numba/C++ allocations included, memory-mapped or shared pages excluded).
* **ratio** is the time over the fastest *peer's* time for the same algorithm.
* **check** says whether the peer's result agrees with graphmill's, or why it cannot.

The PageRank section also measures streaming memory bandwidth (numpy copy and triad) and
the bytes one pull iteration must move, and prints graphmill's distance from that bound.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmat import DEFAULT_SEED, load_or_make

from graphmill.engine.base import NullProgress
from graphmill.engine.graph import Graph, build_graph
from graphmill.engine.registry import get_algorithm

PROC = psutil.Process()


# -- measuring ---------------------------------------------------------------------------------


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best seconds of ``repeat`` plain runs, peak RSS growth in MB of one more run, a result).

    Timed runs have no sampler thread (it would compete for the GIL and the two cores);
    the memory run samples RSS every 2 ms.  ``fn.reset`` (if any) runs before every run,
    untimed: graphmill's runs clear the graph's derived structures (in-CSR, undirected
    view) so each run pays for building them, as a task does.
    """
    reset = getattr(fn, "reset", None)
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        if reset is not None:
            reset()
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    if reset is not None:
        reset()
    gc.collect()
    base = PROC.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], PROC.memory_info().rss)
            time.sleep(0.002)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    fn()
    stop.set()
    thread.join()
    peak[0] = max(peak[0], PROC.memory_info().rss)
    return best, (peak[0] - base) / 2**20, result


@dataclass
class Row:
    algorithm: str
    library: str
    seconds: float
    peak_mb: float
    check: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    builds: list[tuple[str, float, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, algorithm: str, library: str, fn: Callable[[], Any], repeat: int) -> Any:
        try:
            seconds, peak, result = measure(fn, repeat)
        except Exception as exc:  # a peer that cannot run this case is reported, not fatal
            self.rows.append(Row(algorithm, library, float("nan"), float("nan"), f"failed: {exc}"[:80]))
            return None
        self.rows.append(Row(algorithm, library, seconds, peak))
        print(f"  {algorithm:28s} {library:14s} {seconds:9.3f} s {peak:8.0f} MB", flush=True)
        return result

    def check(self, algorithm: str, library: str, text: str) -> None:
        for row in self.rows:
            if row.algorithm == algorithm and row.library == library and not row.check.startswith("failed"):
                row.check = text

    def markdown(self) -> str:
        lines = [
            "| algorithm | library | time (s) | peak MB | ratio to fastest peer | check |",
            "|---|---|---|---|---|---|",
        ]
        algorithms = list(dict.fromkeys(r.algorithm for r in self.rows))
        for alg in algorithms:
            rows = [r for r in self.rows if r.algorithm == alg]
            peers = [
                r.seconds for r in rows if not r.library.startswith("graphmill") and np.isfinite(r.seconds)
            ]
            fastest = min(peers) if peers else float("nan")
            for r in rows:
                ratio = r.seconds / fastest if peers and np.isfinite(r.seconds) else float("nan")
                ratio_text = f"{ratio:.2f}" if np.isfinite(ratio) else "–"
                time_text = f"{r.seconds:.3f}" if np.isfinite(r.seconds) else "–"
                peak_text = f"{r.peak_mb:.0f}" if np.isfinite(r.peak_mb) else "–"
                lines.append(
                    f"| {alg} | {r.library} | {time_text} | {peak_text} | {ratio_text} | {r.check} |"
                )
        return "\n".join(lines)


# -- graph views for the peers -------------------------------------------------------------------


def simple_undirected_edges(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected edge {u, v} (u < v) once: the simple graph triangles/LCC are defined on."""
    src = graph.sources().astype(np.int64)
    dst = graph.indices.astype(np.int64)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    keep = lo != hi
    key = np.unique(lo[keep] * graph.n + hi[keep])
    return key // graph.n, key % graph.n


# -- the run ---------------------------------------------------------------------------------------


def gm(task: str, graph: Graph, raw: dict[str, Any]) -> Callable[[], Any]:
    spec = get_algorithm(task)
    params = spec.parse_params(raw)

    def call() -> Any:
        return spec.run(graph, params, NullProgress())

    call.reset = graph._cache.clear  # type: ignore[attr-defined]
    return call


def bfs_rows(
    report: Report,
    alg: str,
    graph: Graph,
    root: int,
    nk_g: Any,
    ig_g: Any,
    ig_mode: str,
    gb_a: Any,
    nx_g: Any,
    repeat: int,
) -> None:
    """BFS depths from ``root`` by graphmill and each peer, checked against graphmill's.

    ``graph`` is directed, or undirected (reverse edges added; ``is_directed=false``): the
    peers get the same view (NetworKit's undirected graph, igraph ``mode="all"``, the
    symmetric graphblas matrix).
    """
    import networkit as nk
    from _e2e_peers import gb_bfs
    from scipy.sparse import csgraph

    raw = {"root": int(graph.ids[root]), "variant": "graphalytics", "is_directed": graph.directed}
    depth = column(report.add(alg, "graphmill", gm("analytics_bfs", graph, raw), repeat), "DEPTH")
    depth = np.where(depth == 2**63 - 1, -1, depth)

    def nk_bfs() -> Any:
        b = nk.distance.BFS(nk_g, root, storePaths=False)
        b.run()
        return np.asarray(b.getDistances())

    dv = report.add(alg, "NetworKit", nk_bfs, repeat)
    if dv is not None:
        dv = np.where(dv > 1e300, -1, dv)
        report.check(alg, "NetworKit", "equal" if np.array_equal(dv.astype(np.int64), depth) else "DIFFER")
    adj = graph.adjacency()
    report.add(
        alg,
        "scipy (order only)",
        lambda: csgraph.breadth_first_order(adj, root, return_predecessors=False),
        repeat,
    )
    report.check(alg, "scipy (order only)", "visit order, no depths")
    iv = report.add(alg, "igraph", lambda: ig_g.distances(source=[root], mode=ig_mode)[0], repeat)
    if iv is not None:
        ia = np.array([x if x != float("inf") else -1 for x in iv], dtype=np.int64)
        report.check(alg, "igraph", "equal" if np.array_equal(ia, depth) else "DIFFER")

    gv = report.add(alg, "graphblas", lambda: gb_bfs(gb_a, None, root), repeat)
    if gv is not None:
        report.check(alg, "graphblas", "equal" if np.array_equal(gv, depth) else "DIFFER")
    if nx_g is not None:
        import networkx as nx

        report.add(alg, "networkx", lambda: nx.single_source_shortest_path_length(nx_g, root), 1)


def column(table: Any, name: str) -> np.ndarray:
    return np.asarray(table.column(name).to_numpy())


def bandwidth_gbs() -> tuple[float, float]:
    """Streaming bandwidth (GB/s): numpy copy (16 B/elem moved) and triad a = b + s*c (24 B/elem)."""
    n = 100_000_000
    b = np.ones(n)
    c = np.ones(n)
    a = np.empty(n)
    copy_t = min(_timeit(lambda: np.copyto(a, b)) for _ in range(3))
    triad_t = min(_timeit(lambda: (np.multiply(c, 3.0, out=a), np.add(a, b, out=a))) for _ in range(3))
    # the triad above makes two passes over a: c->a (16 B), a+b->a (24 B) = 40 B/elem
    return 16 * n / copy_t / 1e9, 40 * n / triad_t / 1e9


def _timeit(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run(scale: int, repeat: int, with_networkx: bool, skip: set[str]) -> Report:
    import networkit as nk

    report = Report()
    src_ids, dst_ids = load_or_make(scale, 16, DEFAULT_SEED)
    t0 = time.perf_counter()
    graph = build_graph(src_ids, dst_ids, vid_type="int64", directed=True)
    report.builds.append(("graphmill CSR (from id arrays)", time.perf_counter() - t0, 0.0))
    rng = np.random.default_rng(7)
    weights = rng.random(graph.m) + 0.01
    wgraph = Graph(graph.n, graph.ids, "int64", True, graph.indptr, graph.indices, weights)
    ugraph = graph.to_undirected()
    n, m = graph.n, graph.m
    src = graph.sources().astype(np.int64)
    dst = graph.indices.astype(np.int64)
    print(f"R-MAT scale {scale}: {n} vertices, {m} directed edges", flush=True)
    # warm numba's cache (first-call compile is not what we time)
    sm = build_graph(
        np.array([1, 2, 3, 3]), np.array([2, 3, 1, 2]), np.ones(4), vid_type="int64", directed=True
    )
    for task in (
        "analytics_pagerank",
        "analytics_kcore",
        "analytics_triangle_count",
        "analytics_clustering_coefficient",
        "analytics_lpa",
        "analytics_hanp",
        "analytics_louvain",
        "analytics_infomap",
        "analytics_bnc",
        "analytics_cnc",
        "analytics_node2vec",
        "analytics_hyperanf",
        "analytics_nstepdegrees",
    ):
        for directed in (True, False):
            gm(task, sm if directed else sm.to_undirected(), {"is_directed": directed})()
    gm("analytics_jaccard_similarity", sm, {"ids1": "1"})()
    gm("analytics_bnc", sm, {"iterations": 0})()

    # peers' graphs
    t0 = time.perf_counter()
    nk_g = nk.graph.GraphFromCsr(graph.adjacency(), directed=True)
    report.builds.append(("NetworKit GraphFromCsr directed", time.perf_counter() - t0, 0.0))
    t0 = time.perf_counter()
    nk_w = nk.graph.GraphFromCsr(wgraph.adjacency(weights), directed=True, weighted=True)
    report.builds.append(("NetworKit GraphFromCsr weighted", time.perf_counter() - t0, 0.0))
    t0 = time.perf_counter()
    nk_u = nk.graph.GraphFromCsr(graph.adjacency(), directed=False)  # each input edge once
    report.builds.append(("NetworKit GraphFromCsr undirected multigraph", time.perf_counter() - t0, 0.0))
    su, sv = simple_undirected_edges(graph)
    import scipy.sparse as sp

    sym = sp.csr_array((np.ones(su.shape[0]), (su, sv)), shape=(n, n))  # upper triangle: each pair once
    t0 = time.perf_counter()
    nk_s = nk.graph.GraphFromCsr(sym, directed=False)
    report.builds.append(("NetworKit GraphFromCsr undirected simple", time.perf_counter() - t0, 0.0))
    import igraph as ig

    t0 = time.perf_counter()
    ig_g = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=True)
    report.builds.append(("igraph Graph directed", time.perf_counter() - t0, 0.0))
    ig_g.es["weight"] = weights
    ig_s = ig.Graph(n=n, edges=np.column_stack([su, sv]), directed=False)
    import graphblas as gb

    t0 = time.perf_counter()
    gb_a = gb.Matrix.from_coo(src, dst, np.ones(m), nrows=n, ncols=n, dup_op=gb.binary.plus)
    report.builds.append(("python-graphblas Matrix (dups summed)", time.perf_counter() - t0, 0.0))
    nx_g = None
    if with_networkx:
        import networkx as nx

        t0 = time.perf_counter()
        nx_g = nx.MultiDiGraph()
        nx_g.add_nodes_from(range(n))
        nx_g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        report.builds.append(("networkx MultiDiGraph", time.perf_counter() - t0, 0.0))
        nx_s = nx.Graph()
        nx_s.add_nodes_from(range(n))
        nx_s.add_edges_from(zip(su.tolist(), sv.tolist(), strict=True))
    for name, seconds, _ in report.builds:
        print(f"  build {name:45s} {seconds:8.3f} s", flush=True)

    # -- PageRank -----------------------------------------------------------------------------
    iters = 10
    alg = f"PageRank ({iters} iterations)"
    if "pagerank" not in skip:
        na = report.add(
            alg + " NA",
            "graphmill",
            gm("analytics_pagerank", graph, {"iterations": iters, "eps": 1e-300}),
            repeat,
        )
        ga = report.add(
            alg,
            "graphmill",
            gm("analytics_pagerank", graph, {"iterations": iters, "variant": "graphalytics"}),
            repeat,
        )
        ga_v = column(ga, "VALUE")
        # Like for like with the peers, whose pull-direction matrices (scipy's ``at``, graphblas'
        # ``gb_a.T``) are built outside their timing: the in-edges an earlier task kept (a server
        # job finds them in its graph cache entry) are at hand.
        kept_pr = gm("analytics_pagerank", graph, {"iterations": iters, "variant": "graphalytics"})
        kept_pr.reset = lambda: (graph._cache.clear(), graph.in_edges())  # type: ignore[attr-defined]
        kept_v = column(report.add(alg, "graphmill, in-edges kept", kept_pr, repeat), "VALUE")
        report.check(alg, "graphmill, in-edges kept", f"L1 diff {np.abs(kept_v - ga_v).sum():.1e}")

        def nk_pr() -> Any:
            pr = nk.centrality.PageRank(
                nk_g, damp=0.85, tol=1e-300, distributeSinks=nk.centrality.SinkHandling.DistributeSinks
            )
            pr.maxIterations = iters
            pr.run()
            return np.asarray(pr.scores())

        nk_v = report.add(alg, "NetworKit", nk_pr, repeat)
        if nk_v is not None:
            report.check(
                alg,
                "NetworKit",
                f"L1 diff {np.abs(nk_v / nk_v.sum() - ga_v).sum():.1e} (stops on its own norm)",
            )
        outdeg = graph.out_degree()
        inv = np.zeros(n)
        np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
        at = sp.csr_array((np.ones(m), (dst, src)), shape=(n, n))

        def scipy_pr() -> Any:
            r = np.full(n, 1.0 / n)
            sinks = outdeg == 0
            for _ in range(iters):
                r = 0.85 * (at @ (r * inv)) + (0.15 + 0.85 * r[sinks].sum()) / n
            return r

        sc_v = report.add(alg, "scipy", scipy_pr, repeat)
        report.check(alg, "scipy", f"L1 diff {np.abs(sc_v - ga_v).sum():.1e}")
        gb_at = gb_a.T.new()

        def gb_pr() -> Any:
            r = gb.Vector.from_dense(np.full(n, 1.0 / n))
            d = gb.Vector.from_dense(inv)
            sinks = gb.Vector.from_coo(np.flatnonzero(outdeg == 0), True, size=n)
            for _ in range(iters):
                sink_mass = r.dup(mask=sinks.S).reduce().get(0.0)
                t = r.ewise_mult(d).new()
                y = gb_at.mxv(t, gb.semiring.plus_times).new()
                r = gb.Vector.from_scalar((0.15 + 0.85 * sink_mass) / n, n)
                r(gb.binary.plus) << y.apply(gb.binary.times, right=0.85)
            return r.to_dense()

        gv = report.add(alg, "graphblas", gb_pr, repeat)
        if gv is not None:
            report.check(alg, "graphblas", f"L1 diff {np.abs(gv - ga_v).sum():.1e}")

        def ig_pr() -> Any:
            return np.asarray(ig_g.pagerank(damping=0.85, implementation="prpack"))

        iv = report.add(alg, "igraph", ig_pr, repeat)
        if iv is not None:
            report.check(
                alg, "igraph", f"L1 diff {np.abs(iv - ga_v).sum():.1e} (exact solve, not {iters} iterations)"
            )
        if nx_g is not None:
            import networkx as nx

            xv = report.add(
                alg, "networkx", lambda: nx.pagerank(nx_g, alpha=0.85, max_iter=1000, tol=1e-12), 1
            )
            xa = np.array([xv[i] for i in range(n)])
            report.check(
                alg, "networkx", f"L1 diff {np.abs(xa - ga_v).sum():.1e} (converged, not {iters} iterations)"
            )
        # bandwidth bound of one pull iteration
        copy_bw, triad_bw = bandwidth_gbs()
        bw = max(copy_bw, triad_bw)
        idx_bytes = graph.indices.dtype.itemsize
        moved = idx_bytes * m + 8 * (n + 1) + 8 * n * 6  # in-CSR + indptr + rank, inv, contrib(w+r), out
        from graphmill.engine.algorithms._common import threads
        from graphmill.engine.algorithms.node_importance import pagerank_kernels as kr

        rank = np.full(n, 1.0)
        out = np.empty(n)
        plain = kr.PlainPull(*graph.in_edges(), inv, threads())
        per_iter = min(_timeit(lambda: plain(rank, 0.85, 0.15, out)) for _ in range(10))
        from graphmill.engine.algorithms.node_importance.pagerank_layout import pull_layout

        layout = pull_layout(graph, threads())
        slices = layout.slice_bounds(threads())
        inv_new = inv[layout.order]
        sliced_contrib = np.zeros(n + 1)
        deltas = np.zeros(slices.shape[0] - 1)
        per_push = min(
            _timeit(
                lambda: kr.pull_step(
                    layout.offsets,
                    layout.sources,
                    slices,
                    inv_new,
                    rank,
                    sliced_contrib,
                    0.85,
                    0.15,
                    out,
                    deltas,
                )
            )
            for _ in range(10)
        )
        bound = moved / (bw * 1e9)
        na_row = next(r for r in report.rows if r.algorithm == alg + " NA")
        report.notes.append(
            f"PageRank bandwidth bound: streaming bandwidth copy {copy_bw:.1f} GB/s, triad {triad_bw:.1f} GB/s; "
            f"one pull iteration must move {moved / 1e6:.0f} MB ({idx_bytes}-byte in-CSR indices, 8-byte ranks) "
            f"= {bound * 1e3:.2f} ms at {bw:.1f} GB/s. graphmill kernels: plain pull (what a task without a graph cache runs) {per_iter * 1e3:.2f} ms/iteration "
            f"({per_iter / bound:.1f}x the bound), relabelled sliced layout (what a task with the graph cache runs) {per_push * 1e3:.2f} ms "
            f"({per_push / bound:.1f}x; bench/pagerank.py has more); whole NA task {na_row.seconds / iters * 1e3:.1f} ms/iteration "
            f"including setup and the result table."
        )
        print(report.notes[-1], flush=True)
        del na

    # -- BFS ----------------------------------------------------------------------------------
    root = int(np.argmax(graph.out_degree()))
    root_id = int(graph.ids[root])
    if "bfs" not in skip:
        bfs_rows(report, "BFS (depth of every vertex)", graph, root, nk_g, ig_g, "out", gb_a, nx_g, repeat)
        # an earlier task on the same graph built the in-CSR: graphmill may search bottom-up
        label = "BFS (depth of every vertex)"
        task = gm("analytics_bfs", graph, {"root": root_id, "variant": "graphalytics"})
        task.reset = lambda: (graph._cache.clear(), graph.in_csr())  # type: ignore[attr-defined]
        report.add(label, "graphmill, in-CSR already built", task, repeat)
        gb_sym = gb.Matrix(float, n, n)
        gb_sym << gb_a.ewise_add(gb_a.T, gb.binary.plus)
        bfs_rows(
            report,
            "BFS undirected (depth of every vertex)",
            ugraph,
            root,
            nk_u,
            ig_g,
            "all",
            gb_sym,
            None,
            repeat,
        )

    # -- WCC / SCC --------------------------------------------------------------------------------
    from scipy.sparse import csgraph

    if "wcc" not in skip:
        alg = "WCC"
        out = report.add(alg, "graphmill", gm("analytics_wcc", graph, {}), repeat)
        labels = column(out, "LABEL")
        ncomp = np.unique(labels).shape[0]

        def nk_wcc() -> Any:
            c = nk.components.WeaklyConnectedComponents(nk_g)
            c.run()
            return c.numberOfComponents()

        k = report.add(alg, "NetworKit", nk_wcc, repeat)
        report.check(alg, "NetworKit", "same count" if k == ncomp else f"DIFFER {k} vs {ncomp}")
        k = report.add(
            alg,
            "scipy",
            lambda: csgraph.connected_components(graph.adjacency(), connection="weak")[0],
            repeat,
        )
        report.check(alg, "scipy", "same count" if k == ncomp else "DIFFER")
        k = report.add(alg, "igraph", lambda: len(ig_g.connected_components(mode="weak")), repeat)
        report.check(alg, "igraph", "same count" if k == ncomp else "DIFFER")
        if nx_g is not None:
            import networkx as nx

            report.add(alg, "networkx", lambda: nx.number_weakly_connected_components(nx_g), 1)
    if "scc" not in skip:
        alg = "SCC"
        out = report.add(alg, "graphmill", gm("analytics_scc", graph, {}), repeat)
        ncomp = np.unique(column(out, "LABEL")).shape[0]

        def nk_scc() -> Any:
            c = nk.components.StronglyConnectedComponents(nk_g)
            c.run()
            return c.numberOfComponents()

        k = report.add(alg, "NetworKit", nk_scc, repeat)
        report.check(alg, "NetworKit", "same count" if k == ncomp else f"DIFFER {k} vs {ncomp}")

        def scipy_scc() -> Any:
            a = graph.adjacency().copy()
            a.has_sorted_indices = True
            a.sum_duplicates()
            return csgraph.connected_components(a, connection="strong")[0]

        k = report.add(alg, "scipy", scipy_scc, repeat)
        report.check(alg, "scipy", "same count" if k == ncomp else "DIFFER")
        k = report.add(alg, "igraph", lambda: len(ig_g.connected_components(mode="strong")), repeat)
        report.check(alg, "igraph", "same count" if k == ncomp else "DIFFER")
        if nx_g is not None:
            import networkx as nx

            report.add(alg, "networkx", lambda: nx.number_strongly_connected_components(nx_g), 1)

    # -- SSSP -----------------------------------------------------------------------------------
    if "sssp" not in skip:
        alg = "SSSP (weighted)"
        out = report.add(
            alg,
            "graphmill",
            gm("analytics_sssp", wgraph, {"root": root_id, "variant": "graphalytics"}),
            repeat,
        )
        dist = column(out, "DISTANCE")

        def nk_sssp() -> Any:
            d = nk.distance.Dijkstra(nk_w, root, storePaths=False)
            d.run()
            return np.asarray(d.getDistances())

        dv = report.add(alg, "NetworKit", nk_sssp, repeat)
        if dv is not None:
            fin = np.isfinite(dist)
            report.check(alg, "NetworKit", f"max abs diff {np.abs(dv[fin] - dist[fin]).max():.1e}")
        wadj = wgraph.adjacency(weights)
        report.add(alg, "scipy", lambda: csgraph.dijkstra(wadj, indices=root), repeat)
        report.check(alg, "scipy", "(parallel edges: scipy keeps the first, graphmill the lightest)")
        iv = report.add(
            alg, "igraph", lambda: ig_g.distances(source=[root], weights="weight", mode="out")[0], repeat
        )
        if iv is not None:
            ia = np.asarray(iv)
            fin = np.isfinite(dist)
            report.check(alg, "igraph", f"max abs diff {np.abs(ia[fin] - dist[fin]).max():.1e}")

    # -- KCore -------------------------------------------------------------------------------------
    if "kcore" not in skip:
        alg = "KCore (core numbers)"
        out = report.add(alg, "graphmill", gm("analytics_kcore", graph, {}), repeat)
        core = column(out, "VALUE")
        # a warm job: the in-edges an earlier task kept (in the graph cache entry) are at hand
        kept = gm("analytics_kcore", graph, {})
        kept.reset = graph.in_edges  # type: ignore[attr-defined]
        kept_out = report.add(alg, "graphmill, in-edges kept", kept, repeat)
        report.check(
            alg,
            "graphmill, in-edges kept",
            "equal" if np.array_equal(column(kept_out, "VALUE"), core) else "DIFFER",
        )
        ig_m = ig.Graph(n=n, edges=np.column_stack([src, dst])[src != dst], directed=False)

        def nk_core() -> Any:
            g2 = nk_u
            if g2.numberOfSelfLoops():
                g2 = nk.graph.Graph(g2)
                g2.removeSelfLoops()
            c = nk.centrality.CoreDecomposition(g2)
            c.run()
            return np.asarray(c.scores())

        cv = report.add(alg, "NetworKit", nk_core, repeat)
        if cv is not None:
            report.check(
                alg,
                "NetworKit",
                "equal"
                if np.array_equal(cv.astype(np.int64), core)
                else f"DIFFER in {int((cv != core).sum())} vertices (NetworKit on the undirected multigraph)",
            )
        iv = report.add(alg, "igraph", lambda: ig_m.coreness(mode="all"), repeat)
        if iv is not None:
            report.check(alg, "igraph", "equal" if np.array_equal(np.asarray(iv), core) else "DIFFER")
        if nx_g is not None:
            import networkx as nx

            report.add(alg, "networkx", lambda: nx.core_number(nx_s), 1)
            report.check(alg, "networkx", "simple graph: parallel edges not counted")

    # -- triangles / LCC ---------------------------------------------------------------------------
    if "triangles" not in skip:
        alg = "TriangleCount (per vertex)"
        out = report.add(alg, "graphmill", gm("analytics_triangle_count", graph, {"opt": 2}), repeat)
        tri = column(out, "COUNT")
        total = int(tri.sum()) // 3

        def nk_tri() -> Any:
            nk_s.indexEdges()
            t = nk.sparsification.TriangleEdgeScore(nk_s)
            t.run()
            return int(np.sum(t.scores())) // 3

        k = report.add(alg, "NetworKit", nk_tri, repeat)
        report.check(alg, "NetworKit", "same total" if k == total else f"DIFFER {k} vs {total}")

        def gb_tri() -> Any:
            s = gb.Matrix.from_coo(su, sv, 1, nrows=n, ncols=n, dtype=gb.dtypes.INT64)
            lo = s.T.new()  # strictly lower triangle: each undirected edge once
            c = lo.mxm(lo.T, gb.semiring.plus_pair).new(mask=lo.S)
            return int(c.reduce_scalar().new().value)

        k = report.add(alg, "graphblas", gb_tri, repeat)
        report.check(alg, "graphblas", "same total" if k == total else f"DIFFER {k} vs {total}")
        if scale <= 16:  # list_triangles materialises every triangle (2.5 GB at scale 16)
            k = report.add(alg, "igraph", lambda: len(ig_s.list_triangles()), 1)
            report.check(alg, "igraph", "same total" if k == total else f"DIFFER {k} vs {total}")
        report.notes.append(f"scale {scale}: {total} triangles")
        if nx_g is not None:
            import networkx as nx

            report.add(alg, "networkx", lambda: sum(nx.triangles(nx_s).values()) // 3, 1)
        alg = "LCC (local clustering)"
        out = report.add(alg, "graphmill", gm("analytics_clustering_coefficient", graph, {}), repeat)
        lcc = column(out, "VALUE")

        def nk_lcc() -> Any:
            c = nk.centrality.LocalClusteringCoefficient(nk_s, turbo=True)
            c.run()
            return np.asarray(c.scores())

        cv = report.add(alg, "NetworKit", nk_lcc, repeat)
        if cv is not None:
            report.check(alg, "NetworKit", f"max abs diff {np.abs(cv - lcc).max():.1e}")
        iv = report.add(alg, "igraph", lambda: ig_s.transitivity_local_undirected(mode="zero"), 1)
        if iv is not None:
            report.check(alg, "igraph", f"max abs diff {np.abs(np.asarray(iv) - lcc).max():.1e}")

    # -- LPA / Louvain ------------------------------------------------------------------------------
    from graphmill.engine.algorithms.community.labels import modularity

    if "lpa" not in skip:
        alg = "LPA (10 rounds)"
        out = report.add(
            alg, "graphmill", gm("analytics_lpa", ugraph, {"is_directed": False, "iterations": 10}), repeat
        )
        q = modularity(ugraph, column(out, "LABEL"))
        report.check(alg, "graphmill", f"Q={q:.3f}")

        def nk_plp() -> Any:
            p = nk.community.PLP(nk_u, maxIterations=10)
            p.run()
            return np.asarray(p.getPartition().getVector())

        pv = report.add(alg, "NetworKit", nk_plp, repeat)
        if pv is not None:
            report.check(
                alg, "NetworKit", f"Q={modularity(ugraph, pv):.3f} (asynchronous PLP: different algorithm)"
            )
        ig_u = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=False)
        iv = report.add(alg, "igraph", lambda: ig_u.community_label_propagation().membership, 1)
        if iv is not None:
            report.check(alg, "igraph", f"Q={modularity(ugraph, np.asarray(iv)):.3f} (runs to convergence)")
        alg = "CDLP (graphalytics, 10 rounds)"
        report.add(
            alg,
            "graphmill",
            gm("analytics_lpa", graph, {"iterations": 10, "variant": "graphalytics"}),
            repeat,
        )
    if "louvain" not in skip:
        alg = "Louvain"
        out = report.add(alg, "graphmill", gm("analytics_louvain", ugraph, {"is_directed": False}), repeat)
        q = modularity(ugraph, column(out, "LABEL"))
        report.check(alg, "graphmill", f"Q={q:.3f}")

        def nk_plm() -> Any:
            p = nk.community.PLM(nk_u, refine=False)
            p.run()
            return np.asarray(p.getPartition().getVector())

        pv = report.add(alg, "NetworKit", nk_plm, repeat)
        if pv is not None:
            report.check(alg, "NetworKit", f"Q={modularity(ugraph, pv):.3f}")
        ig_u2 = ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=False)
        iv = report.add(alg, "igraph", lambda: ig_u2.community_multilevel().membership, 1)
        if iv is not None:
            report.check(alg, "igraph", f"Q={modularity(ugraph, np.asarray(iv)):.3f}")
        if nx_g is not None:
            import networkx as nx

            xv = report.add(alg, "networkx", lambda: nx.community.louvain_communities(nx_s, seed=1), 1)
            report.check(alg, "networkx", f"Q={nx.community.modularity(nx_s, xv):.3f} (simple graph)")

    # -- Betweenness (fixed sources) -----------------------------------------------------------------
    if "bc" not in skip:
        k = 100
        alg = f"Betweenness ({k} sampled sources)"
        out = report.add(
            alg,
            "graphmill",
            gm("analytics_bnc", graph, {"iterations": k, "constant": 1e300, "seed": 3}),
            1,
        )
        del out

        def nk_bc() -> Any:
            b = nk.centrality.EstimateBetweenness(nk_g, k, normalized=False, parallel=True)
            b.run()
            return b.scores()

        report.add(alg, "NetworKit", nk_bc, 1)
        report.check(alg, "NetworKit", "different random sources (same work)")
        sources = np.random.default_rng(3).choice(n, size=k, replace=False).tolist()
        report.add(alg, "igraph", lambda: ig_g.betweenness(sources=sources), 1)
        report.check(alg, "igraph", "different random sources (same work)")
        # agreement on identical sources (exact Brandes kernel vs igraph subset betweenness)
        from graphmill.engine.algorithms._common import threads
        from graphmill.engine.algorithms.node_importance import betweenness_kernels as kr

        few = np.asarray(sources[:5], dtype=np.int64)
        mine = kr.brandes(graph.indptr, graph.indices, few, threads())
        theirs = np.asarray(ig_g.betweenness(sources=few.tolist()))
        report.notes.append(
            f"Betweenness agreement on 5 identical sources vs igraph: max rel diff "
            f"{np.abs(mine - theirs).max() / max(1.0, np.abs(theirs).max()):.1e}"
        )

    # -- graphmill-only -----------------------------------------------------------------------------
    if "rest" not in skip:
        for task, raw, g in (
            ("analytics_nstepdegrees", {"step": 1}, graph),
            ("analytics_nstepdegrees", {"step": 2, "type": "out"}, graph),
            ("analytics_degree_with_time", {"begin_time": 0.2, "end_time": 0.8}, wgraph),
            ("analytics_cnc", {"num_samples": 10}, graph),
            ("analytics_hanp", {"iterations": 10}, graph),
            ("analytics_infomap", {}, graph),
            ("analytics_hyperanf", {"bits": 6}, graph),
            ("analytics_node2vec", {"step": 10}, graph),
            ("analytics_jaccard_similarity", {"ids1": ",".join(str(int(x)) for x in graph.ids[:10])}, graph),
            ("analytics_tree_stat", {"root": root_id}, graph),
            (
                "analytics_shortest_path",
                {"src": str(root_id), "dst": ",".join(str(int(x)) for x in graph.ids[:10])},
                graph,
            ),
        ):
            label = f"{get_algorithm(task).name} {raw}"[:60].replace("|", "/")
            report.add(label, "graphmill", gm(task, g, raw), 1)
        if scale <= 16:
            iv = report.add("InfoMap", "igraph", lambda: ig_g.community_infomap(trials=1).membership, 1)
            del iv
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--networkx", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument(
        "--skip", default="", help="comma list: pagerank,bfs,wcc,scc,sssp,kcore,triangles,lpa,louvain,bc,rest"
    )
    args = parser.parse_args()
    with_nx = args.networkx == "yes" or (args.networkx == "auto" and args.scale <= 16)
    import networkit as nk

    # graphmill's kernels run with OMP_WAIT_POLICY=PASSIVE (engine/_numba.py), read when
    # numba's threading layer starts, which get_num_threads below does: take numba from
    # there, or its threads spin between parallel regions and, on a loaded machine, take the
    # CPU the kernel waits for (a parallel BFS used 5-10x the CPU).  The peers' OpenMP
    # runtimes are separate copies and keep their settings (NetworKit's started above).
    from graphmill.engine._numba import nb as numba

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB; numba threads {numba.get_num_threads()}, "
        f"NetworKit threads {nk.getMaxNumberOfThreads()}",
        flush=True,
    )
    report = run(args.scale, args.repeat, with_nx, set(filter(None, args.skip.split(","))))
    print()
    print("Graph construction (not part of the algorithm times):\n")
    print("| build | seconds |\n|---|---|")
    for name, seconds, _ in report.builds:
        print(f"| {name} | {seconds:.3f} |")
    print()
    print(report.markdown())
    print()
    for note in report.notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
