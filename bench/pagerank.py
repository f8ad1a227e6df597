"""PageRank per iteration against the memory-bandwidth bound, and float32 against float64.

Run::

    .venv/bin/python bench/pagerank.py --scale 20      # 16.8 M edges
    .venv/bin/python bench/pagerank.py --scale 16      # 1 M edges, quick

On ``bench/rmat.py``'s R-MAT graph (directed, parallel edges kept) it prints, in one run so
the figures meet the same machine load:

* the streaming bandwidth (numpy copy and triad, as ``bench/algorithms.py``) and the bytes
  one pull iteration must move at the least: 4-byte in-edge indices, the row offsets and
  six 8-byte vertex arrays (rank read and written, contribution written and read, the
  inverse out-degree, the old rank for the L1 change) — the bound;
* the time of one iteration (best of ``--repeat``, wall clock, ``--threads`` threads) for
  the pull kernel over the plain in-CSR in the graph's own vertex order (unsigned indices:
  what a short run without a graph cache uses), the sliced kernel over the
  in-degree-relabelled layout (float64 and float32 contributions), and scipy's
  ``csr_array @ vector`` over the same plain in-CSR (one thread) as the peer;
* the time to build the layout (relabelling + slicing) and the plain in-edges, the
  layout's padding, and the iteration count from which building the layout pays when no
  graph cache keeps it (the crossover behind ``pagerank.LAYOUT_MIN_ITERATIONS``);
* CPU seconds per iteration, which the load of a shared machine stretches less;
* float32 against float64: L1 and largest relative difference of the ranks after 20
  iterations, NA and Graphalytics variants.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmat import DEFAULT_SEED, load_or_make

from graphmill.engine.base import NullProgress
from graphmill.engine.graph import build_graph


def bandwidth_gbs() -> float:
    """Best streaming bandwidth (GB/s) of a numpy copy (16 B/element) and triad (40 B/element)."""
    n = 50_000_000
    b = np.ones(n)
    c = np.ones(n)
    a = np.empty(n)
    copy_t = min(_clock(lambda: np.copyto(a, b))[0] for _ in range(5))
    triad_t = min(_clock(lambda: (np.multiply(c, 3.0, out=a), np.add(a, b, out=a)))[0] for _ in range(5))
    return max(16 * n / copy_t, 40 * n / triad_t) / 1e9


def _clock(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU seconds over ``repeat`` calls (after one untimed call)."""
    fn()
    runs = [_clock(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="numba threads (0: numba's default)")
    args = parser.parse_args()
    import numba

    if args.threads:
        numba.set_num_threads(args.threads)
    from graphmill.engine.algorithms.node_importance import pagerank_kernels as k
    from graphmill.engine.algorithms.node_importance.pagerank import pagerank
    from graphmill.engine.algorithms.node_importance.pagerank_layout import build_layout, pull_layout

    src, dst = load_or_make(args.scale, 16, DEFAULT_SEED)
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    n, m, threads = graph.n, graph.m, numba.get_num_threads()
    print(f"`{platform.machine()}, {os.cpu_count()} cores, numba threads {threads}`  ")
    print(
        f"R-MAT scale {args.scale}: {n:,} vertices, {m:,} edges; load average {os.getloadavg()[0]:.1f} at start\n"
    )

    bw = bandwidth_gbs()
    moved = 4 * m + 8 * (n + 1) + 6 * 8 * n
    bound = moved / (bw * 1e9)

    outdeg = graph.out_degree()
    inv = np.zeros(n)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    rank = np.ones(n)
    out = np.empty(n)
    in_csr_t = _clock(lambda: graph.in_csr())[0]
    inc = graph.in_csr()
    graph._cache.pop("in_csr")
    builds = {
        "layout": best(lambda: build_layout(graph, threads), 3),
        "plain in-edges": best(lambda: (graph._cache.pop("in_edges", None), graph.in_edges()), 3),
    }
    layout_t = builds["layout"][0]
    layout = pull_layout(graph, threads)
    plain = k.PlainPull(*graph.in_edges(), inv, threads)
    padding = layout.sources.shape[0] / m - 1
    order = layout.order
    inv_new = inv[order]
    blocks = layout.slice_bounds(threads)
    deltas = np.zeros(threads)
    c64 = np.zeros(n + 1)
    c32 = np.zeros(n + 1, dtype=np.float32)
    at = sp.csr_array((np.ones(m), inc.indices, inc.indptr), shape=(n, n))

    rows: list[tuple[str, tuple[float, float]]] = [
        (
            "pull kernel, plain in-CSR, own vertex order, unsigned indices (short uncached runs)",
            best(lambda: plain(rank, 0.85, 0.15, out), args.repeat),
        ),
        (
            "sliced kernel, relabelled layout, float64",
            best(
                lambda: k.pull_step(
                    layout.offsets, layout.sources, blocks, inv_new, rank, c64, 0.85, 0.15, out, deltas
                ),
                args.repeat,
            ),
        ),
        (
            "sliced kernel, relabelled layout, float32 contributions",
            best(
                lambda: k.pull_step(
                    layout.offsets, layout.sources, blocks, inv_new, rank, c32, 0.85, 0.15, out, deltas
                ),
                args.repeat,
            ),
        ),
        ("scipy csr_array @ x (peer, 1 thread), plain in-CSR", best(lambda: at @ (rank * inv), args.repeat)),
    ]
    print(
        f"Bandwidth {bw:.1f} GB/s; one iteration must move {moved / 1e6:.0f} MB: bound {bound * 1e3:.2f} ms.\n"
    )
    print("| one iteration | wall ms | × bound | CPU ms |")
    print("|---|---|---|---|")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {wall * 1e3:.2f} | {wall / bound:.1f} | {cpu * 1e3:.2f} |")
    print(
        f"\nBuilt once per graph (kept in the graph cache): layout {layout_t:.3f} s "
        f"(padding {padding * 100:.1f} % of {m:,} edges); plain in-CSR with edge ids {in_csr_t:.3f} s.\n"
    )
    print("| build (best of 3) | wall s | CPU s |")
    print("|---|---|---|")
    for name, (wall, cpu) in builds.items():
        print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
    # when the layout must be built anyway (no graph cache), it pays after this many iterations
    for unit, i in (("wall", 0), ("CPU", 1)):
        extra = builds["layout"][i] - builds["plain in-edges"][i]
        gain = rows[0][1][i] - rows[1][1][i]
        when = f"{extra / gain:.0f} iterations" if gain > 0 else "never (no gain per iteration)"
        print(
            f"\nUncached crossover ({unit}): layout build costs {extra * 1e3:.0f} ms more, saves "
            f"{gain * 1e3:.2f} ms per iteration: pays after {when}."
        )
    print()
    print("float32 against float64, 20 iterations:\n")
    print("| variant | L1 difference | L1 of the ranks | largest relative difference |")
    print("|---|---|---|---|")
    for variant in ("na", "graphalytics"):
        ranks = [
            pagerank(
                graph,
                iterations=20,
                damping=0.85,
                eps=0.0,
                variant=variant,
                progress=NullProgress(),
                precision=p,
            )
            for p in ("float64", "float32")
        ]
        diff = np.abs(ranks[0] - ranks[1])
        rel = float((diff / np.maximum(np.abs(ranks[0]), 1e-300)).max())
        print(f"| {variant} | {diff.sum():.3g} | {np.abs(ranks[0]).sum():.6g} | {rel:.3g} |")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
