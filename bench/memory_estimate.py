"""Admission control's memory estimate against the measured peak of the worker process.

Runs each algorithm family admission control distinguishes (and the heavier ones that share
its default line) as a job through a real server, cold (the graph cache is emptied first, the
case admission control must cover), and prints the estimate, the worker's peak RSS (the
per-task high-water mark the server records, ``peakBytes``) and the relative error.

Graphs are uniform random, generated here; ``SIZE`` below is ``edges/vertices``:

* ``base``: 1,000 edges over 125 vertices, for the worker's resident floor;
* two shapes at the fit sizes (``--edges``, default 2 M and 8 M edges, 8 edges per vertex) and
  one sparse shape (the largest size over 4x the vertices, 2 edges per vertex), so the per-edge
  and per-vertex coefficients can be told apart;
* the same largest graph read from a local Parquet file (the other source kind), with string
  ids (embedded and Parquet), and weighted (``w`` as the weight column) where it changes what
  is loaded.

``--fit`` prints, per family, base and the least-squares per-edge and per-vertex bytes over
the int64 runs (method in ``fit``), the figures ``service/estimate.py`` takes before the safety
margin stated there (PageRank's per-edge figure comes from ``bench/big_graph.py --server``).  ``--json FILE`` keeps every measurement.  Usage::

    nice .venv/bin/python bench/memory_estimate.py --fit [--edges 2000000 8000000] [--only pagerank,wcc]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server

from graphmill.client import Client
from graphmill.graphstore.embedded import EmbeddedGraphStore

#: Every family ``service/estimate.py`` has a line for, and the heavy ones on its default line.
#: Parameters are the defaults unless a run would take minutes on 8 M edges for no memory insight.
FAMILIES: dict[str, dict[str, Any]] = {
    "analytics_pagerank": {},
    "analytics_wcc": {},
    "analytics_bfs": {"root": "0"},
    "analytics_sssp": {"root": "0"},
    "analytics_nstepdegrees": {},
    "analytics_kcore": {},
    "analytics_lpa": {},
    "analytics_louvain": {},
    "analytics_infomap": {},
    "analytics_scc": {},
    "analytics_triangle_count": {},
    "analytics_bnc": {},
    "analytics_node2vec": {},
}
#: Families whose kernel reads the weight column (the others never load it).
WEIGHTED = {"analytics_sssp", "analytics_louvain", "analytics_node2vec"}


@dataclass
class Graph:
    name: str
    edges: int
    vertices: int
    string_ids: bool = False


@dataclass
class Measurement:
    algorithm: str
    graph: str
    source: str  # "space" or "parquet"
    edges: int
    vertices: int
    weighted: bool
    string_ids: bool
    estimate: int
    peak: int


def edge_arrays(g: Graph) -> tuple[pa.Array, pa.Array, np.ndarray]:
    rng = np.random.default_rng(g.edges * 7 + g.vertices)
    src, dst = rng.integers(0, g.vertices, g.edges), rng.integers(0, g.vertices, g.edges)
    src[0] = 0
    if g.string_ids:
        return _as_strings(src), _as_strings(dst), rng.random(g.edges)
    return pa.array(src), pa.array(dst), rng.random(g.edges)


def _as_strings(ids: np.ndarray) -> pa.Array:
    return pa.array(np.char.add("v", ids.astype(str)).astype(object), pa.string())


def make_space(store: EmbeddedGraphStore, g: Graph, folder: Path) -> None:
    folder.mkdir(parents=True)
    src, dst, w = edge_arrays(g)
    vids = np.arange(g.vertices)
    pacsv.write_csv(pa.table({"vid": _as_strings(vids) if g.string_ids else vids}), folder / "node.csv")
    pacsv.write_csv(pa.table({"src": src, "dst": dst, "w": w}), folder / "link.csv")
    store.import_csv_dir(g.name, folder, vid_type="string" if g.string_ids else "int64")
    shutil.rmtree(folder)


def make_parquet(g: Graph, files: Path) -> None:
    src, dst, w = edge_arrays(g)
    pq.write_table(pa.table({"src": src, "dst": dst}), files / f"{g.name}.parquet")
    pq.write_table(pa.table({"src": src, "dst": dst, "w": w}), files / f"{g.name}-w.parquet")


def task_body(algo: str, g: Graph, source: str, weighted: bool) -> dict[str, Any]:
    spec: dict[str, Any] = dict(FAMILIES[algo])
    if source == "space":
        spec |= {"nebula_input_edges": "link", "nebula_input_edges_props": "w" if weighted else ""}
        datasource = {"type": "nebula", "spec": {"space": g.name}}
    else:
        spec["vtype"] = "string" if g.string_ids else "int64"
        path = f"{g.name}-w.parquet" if weighted else f"{g.name}.parquet"
        datasource = {"type": "local", "spec": {"path": path}}
    if g.string_ids and "root" in spec:
        spec["root"] = "v0"
    return {"id": "t", "type": algo, "spec": spec, "datasource": datasource}


def measure(client: Client, data: Path, algo: str, g: Graph, source: str) -> Measurement:
    weighted = algo in WEIGHTED
    # Cold: the graph is read and built, not taken from the cache (the worst case).
    shutil.rmtree(data / "cache", ignore_errors=True)
    job = client.run({"tasks": [task_body(algo, g, source, weighted)]}).wait(poll_s=0.05)
    assert job.ok, job.info
    t = job.progress().tasks[0]
    return Measurement(
        algo, g.name, source, g.edges, g.vertices, weighted, g.string_ids, t.estimated_bytes, t.peak_bytes
    )


def fit(rows: list[Measurement]) -> None:
    """Per family, int64 ids: base = the larger of the tiny graph's peak and the intercept of a
    least-squares fit over the large space graphs, rounded up to 8 MiB; per-edge and per-vertex
    bytes by least squares given that base; the worst miss over every run (space and Parquet)
    before the margin ``service/estimate.py`` applies."""
    print(f"\n{'algorithm':26s} {'base MiB':>9s} {'B/edge':>7s} {'B/vertex':>9s} {'worst miss':>11s}")
    for algo in FAMILIES:
        mine = [r for r in rows if r.algorithm == algo and not r.string_ids]
        tiny = [r.peak for r in mine if r.graph == "base"]
        big = [r for r in mine if r.graph != "base" and r.source == "space"]
        if not tiny or len(big) < 3:
            continue
        shape = np.array([[1.0, r.edges, r.vertices] for r in big])
        (intercept, _, _), *_ = np.linalg.lstsq(
            shape, np.array([r.peak for r in big], dtype=float), rcond=None
        )
        base = math.ceil(max(max(tiny), intercept) / (8 * 2**20)) * 8 * 2**20
        y = np.array([r.peak - base for r in big], dtype=float)
        (per_edge, per_vertex), *_ = np.linalg.lstsq(shape[:, 1:], y, rcond=None)
        worst = min(
            (base + per_edge * r.edges + per_vertex * r.vertices - r.peak) / r.peak
            for r in mine
            if r.graph != "base"
        )
        print(f"{algo:26s} {base / 2**20:9.0f} {per_edge:7.1f} {per_vertex:9.1f} {worst:+11.1%}")


def graphs(sizes: list[int]) -> list[Graph]:
    big = max(sizes)
    shapes = [Graph("base", 1000, 125)]
    shapes += [Graph(f"g{m}", m, m // 8) for m in sizes]
    shapes += [Graph(f"sparse{big}", big, big // 2), Graph(f"str{big}", big, big // 8, string_ids=True)]
    return shapes


def plan(shapes: list[Graph], algos: list[str]) -> list[tuple[str, Graph, str]]:
    """(algorithm, graph, source) runs: every shape from the space; the largest int64 and
    string graphs also from Parquet."""
    big = max(g.edges for g in shapes)
    runs = []
    for algo in algos:
        for g in shapes:
            if g.string_ids and algo not in ("analytics_pagerank", "analytics_wcc", "analytics_louvain"):
                continue
            runs.append((algo, g, "space"))
            if g.edges == big and not g.name.startswith("sparse"):
                runs.append((algo, g, "parquet"))
    return runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", type=int, nargs="+", default=[2_000_000, 8_000_000])
    ap.add_argument("--only", default="", help="comma-separated families without the analytics_ prefix")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    algos = [f"analytics_{a}" for a in args.only.split(",")] if args.only else list(FAMILIES)
    shapes = graphs(args.edges)
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = EmbeddedGraphStore(data / "graph")
        (data / "files").mkdir()
        for g in shapes:
            make_space(store, g, data / f"csv-{g.name}")
            if g.edges == max(args.edges):
                make_parquet(g, data / "files")
        server = Server(data)
        try:
            client = server.client()
            print(
                f"{'algorithm':26s} {'graph':>12s} {'source':>8s} {'edges':>9s} {'vertices':>9s} "
                f"{'estimate MiB':>13s} {'peak MiB':>9s} {'error':>7s}",
                flush=True,
            )
            for algo, g, source in plan(shapes, algos):
                r = measure(client, data, algo, g, source)
                rows.append(r)
                print(
                    f"{algo:26s} {g.name:>12s} {source:>8s} {g.edges:9d} {g.vertices:9d} "
                    f"{r.estimate / 2**20:13.0f} {r.peak / 2**20:9.0f} {(r.estimate - r.peak) / r.peak:+7.1%}",
                    flush=True,
                )
                if args.json:
                    args.json.write_text(json.dumps([asdict(x) for x in rows], indent=1))
        finally:
            server.stop()
    if args.fit:
        fit(rows)


if __name__ == "__main__":
    main()
