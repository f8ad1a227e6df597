"""The ``[spark]`` section of ``graphmill.toml``: where and how Spark runs (no pyspark import here).

Example::

    [spark]
    master = "spark://spark-master:7077"   # local[N], spark://…, k8s://…, yarn
    driver_memory = "2g"
    executor_memory = "8g"
    executor_cores = 4
    executor_instances = 10
    jars = ["/opt/jars/hadoop-aws.jar"]
    staging_dir = "hdfs://namenode:8020/graphmill/staging"   # shared storage: checkpoints
    partitions = 64
    checkpoint_every = 5
    graphx = true        # GraphX where it gives NA's answer; false: DataFrame implementations only
    [spark.conf]
    "spark.hadoop.fs.s3a.endpoint" = "http://127.0.0.1:9000"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from graphmill import errors

SECTION = "spark"
#: Admission control's name for the server's Spark driver process (``session = "server"``).
DRIVER_RESIDENT = "spark-driver"
_MASTER_PREFIXES = ("local", "spark://", "k8s://", "yarn", "mesos://")
_SIZE_SUFFIXES = ("k", "m", "g", "t")


@dataclass(frozen=True, slots=True)
class SparkConfig:
    """How a task's Spark session is built.

    Attributes:
        master: Spark master URL; ``local[2]`` runs Spark inside the worker's own JVM.
        driver_memory: JVM heap of the driver (the worker's JVM); kept small by default
            because the machine is shared with the server and the local engine.
        executor_memory, executor_cores, executor_instances: per executor (cluster masters).
        jars: extra jars on the driver's and executors' class path (connectors, hadoop-aws).
        staging_dir: shared directory (local, ``hdfs://``, ``s3a://``) for checkpoints;
            ``None``: a directory next to the task's result (fine for ``local[N]``).
        partitions: shuffle partitions (``spark.sql.shuffle.partitions``) and edge partitions.
        checkpoint_every: iterative algorithms truncate their lineage every this many rounds.
        session: ``job``: one Spark application per task, in the task's worker process (its
            JVM ends with the task, so a cancel frees the executors at once).  ``server``: one
            long-lived Spark application per server, in a driver process the server owns
            (started on the first Spark task, restarted if it dies); each task is a job group
            in it, and a cancel is ``cancelJobGroup``.
        server_tasks: with ``session = "server"``, how many tasks the session runs at once
            (more wait in the driver, in order).
        conf: any further ``spark.*`` settings, passed through unchanged.
        graphx: run PageRank, WCC, BFS and TriangleCount with GraphX (graphmill's helper jar,
            compiled on first use) where GraphX gives NA's answer; ``False``: DataFrames only
            (SCC runs on GraphX either way).
    """

    master: str = "local[2]"
    driver_memory: str = "1g"
    executor_memory: str | None = None
    executor_cores: int | None = None
    executor_instances: int | None = None
    jars: tuple[str, ...] = ()
    staging_dir: str | None = None
    partitions: int = 8
    checkpoint_every: int = 5
    session: Literal["job", "server"] = "job"
    server_tasks: int = 1
    #: Not in repr: it may hold credentials (``spark.hadoop.fs.s3a.secret.key``).
    conf: tuple[tuple[str, str], ...] = field(default_factory=tuple, repr=False)
    graphx: bool = True

    def with_defaults(self, defaults: Mapping[str, str]) -> SparkConfig:
        """This config with ``defaults`` added to ``conf`` where ``conf`` does not set the key itself."""
        own = dict(self.conf)
        added = {key: value for key, value in defaults.items() if key not in own}
        if not added:
            return self
        return replace(self, conf=tuple(sorted({**own, **added}.items())))

    def local_footprint_bytes(self) -> int:
        """Memory a Spark task takes on this machine: the driver's heap, JVM overhead, the Python side."""
        text = self.driver_memory.lower()
        scale = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}.get(text[-1], 2**20)  # bare number: MiB
        heap = int(text[:-1] if text[-1] in _SIZE_SUFFIXES else text) * scale
        return heap + 384 * 2**20 + 256 * 2**20

    def server_task_bytes(self, vertices: int) -> int:
        """What one task adds to the server's driver process (``session = "server"``), the driver
        itself being charged once while it lives: the task's result, collected into the
        driver's Python side and written (~64 bytes a vertex), and its thread's working set.
        The executors' memory is the driver's heap (``local[N]``: its threads share it, and
        Spark spills when it is short) or the cluster's, never this machine's."""
        return 32 * 2**20 + 64 * vertices

    def spark_conf(self) -> dict[str, str]:
        """The ``spark.*`` settings the session builder is given."""
        settings = {
            "spark.master": self.master,
            "spark.driver.memory": self.driver_memory,
            "spark.sql.shuffle.partitions": str(self.partitions),
            "spark.default.parallelism": str(self.partitions),
            # NA's hashes multiply 64-bit integers and rely on wrap-around: not an error here.
            "spark.sql.ansi.enabled": "false",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.adaptive.enabled": "true",
        }
        if self.master.startswith("local"):
            # Everything in this process's JVM: listen on loopback only.
            settings["spark.driver.host"] = "127.0.0.1"
            settings["spark.driver.bindAddress"] = "127.0.0.1"
        if self.executor_memory:
            settings["spark.executor.memory"] = self.executor_memory
        if self.executor_cores:
            settings["spark.executor.cores"] = str(self.executor_cores)
        if self.executor_instances:
            settings["spark.executor.instances"] = str(self.executor_instances)
        if self.session == "server":
            # A long-lived application: a finished task's checkpoint files go when they are unreachable.
            settings["spark.cleaner.referenceTracking.cleanCheckpoints"] = "true"
        if self.jars:
            settings["spark.jars"] = ",".join(self.jars)
        settings.update(dict(self.conf))
        return settings


