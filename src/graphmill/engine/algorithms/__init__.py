"""Algorithm declarations and kernels, one family per module.

``base`` holds :class:`AlgorithmSpec` / :class:`ParamSpec`; each family module exports
``SPECS``, which :mod:`graphmill.engine.registry` registers:

* ``centrality`` — PageRank, DegreeCentrality (n-step degrees, HyperLogLog)
* ``importance`` — KCore, DegreeWithTime, Betweenness (exact / Bader sampling), Closeness
* ``paths`` — BFS, SSSP, APSP, ShortestPath
* ``community`` — WCC, SCC, LPA (and CDLP), HANP, Louvain, InfoMap, modularity
* ``features`` — TriangleCount, ClusteringCoefficient (and LCC), Node2Vec, Tree_stat,
  HyperANF, Jaccard

``_kernels`` holds the compiled (numba, cached) kernels; it is imported lazily by the run
functions, so importing the registry does not load numba.  ``_common`` has the shared
parameters (``is_directed``, ``variant``, ``seed``, …) and graph views.
"""
