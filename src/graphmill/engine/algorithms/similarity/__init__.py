"""Explorer's *Similarity* group: Jaccard."""

from graphmill.engine.algorithms.similarity.jaccard import JACCARD

__all__ = ["SPECS"]

SPECS = (JACCARD,)
