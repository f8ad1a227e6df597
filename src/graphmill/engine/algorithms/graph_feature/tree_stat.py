"""Tree_stat: width and depth of the BFS tree from a root."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    make_table,
    oriented,
    resolve_root,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.path.traversal import bfs_depths
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["TREE_STAT"]


# -- Tree_stat -------------------------------------------------------------------------------------

_STATS = ("width", "depth")


def _check_stat(value: Any) -> None:
    items = [item.strip().lower() for item in str(value).split(",") if item.strip()]
    if not items:
        raise ValueError("must list at least one of width, depth")
    bad = [item for item in items if item not in _STATS]
    if bad:
        raise ValueError(f"unknown statistic {bad[0]!r}; allowed: width, depth")


def _run_tree_stat(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    root = resolve_root(g, params["root"])
    items = [item.strip().lower() for item in str(params["stat"]).split(",") if item.strip()]
    progress.log(f"Tree_stat from {g.id_of(root)!r}: {', '.join(items)} on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "searching")
    depth = bfs_depths(g, root)
    reached = depth[depth >= 0]
    max_depth = int(reached.max())
    width = int(np.bincount(reached).max())
    progress("computing", 1.0, f"reached {reached.shape[0]} vertices")
    progress.log(f"BFS tree: {reached.shape[0]} vertices, width {width}, depth {max_depth}")
    value = ",".join(str(width if item == "width" else max_depth) for item in items)
    return make_table(g, [OutputColumn("VALUE", "string")], [[value]])


TREE_STAT = AlgorithmSpec(
    type="analytics_tree_stat",
    name="Tree_stat",
    group="graphFeature",
    params=(
        ParamSpec("root", "vid", "100", doc="id of the root vertex"),
        ParamSpec("stat", "string", "width,depth", check=_check_stat, doc="comma list of width, depth"),
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=lambda params: [OutputColumn("VALUE", "string")],
    run=_run_tree_stat,
    doc=(
        "Statistics of the breadth-first tree from `root`: width = most vertices on one level, depth = "
        "largest hop distance (root alone: 0). One row, VALUE = the values in `stat` order, comma-separated."
    ),
)
