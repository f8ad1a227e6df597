"""Pieces shared by the algorithm families: common parameters and graph preparation."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from graphmill import errors
from graphmill.engine.algorithms.base import OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

IS_DIRECTED = ParamSpec(
    "is_directed",
    "bool",
    True,
    doc="treat edges as directed; false adds the reverse of every edge",
)
VARIANT = ParamSpec(
    "variant",
    "string",
    "na",
    choices=("na", "graphalytics"),
    doc="na: NebulaGraph Analytics semantics; graphalytics: the LDBC Graphalytics definition",
)
ROOT = ParamSpec("root", "vid", required=True, doc="id of the source vertex")

#: Graphalytics' BFS depth of an unreachable vertex (2**63 - 1).
UNREACHABLE_DEPTH = 9223372036854775807


def is_graphalytics(params: Params) -> bool:
    return params.get("variant") == "graphalytics"


def oriented(graph: Graph, params: Params, progress: Progress) -> Graph:
    """The graph as ``is_directed`` asks: reverse edges added when it is false.

    A graph loaded undirected cannot serve ``is_directed=true``: that is a TaskFailed.
    """
    want_directed = bool(params.get("is_directed", True))
    if want_directed == graph.directed:
        return graph
    if not want_directed:
        progress.log("is_directed=false: adding reverse edges")
        return graph.to_undirected()
    raise errors.TaskFailed("the graph was loaded undirected (reverse edges added) but is_directed=true")


def resolve_root(graph: Graph, root: Any) -> int:
    """Dense index of the ``root`` parameter; a missing vertex fails the task."""
    try:
        return graph.lookup(root)
    except errors.ParamError as exc:
        raise errors.TaskFailed(f"root {exc.detail}") from exc


def arrow_type(graph: Graph, column: OutputColumn) -> Any:
    if column.dtype == "vid":
        return pa.int64() if graph.vid_type == "int64" else pa.large_string()
    return {"int64": pa.int64(), "double": pa.float64(), "string": pa.large_string()}[column.dtype]


def make_table(graph: Graph, columns: list[OutputColumn], values: list[Any]) -> Any:
    """A ``pyarrow.Table`` with the declared column names and types."""
    arrays = []
    for column, value in zip(columns, values, strict=True):
        target = arrow_type(graph, column)
        arr = value if isinstance(value, pa.Array | pa.ChunkedArray) else pa.array(value)
        if arr.type != target:
            arr = arr.cast(target)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])
