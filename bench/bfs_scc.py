"""A/B of the BFS and SCC kernels against each other and the fastest peers, in one process.

Run::

    nice -n 10 .venv/bin/python bench/bfs_scc.py --scale 18 --rounds 9
    nice -n 10 .venv/bin/python bench/bfs_scc.py --scale 20 --rounds 5 --baseline 2eebd29

Every variant runs once per round, the rounds interleaved, so a load spike on the shared
machine hits all of them alike; the table gives the best and the median wall time and the
median CPU time (all threads) of each, and both against the peer.  On a loaded machine the
CPU time is the steadier figure; for a variant using several threads it is their sum.  Build excluded: the graph, its in-CSR and the peers'
graphs are built once, before timing.

BFS (depth of every vertex, from the vertex of largest out-degree), on the directed R-MAT
graph and on its undirected view (reverse edges added), with the kernel's steps forced:

* ``queued`` - every level top-down from a queue in discovery order, one thread (the
  algorithm of the kernel before the direction-optimising one);
* ``dense, 1 thread`` / ``dense, N threads`` - dense levels top-down, the next frontier
  collected in index order;
* ``direction-optimising, N threads`` - plus bottom-up levels over the in-CSR (what a task
  runs on an undirected graph, or on a directed one whose in-CSR an earlier task built);
* graphblas (push-pull ``mxv`` with a complement mask; its own threads).

SCC: graphmill's Tarjan kernel, the whole task (kernel + label table), NetworKit, and the
two ways of counting communities (``np.unique`` against ``community_sizes``).  With
``--baseline REV`` the SCC kernel of that git revision runs too (its module is extracted
with ``git show`` into a temporary folder and imported from there).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkit  # noqa: F401  (its OpenMP runtime starts with its default, as in bench/algorithms.py)
import numpy as np

import graphmill.engine._numba  # noqa: F401  (OMP_WAIT_POLICY=PASSIVE before numba's threads start)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _e2e_peers import gb_bfs
from rmat import DEFAULT_SEED, load_or_make

from graphmill.engine.base import NullProgress
from graphmill.engine.graph import Graph, build_graph
from graphmill.engine.registry import get_algorithm

NEVER = 10**15
ROOT = Path(__file__).resolve().parent.parent


def interleaved(variants: dict[str, Callable[[], Any]], rounds: int) -> list[tuple[str, float, float, float]]:
    """(name, best wall, median wall, median CPU) of each variant, run in interleaved rounds."""
    wall: dict[str, list[float]] = {k: [] for k in variants}
    cpu: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return [(k, min(wall[k]), float(np.median(wall[k])), float(np.median(cpu[k]))) for k in variants]


def table(title: str, rows: list[tuple[str, float, float, float]], peer: str) -> None:
    ref = next(r for r in rows if r[0] == peer)
    print(f"\n{title}\n")
    print(
        f"| variant | best wall (ms) | median wall (ms) | median CPU (ms) | best wall ÷ {peer} | CPU ÷ {peer} |"
    )
    print("|---|---|---|---|---|---|")
    for name, best, med, cpu in rows:
        print(
            f"| {name} | {best * 1e3:.1f} | {med * 1e3:.1f} | {cpu * 1e3:.1f} | {best / ref[1]:.2f} | {cpu / ref[3]:.2f} |"
        )


def bfs_variants(graph: Graph, threads: int) -> dict[str, Callable[[], Any]]:
    import graphblas as gb

    from graphmill.engine.algorithms.path import depth_kernels as k

    root = int(np.argmax(graph.out_degree()))
    inc = graph.in_csr() if graph.directed else None
    ip = inc.indptr if inc is not None else graph.indptr
    ii = inc.indices if inc is not None else graph.indices
    src = graph.sources().astype(np.int64)
    gb_a = gb.Matrix.from_coo(
        src,
        graph.indices.astype(np.int64),
        np.ones(graph.m),
        nrows=graph.n,
        ncols=graph.n,
        dup_op=gb.binary.plus,
    )

    def kernel(bottom_up: bool, blocks: int, parallel_edges: int) -> Callable[[], Any]:
        def run() -> Any:
            depth, _ = k.bfs_depths(
                graph.indptr, graph.indices, ip, ii, bottom_up, root, blocks, k.ALPHA, k.BETA, parallel_edges
            )
            return depth

        return run

    variants = {
        "queued (top-down only, 1 thread)": kernel(False, 1, NEVER),
        "dense top-down, 1 thread": kernel(False, 1, k.PARALLEL_EDGES),
        f"dense top-down, {threads} threads": kernel(False, threads, k.PARALLEL_EDGES),
        "direction-optimising, 1 thread": kernel(True, 1, k.PARALLEL_EDGES),
        f"direction-optimising, {threads} threads": kernel(True, threads, k.PARALLEL_EDGES),
        "graphblas": lambda: gb_bfs(gb_a, None, root),
    }
    want = variants["graphblas"]()
    for name, fn in variants.items():
        if not np.array_equal(fn(), want):
            raise SystemExit(f"BFS {name}: depths differ from graphblas")
    return variants


def baseline_scc(rev: str, folder: Path) -> Callable[..., Any]:
    """``strong_min_labels`` as it was at git revision ``rev``."""
    path = "src/graphmill/engine/algorithms/community/components_kernels.py"
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True).stdout
    module_path = folder / f"components_kernels_{rev}.py"
    module_path.write_bytes(text)
    spec = importlib.util.spec_from_file_location(module_path.stem, module_path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.strong_min_labels  # type: ignore[no-any-return]


def scc_variants(graph: Graph, baseline: str | None, folder: Path) -> dict[str, Callable[[], Any]]:
    import networkit as nk

    from graphmill.engine.algorithms.community import components_kernels as ck
    from graphmill.engine.algorithms.community.labels import community_sizes

    labels = ck.strong_min_labels(graph.indptr, graph.indices)
    nk_g = nk.graph.GraphFromCsr(graph.adjacency(), directed=True)
    spec = get_algorithm("analytics_scc")
    params = spec.parse_params({})

    def nk_scc() -> Any:
        c = nk.components.StronglyConnectedComponents(nk_g)
        c.run()
        return c.numberOfComponents()

    variants: dict[str, Callable[[], Any]] = {}
    if baseline:
        old = baseline_scc(baseline, folder)
        if not np.array_equal(old(graph.indptr, graph.indices), labels):
            raise SystemExit("SCC: the baseline's labels differ")
        variants[f"Tarjan kernel at {baseline}"] = lambda: old(graph.indptr, graph.indices)
    variants["Tarjan kernel"] = lambda: ck.strong_min_labels(graph.indptr, graph.indices)
    variants["whole task (kernel + label table)"] = lambda: spec.run(graph, params, NullProgress())
    variants["count communities: np.unique"] = lambda: np.unique(labels).shape[0]
    variants["count communities: community_sizes"] = lambda: community_sizes(labels).shape[0]
    variants["NetworKit"] = nk_scc
    count = int(np.count_nonzero(labels == np.arange(graph.n)))
    if nk_scc() != count or community_sizes(labels).shape[0] != count:
        raise SystemExit("SCC: component counts differ")
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=18)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--baseline", help="git revision whose SCC kernel runs too")
    parser.add_argument("--skip", default="", help="comma list: bfs,scc")
    args = parser.parse_args()
    import numba

    threads = int(numba.get_num_threads())
    src, dst = load_or_make(args.scale, 16, DEFAULT_SEED)
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    print(
        f"R-MAT scale {args.scale}: {graph.n} vertices, {graph.m} edges; numba threads {threads}; "
        f"load average {os.getloadavg()[0]:.1f} at the start",
        flush=True,
    )
    if "bfs" not in args.skip:
        for g, title in ((graph, "directed"), (graph.to_undirected(), "undirected (reverse edges added)")):
            rows = interleaved(bfs_variants(g, threads), args.rounds)
            table(f"BFS, {title}, {g.m} stored edges", rows, "graphblas")
    if "scc" not in args.skip:
        with tempfile.TemporaryDirectory() as folder:
            rows = interleaved(scc_variants(graph, args.baseline, Path(folder)), args.rounds)
        table("SCC", rows, "NetworKit")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
