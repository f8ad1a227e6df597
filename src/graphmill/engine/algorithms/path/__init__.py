"""Explorer's *Path* group: BFS, SSSP, APSP and pairwise ShortestPath."""

from graphmill.engine.algorithms.path.traversal import APSP, BFS, SHORTEST_PATH, SSSP

__all__ = ["SPECS"]

SPECS = (BFS, SSSP, APSP, SHORTEST_PATH)
