"""The embedded-store source of ``bench/end_to_end.py``: the R-MAT Parquet file imported as a space.

The space ``rmat_s<scale>`` (vid type ``int64``) has one tag ``node`` (no properties: every
vertex that ends an edge) and one edge type ``link(weight double)``.  Its edges are the
Parquet file's rows in the file's order, with the same weights.  R-MAT keeps parallel edges,
and an edge of a space is keyed by (src, dst, rank): so the k-th edge between the same two
vertices gets rank k (0, 1, …), as a NebulaGraph user would have to load them, and the space
holds exactly the file's multigraph.

The import goes through ``EmbeddedGraphStore.import_data`` with a ``SpaceData`` built from
Arrow tables: no text to parse, so the cheapest path the product offers (``graphmill space
import`` of a CSV folder ends in the same call after reading and type-inferring the CSV).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphmill.graphstore.base import PropDef
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.graphstore.model import SpaceData

TAG = "node"
EDGE = "link"
WEIGHT = "weight"


@dataclass(frozen=True)
class SpaceImport:
    """What the import made, and how long its parts took (seconds)."""

    space: str
    edge_file: Path
    prepare_s: float
    import_s: float


def parallel_ranks(src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per edge, how many earlier edges (in input order) join the same (src, dst): its rank."""
    n = int(max(src.max(), dst.max())) + 1 if src.shape[0] else 1
    if n > 3_000_000_000:  # n * n would overflow int64
        raise ValueError("vertex ids too large to pair into one int64 key")
    pair = src * n + dst
    order = np.argsort(pair, kind="stable")  # stable: equal pairs keep their input order
    sorted_pairs = pair[order]
    starts = np.ones(order.shape[0], dtype=bool)
    starts[1:] = sorted_pairs[1:] != sorted_pairs[:-1]
    positions = np.arange(order.shape[0], dtype=np.int64)
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty(order.shape[0], dtype=np.int64)
    ranks[order] = positions - group_start
    return ranks


def space_data(parquet: Path) -> SpaceData:
    """The Parquet file ``src, dst, weight`` as an int64 space with one tag and one edge type."""
    table = pq.read_table(parquet, columns=["src", "dst", "weight"])
    src = table.column("src").to_numpy()
    dst = table.column("dst").to_numpy()
    edges = pa.table(
        {
            "src": table.column("src"),
            "dst": table.column("dst"),
            "rank": pa.array(parallel_ranks(src, dst)),
            WEIGHT: table.column("weight"),
        }
    )
    vids = pc.unique(pa.chunked_array([*table.column("src").chunks, *table.column("dst").chunks]))
    return SpaceData(
        vid_type="int64",
        tags={TAG: ()},
        edges={EDGE: (PropDef(WEIGHT, "double"),)},
        vertices={TAG: pa.table({"vid": vids})},
        edge_tables={EDGE: edges},
    )


def import_space(data_dir: Path, parquet: Path, scale: int) -> SpaceImport:
    """Import the graph into ``data_dir``'s embedded store (what ``graphmill serve`` opens)."""
    name = f"rmat_s{scale}"
    t0 = time.perf_counter()
    data = space_data(parquet)
    t1 = time.perf_counter()
    store = EmbeddedGraphStore(data_dir / "graph")
    store.import_data(name, data, replace=True)
    t2 = time.perf_counter()
    (edge_file,) = store.edge_files(name, [EDGE], [WEIGHT])
    print(
        f"  space {name}: {data.edge_tables[EDGE].num_rows:,} edges; prepared in {t1 - t0:.2f} s, "
        f"import_data {t2 - t1:.2f} s",
        file=sys.stderr,
    )
    return SpaceImport(name, edge_file.path, t1 - t0, t2 - t1)
