"""A NebulaGraph cluster as a graph store, through nebula3-python (the optional extra ``nebula``).

:class:`NebulaGraphStore` implements :class:`~graphmill.graphstore.base.GraphStore` for one
configured cluster (:class:`~graphmill.graphstore.clusters.NebulaClusterConfig`) and adds
:meth:`~NebulaGraphStore.write_back` and :meth:`~NebulaGraphStore.run_query`.

Accounts
    Logging in (:meth:`~NebulaGraphStore.verify_account`) opens a graphd session with the
    user's own account: the cluster authenticates.  Everything else runs with the entry's
    service account (``user``/``password``) when it names one, else with the account the
    store was bound to (``account=`` or :meth:`~NebulaGraphStore.with_account`), else fails.

Schema (:meth:`~NebulaGraphStore.get_space`)
    ``SHOW SPACES``, ``DESCRIBE SPACE`` (``Vid Type``), ``SHOW TAGS``/``SHOW EDGES`` and
    ``DESCRIBE TAG``/``DESCRIBE EDGE``.  Counts come from ``SHOW STATS``, i.e. from the last
    ``SUBMIT JOB STATS`` someone ran (graphmill never submits jobs); without one they are 0.
    A remote space has no data version: ``version`` is always 0 and ``create_time_ms`` is the
    time of the look-up.

Edge snapshots (:meth:`~NebulaGraphStore.edge_files`)
    Read with the storage scan API (metad's partition map, then ``scan_edge_with_part`` per
    partition, ``scan_partitions_parallel`` partitions at a time, ``scan_batch_size`` edges per
    request, no partial success) and written batch by batch to a Parquet file with the
    embedded store's columns: ``src``, ``dst``, ``rank`` and the weight property.  Files live
    under ``<cache_dir>/<host>_<port>/<space>/`` named ``<edge>-<key>-<scan ms>.parquet``, the key
    hashing (space, edge type, weight, vid type, weight type).  **Caching rule**: a snapshot is
    reused for ``snapshot_ttl_s`` seconds after its scan started (0: every call scans); older
    snapshots of the same key are deleted when a new one is written, once they are
    ``snapshot_keep_s`` old, so that a job reading an older file is not pulled from under.

Writing back (:meth:`~NebulaGraphStore.write_back`)
    Results become tag properties of the source space, by ``INSERT VERTEX`` (one statement per
    batch) or ``UPDATE VERTEX`` (one statement per row, a batch per request, only for the
    vertices a ``FETCH`` finds carrying the tag); see :mod:`graphmill.graphstore.nebula_ngql`
    for the literals.  The tag and the properties must exist: graphmill creates nothing.

Errors
    What the cluster refuses or fails at, and a cluster that cannot be reached, raise
    :class:`graphmill.errors.TaskFailed` (or :class:`graphmill.errors.BadRequest` while
    logging in) quoting NebulaGraph's message.  An unknown space is ``NotFound``; an unknown
    edge type or weight property asked of :meth:`~NebulaGraphStore.edge_files` is ``ParamError``.
"""

from graphmill.graphstore.nebula.client import Nebula3Clients, NebulaClientMissing, NebulaClients, error_text
from graphmill.graphstore.nebula.scan import scan_batch_table
from graphmill.graphstore.nebula.store import NebulaGraphStore

__all__ = [
    "Nebula3Clients",
    "NebulaClientMissing",
    "NebulaClients",
    "NebulaGraphStore",
    "error_text",
    "scan_batch_table",
]
