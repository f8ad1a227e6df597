"""Explorer's *Node importance* group: PageRank, KCore, DegreeCentrality, DegreeWithTime,
BetweennessCentrality and ClosenessCentrality."""

from graphmill.engine.algorithms.node_importance.betweenness import BETWEENNESS, CLOSENESS
from graphmill.engine.algorithms.node_importance.degree import DEGREE_CENTRALITY, DEGREE_WITH_TIME
from graphmill.engine.algorithms.node_importance.kcore import KCORE
from graphmill.engine.algorithms.node_importance.pagerank import PAGERANK

__all__ = ["SPECS"]

SPECS = (PAGERANK, DEGREE_CENTRALITY, KCORE, DEGREE_WITH_TIME, BETWEENNESS, CLOSENESS)
