"""The graph engine: graph representation, loading, algorithms and result files.

Runs inside worker processes; imports numpy, scipy and pyarrow but nothing of the web
stack, the metadata store or the graph database.  Modules:

* :mod:`~graphmill.engine.graph` — :class:`Graph` (CSR) and :func:`build_graph`
* :mod:`~graphmill.engine.loader` — :class:`EdgeSource`, :func:`load_graph` (with disk cache)
* :mod:`~graphmill.engine.algorithms` — one package per Explorer group, each algorithm an
  :class:`~graphmill.engine.algorithms.base.AlgorithmSpec`
* :mod:`~graphmill.engine.registry` — ``ALGORITHMS``, :func:`get_algorithm`, :func:`register`
* :mod:`~graphmill.engine.results` — :func:`write_result`, :func:`read_result_rows`
* :mod:`~graphmill.engine.execute` — :func:`run_task`: load → run → write in one call
* :mod:`~graphmill.engine.base` — the ``Progress`` protocol algorithms report through
* :mod:`~graphmill.engine.csr_kernels` — compiled CSR construction (transpose)

Inside the engine the layers point one way (import-linter): ``execute`` → ``loader`` |
``registry`` | ``results`` → ``algorithms`` → ``graph`` → ``csr_kernels`` | ``base``.
"""
