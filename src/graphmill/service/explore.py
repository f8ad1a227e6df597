"""Read-only views of the graph store for the web console: spaces and a vertex neighbourhood."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphmill.errors import ParamError
from graphmill.graphstore.base import GraphStore, SpaceInfo

#: At most this many edges come back from one neighbourhood read, so a hub cannot flood the view.
MAX_NEIGHBOURHOOD_EDGES = 2000
MAX_SEED_VERTICES = 200


def space_view(info: SpaceInfo) -> dict[str, Any]:
    """A space's schema and counts, as the console lists them."""
    return {
        "name": info.name,
        "vidType": info.vid_type,
        "version": info.version,
        "createTime": info.create_time_ms,
        "vertexCount": info.vertex_count,
        "edgeCount": sum(info.edge_counts.values()),
        "tags": [
            {"name": tag, "props": [{"name": p.name, "type": p.type} for p in props]}
            for tag, props in sorted(info.tags.items())
        ],
        "edgeTypes": [
            {
                "name": edge,
                "count": info.edge_counts.get(edge, 0),
                "props": [{"name": p.name, "type": p.type} for p in props],
            }
            for edge, props in sorted(info.edges.items())
        ],
    }


def _seed_array(info: SpaceInfo, vids: Sequence[str]) -> pa.Array:
    if info.vid_type == "string":
        return pa.array(list(vids), pa.string())
    try:
        return pa.array([int(v) for v in vids], pa.int64())
    except ValueError:
        raise ParamError(f"space {info.name} has int64 vids; {list(vids)!r} are not all integers") from None


def neighbourhood(
    store: GraphStore, space: str, vids: Sequence[str], edge_types: Sequence[str], limit: int
) -> dict[str, Any]:
    """Edges touching any of ``vids`` over ``edge_types`` (all when empty), at most ``limit`` of them."""
    if not vids:
        raise ParamError("vids: name at least one vertex id")
    if len(vids) > MAX_SEED_VERTICES:
        raise ParamError(f"vids: at most {MAX_SEED_VERTICES} vertex ids, not {len(vids)}")
    info = store.get_space(space)
    types = list(edge_types) or sorted(info.edges)
    seeds = _seed_array(info, vids)
    edges: list[dict[str, Any]] = []
    truncated = False
    for file in store.edge_files(space, types, [None] * len(types)):
        table = pq.read_table(file.path, columns=["src", "dst"])
        touching = pc.or_(pc.is_in(table["src"], value_set=seeds), pc.is_in(table["dst"], value_set=seeds))
        hits = table.filter(touching)
        room = limit - len(edges)
        if hits.num_rows > room:
            hits, truncated = hits.slice(0, room), True
        for src, dst in zip(hits["src"].to_pylist(), hits["dst"].to_pylist(), strict=True):
            edges.append({"src": str(src), "dst": str(dst), "type": file.edge_type})
        if truncated:
            break
    vertices = sorted({str(v) for v in vids} | {e["src"] for e in edges} | {e["dst"] for e in edges})
    return {"space": space, "vertices": vertices, "edges": edges, "truncated": truncated}
