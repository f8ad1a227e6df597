"""Every compiled-kernel module, imported together.

Nothing in the engine imports this: each algorithm imports its own ``*_kernels`` module
lazily.  A worker process that wants all kernels loaded before its first task (a
forkserver preload, a warm pool) imports this one module.
"""

from __future__ import annotations

from graphmill.engine import csr_kernels
from graphmill.engine.algorithms import bfs_kernels, view_kernels
from graphmill.engine.algorithms.community import (
    components_kernels,
    infomap_kernels,
    label_kernels,
    louvain_kernels,
)
from graphmill.engine.algorithms.graph_feature import node2vec_kernels, triangle_kernels
from graphmill.engine.algorithms.node_importance import (
    betweenness_kernels,
    kcore_kernels,
    pagerank_kernels,
)
from graphmill.engine.algorithms.path import kernels as path_kernels
from graphmill.engine.algorithms.similarity import jaccard_kernels

__all__ = ["MODULES"]

#: The kernel modules (loading each one loads its cached machine code).
MODULES = (
    csr_kernels,
    bfs_kernels,
    view_kernels,
    components_kernels,
    infomap_kernels,
    label_kernels,
    louvain_kernels,
    node2vec_kernels,
    triangle_kernels,
    betweenness_kernels,
    kcore_kernels,
    pagerank_kernels,
    path_kernels,
    jaccard_kernels,
)
