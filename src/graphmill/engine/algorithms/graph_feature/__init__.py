"""Explorer's *Graph feature* group: TriangleCount, Node2Vec, Tree_stat and HyperANF."""

from graphmill.engine.algorithms.graph_feature.hyperanf import HYPERANF
from graphmill.engine.algorithms.graph_feature.node2vec import NODE2VEC
from graphmill.engine.algorithms.graph_feature.tree_stat import TREE_STAT
from graphmill.engine.algorithms.graph_feature.triangles import TRIANGLE_COUNT

__all__ = ["SPECS"]

SPECS = (TRIANGLE_COUNT, NODE2VEC, TREE_STAT, HYPERANF)
