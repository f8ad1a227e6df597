"""Explorer's *Clustering* group: ClusteringCoefficient (and the Graphalytics LCC)."""

from graphmill.engine.algorithms.clustering.clustering_coefficient import CLUSTERING_COEFFICIENT

__all__ = ["SPECS"]

SPECS = (CLUSTERING_COEFFICIENT,)
