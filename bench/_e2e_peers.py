"""The peers' whole pipelines for ``bench/end_to_end.py``: read, build, compute; and the result checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphblas as gb
import networkit as nk
import numpy as np
import pyarrow.parquet as pq
import scipy.sparse as sp
from scipy.sparse import csgraph

PAGERANK_ITERATIONS = 20
DAMPING = 0.85


@dataclass
class Loaded:
    """Edge columns as numpy arrays; ids are used directly as indices (``n`` = max id + 1)."""

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray | None
    n: int

    @classmethod
    def read(cls, path: Path, *, weighted: bool) -> Loaded:
        table = pq.read_table(path, columns=["src", "dst", "weight"] if weighted else ["src", "dst"])
        src = table.column("src").to_numpy()
        dst = table.column("dst").to_numpy()
        weight = table.column("weight").to_numpy() if weighted else None
        return cls(src, dst, weight, int(max(src.max(), dst.max())) + 1)

    def csr(self) -> Any:
        data = self.weight if self.weight is not None else np.ones(self.src.shape[0])
        return sp.csr_array((data, (self.src, self.dst)), shape=(self.n, self.n))


# -- scipy ---------------------------------------------------------------------------------------


def scipy_pagerank(a: Any, loaded: Loaded, root: int) -> np.ndarray:
    outdeg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, outdeg, out=np.zeros_like(outdeg), where=outdeg > 0)
    at = a.T.tocsr()
    rank = np.ones(a.shape[0])
    for _ in range(PAGERANK_ITERATIONS):
        rank = (1.0 - DAMPING) + DAMPING * (at @ (rank * inv))
    return rank


def scipy_sssp(a: Any, loaded: Loaded, root: int) -> np.ndarray:
    return np.asarray(csgraph.dijkstra(a, indices=root))


SCIPY: dict[str, Callable[[Any, Loaded, int], Any]] = {
    "pagerank": scipy_pagerank,
    "wcc": lambda a, loaded, root: csgraph.connected_components(a, connection="weak")[1],
    "bfs": lambda a, loaded, root: csgraph.breadth_first_order(a, root, return_predecessors=False),
    "sssp": scipy_sssp,
}


# -- NetworKit -----------------------------------------------------------------------------------


def nk_build(loaded: Loaded, algorithm: str) -> Any:
    """A CSR that keeps parallel edges (a stable sort by source), then ``GraphFromCsr``."""
    order = np.argsort(loaded.src, kind="stable")
    indptr = np.zeros(loaded.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(loaded.src, minlength=loaded.n), out=indptr[1:])
    data = loaded.weight[order] if loaded.weight is not None else np.ones(order.shape[0])
    csr = sp.csr_array((data, loaded.dst[order], indptr), shape=(loaded.n, loaded.n))
    directed = algorithm != "kcore"
    g = nk.graph.GraphFromCsr(csr, directed=directed, weighted=loaded.weight is not None)
    if algorithm == "kcore":
        g.removeSelfLoops()
    return g


def nk_pagerank(g: Any, loaded: Loaded, root: int) -> np.ndarray:
    pr = nk.centrality.PageRank(g, damp=DAMPING, tol=1e-300)
    pr.maxIterations = PAGERANK_ITERATIONS
    pr.run()
    return np.asarray(pr.scores())


def nk_run(algorithm: Any) -> np.ndarray:
    algorithm.run()
    return algorithm


NETWORKIT: dict[str, Callable[[Any, Loaded, int], Any]] = {
    "pagerank": nk_pagerank,
    "wcc": lambda g, loaded, root: (
        nk_run(nk.components.WeaklyConnectedComponents(g)).getPartition().getVector()
    ),
    "bfs": lambda g, loaded, root: np.asarray(
        nk_run(nk.distance.BFS(g, root, storePaths=False)).getDistances()
    ),
    "sssp": lambda g, loaded, root: np.asarray(
        nk_run(nk.distance.Dijkstra(g, root, storePaths=False)).getDistances()
    ),
    "kcore": lambda g, loaded, root: np.asarray(nk_run(nk.centrality.CoreDecomposition(g)).scores()),
}


# -- graphblas -----------------------------------------------------------------------------------


def gb_build(loaded: Loaded, algorithm: str) -> Any:
    values = loaded.weight if loaded.weight is not None else np.ones(loaded.src.shape[0])
    return gb.Matrix.from_coo(
        loaded.src, loaded.dst, values, nrows=loaded.n, ncols=loaded.n, dup_op=gb.binary.plus
    )


def gb_pagerank(a: Any, loaded: Loaded, root: int) -> np.ndarray:
    outdeg = a.reduce_rowwise(gb.monoid.plus).new()
    inv = outdeg.apply(gb.unary.minv).new()
    rank = gb.Vector.from_scalar(1.0, a.nrows)
    for _ in range(PAGERANK_ITERATIONS):
        t = rank.ewise_mult(inv, gb.binary.times).new()
        y = a.T.mxv(t, gb.semiring.plus_times).new()
        rank = gb.Vector.from_scalar(1.0 - DAMPING, a.nrows)
        rank(gb.binary.plus) << y.apply(gb.binary.times, right=DAMPING)
    return rank.to_dense(fill_value=1.0 - DAMPING)


def gb_bfs(a: Any, loaded: Loaded, root: int) -> np.ndarray:
    levels = gb.Vector(gb.dtypes.INT64, a.nrows)
    frontier = gb.Vector(bool, a.nrows)
    frontier[root] = True
    depth = 0
    while frontier.nvals:
        levels(mask=frontier.S) << depth
        frontier(~levels.S, replace=True) << a.T.mxv(frontier, gb.semiring.lor_pair)
        depth += 1
    return levels.to_dense(fill_value=-1)


GRAPHBLAS: dict[str, Callable[[Any, Loaded, int], Any]] = {"pagerank": gb_pagerank, "bfs": gb_bfs}


@dataclass
class Peer:
    build: Callable[[Loaded, str], Any]
    algorithms: dict[str, Callable[[Any, Loaded, int], Any]]


PEERS = {
    "scipy": Peer(lambda loaded, algorithm: loaded.csr(), SCIPY),
    "NetworKit": Peer(nk_build, NETWORKIT),
    "graphblas": Peer(gb_build, GRAPHBLAS),
}


# -- checks --------------------------------------------------------------------------------------


def check_result(algorithm: str, result: Path, outputs: dict[str, Any]) -> str:
    """graphmill's result file against a peer's output, indexed by vertex id."""
    table = pq.read_table(result)
    ids = table.column(0).to_numpy()
    value = table.column(table.num_columns - 1).to_numpy()
    if algorithm == "pagerank" and "scipy" in outputs:
        return f"L1 vs scipy {np.abs(outputs['scipy'][ids] - value).sum():.1e}"
    if algorithm == "wcc" and "NetworKit" in outputs:
        theirs = np.asarray(outputs["NetworKit"])[ids]
        same = len(np.unique(theirs)) == len(np.unique(value))
        return "same components as NetworKit" if same else "DIFFERENT component count"
    if algorithm == "bfs" and "graphblas" in outputs:
        theirs = outputs["graphblas"][ids]
        mine = np.where(value == np.iinfo(np.int64).max, -1, value)
        return "depths equal graphblas" if np.array_equal(theirs, mine) else "DEPTHS DIFFER"
    if algorithm == "sssp" and "NetworKit" in outputs:
        theirs = outputs["NetworKit"][ids]
        finite = value < 1e300
        diff = np.abs(theirs[finite] - value[finite]).max() if finite.any() else 0.0
        return f"max abs diff vs NetworKit {diff:.1e}"
    if algorithm == "kcore" and "NetworKit" in outputs:
        theirs = outputs["NetworKit"][ids].astype(np.int64)
        return "equal NetworKit" if np.array_equal(theirs, value) else "CORES DIFFER"
    return "not checked"
