"""Everything a worker process needs to run one task, resolved up front by the server.

A plan holds only plain data (paths, column choices, parameter text), so the worker
needs no access to the metadata store or the graph store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graphmill.engine.loader import EdgeSource
from graphmill.formats.vid import VidType
from graphmill.fs import FsConfig
from graphmill.graphstore.clusters import NebulaClusterConfig
from graphmill.spark.config import SparkConfig


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A query component: nGQL run on a space of the embedded store."""

    graph_root: Path
    space: str
    ngql: str
    #: Typed placeholder values (job input, defaults, upstream columns); bound as literals.
    params: dict[str, object]
    #: Names for the result columns (the task's graph.output), or None for the query's own.
    output_names: tuple[str, ...] | None
    #: The NebulaGraph cluster to run it on; None = the embedded store.
    cluster: NebulaClusterConfig | None = None


@dataclass(frozen=True, slots=True)
class NebulaScan:
    """Edges of a NebulaGraph cluster, read by the worker through the storage scan API."""

    cluster: NebulaClusterConfig
    space: str
    edge_types: tuple[str, ...]
    weight_props: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class RemoteInput:
    """Edges on HDFS or S3 (or a local path), staged into local Parquet by the worker first."""

    uri: str
    format: Literal["csv", "parquet"] | None
    has_header: bool | None


@dataclass(frozen=True, slots=True)
class WriteBackPlan:
    """A ``nebula`` sink on the embedded store: results become properties of a tag."""

    graph_root: Path
    space: str
    tag: str
    props: tuple[str, ...]
    types: tuple[str, ...]
    mode: Literal["insert", "update"]
    batch_size: int
    create: bool
    cluster: NebulaClusterConfig | None = None


@dataclass(frozen=True, slots=True)
class TaskPlan:
    task_id: str
    task_type: str
    #: The task's spec values (Explorer stores them as text), placeholders already filled.
    params: dict[str, object]
    sources: tuple[EdgeSource, ...]
    vid_type: VidType | None
    out_dir: Path
    cache_dir: Path | None
    #: The graph cache's size budget, enforced after the task (engine.graph_cache).
    cache_budget_bytes: int = 0
    #: Set for query components; the algorithm fields are unused then.
    query: QueryPlan | None = None
    writeback: WriteBackPlan | None = None
    #: Inputs to stage before loading (their edges come after ``sources``).
    remote_inputs: tuple[RemoteInput, ...] = ()
    nebula_scan: NebulaScan | None = None
    #: Where to upload the finished result folder (an ``hdfs``/``s3`` datasink), if anywhere.
    upload_to: str | None = None
    files_root: Path | None = None
    fs: FsConfig | None = None
    #: ``spark``: run the algorithm on Spark (``graphmill.spark``) with these settings.
    engine: Literal["local", "spark"] = "local"
    spark: SparkConfig | None = None
