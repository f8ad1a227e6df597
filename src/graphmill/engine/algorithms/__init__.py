"""Algorithm declarations and kernels, one family per module.

``base`` holds :class:`AlgorithmSpec` / :class:`ParamSpec`; ``centrality`` (PageRank,
DegreeCentrality), ``paths`` (BFS, SSSP) and ``community`` (WCC, modularity) each export
``SPECS``, which :mod:`graphmill.engine.registry` registers.
"""