_DEFAULT = SparkConfig()


def _string(entry: Mapping[str, object], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise errors.ParamError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _size(entry: Mapping[str, object], key: str, where: str) -> str | None:
    value = _string(entry, key, where)
    if value is not None and not (
        value.isdigit() or (value[:-1].isdigit() and value[-1].lower() in _SIZE_SUFFIXES)
    ):
        raise errors.ParamError(
            f"{where}: '{key}' must be a JVM memory size such as 512m or 4g, not {value!r}"
        )
    return value


def _positive(entry: Mapping[str, object], key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise errors.ParamError(f"{where}: '{key}' must be a positive integer")
    return value


_KEYS = {
    "master",
    "driver_memory",
    "executor_memory",
    "executor_cores",
    "executor_instances",
    "jars",
    "staging_dir",
    "partitions",
    "checkpoint_every",
    "session",
    "server_tasks",
    "conf",
    "graphx",
}


def parse_spark_config(document: Mapping[str, object], *, source: str = "configuration") -> SparkConfig:
    """The ``[spark]`` table of a parsed ``graphmill.toml`` (defaults when there is none)."""
    entry = document.get(SECTION)
    if entry is None:
        return SparkConfig()
    where = f"{source}: [{SECTION}]"
    if not isinstance(entry, dict):
        raise errors.ParamError(f"{where} must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise errors.ParamError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}"
        )
    master = _string(entry, "master", where) or _DEFAULT.master
    if not master.startswith(_MASTER_PREFIXES):
        raise errors.ParamError(
            f"{where}: master {master!r} is not local[N], spark://, k8s://, yarn or mesos://"
        )
    jars = entry.get("jars", [])
    if not isinstance(jars, list) or not all(isinstance(j, str) and j for j in jars):
        raise errors.ParamError(f"{where}: 'jars' must be a list of paths or URLs")
    conf = entry.get("conf", {})
    if not isinstance(conf, dict) or not all(isinstance(k, str) and k.startswith("spark.") for k in conf):
        raise errors.ParamError(f"{where}: 'conf' must be a table of spark.* settings")
    graphx = entry.get("graphx", True)
    if not isinstance(graphx, bool):
        raise errors.ParamError(f"{where}: 'graphx' must be true or false")
    session = entry.get("session", "job")
    if session not in ("job", "server"):
        raise errors.ParamError(
            f'{where}: session must be "job" (one Spark application per task) or "server" '
            "(one long-lived Spark application per server)"
        )
    return SparkConfig(
        master=master,
        driver_memory=_size(entry, "driver_memory", where) or _DEFAULT.driver_memory,
        executor_memory=_size(entry, "executor_memory", where),
        executor_cores=_positive(entry, "executor_cores", where),
        executor_instances=_positive(entry, "executor_instances", where),
        jars=tuple(jars),
        staging_dir=_string(entry, "staging_dir", where),
        partitions=_positive(entry, "partitions", where) or _DEFAULT.partitions,
        checkpoint_every=_positive(entry, "checkpoint_every", where) or _DEFAULT.checkpoint_every,
        session=session,
        server_tasks=_positive(entry, "server_tasks", where) or _DEFAULT.server_tasks,
        conf=tuple((k, str(v)) for k, v in sorted(conf.items())),
        graphx=graphx,
    )


def load_spark_config(path: Path | None) -> SparkConfig:
    """The ``[spark]`` table of the TOML file ``path`` (defaults when None or absent)."""
    if path is None:
        return SparkConfig()
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return SparkConfig()  # the graph-source loader reports an unreadable file
    return parse_spark_config(document, source=str(path))
