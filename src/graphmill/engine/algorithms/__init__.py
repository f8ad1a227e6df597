"""Algorithm declarations and their compiled kernels, grouped as Explorer's palette groups them.

``base`` holds :class:`AlgorithmSpec` / :class:`ParamSpec`; each group package exports
``SPECS``, which :mod:`graphmill.engine.registry` registers:

* ``node_importance`` — PageRank (``pagerank``), DegreeCentrality and DegreeWithTime
  (``degree``), KCore (``kcore``), Betweenness and Closeness (``betweenness``)
* ``path`` — BFS, SSSP, APSP, ShortestPath (``traversal``)
* ``community`` — WCC and SCC (``components``), LPA/CDLP and HANP (``label_propagation``),
  Louvain, InfoMap; ``labels`` has modularity and the shared label table
* ``graph_feature`` — TriangleCount (``triangles``), Node2Vec, Tree_stat, HyperANF
* ``clustering`` — ClusteringCoefficient (and the Graphalytics LCC)
* ``similarity`` — Jaccard

Compiled (numba, cached) kernels sit next to the module that uses them, as
``<name>_kernels.py`` (``path/kernels.py`` for the path group); each is imported inside
the function that calls it, so importing the registry does not load numba.
``_numba`` (in :mod:`graphmill.engine`) has what they share; ``_kernels`` imports them
all, for a worker that preloads them.  ``_common`` has the shared parameters
(``is_directed``, ``variant``, ``seed``, …) and graph views, ``hyperloglog`` the counters
DegreeCentrality and HyperANF share.
"""
