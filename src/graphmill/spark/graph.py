"""Edges read straight into Spark, and the small graph object every Spark algorithm takes.

Vertex ids stay in their own type (``long`` or ``string``): Spark orders longs numerically
and strings byte-wise (UTF-8), the same order as the local engine's dense indices, so "the
smallest id" is a plain ``min``.  A dense index (``0..n-1`` in id order) is built only by
the algorithms whose NA definition hashes it (LPA's tie breaking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from graphmill import errors
from graphmill.spark.s3a import missing_connector

VidType = Literal["string", "int64"]
Column = str | int


class EdgeFile(Protocol):
    """What the worker's plan says about one edge file (``engine.loader.EdgeSource``)."""

    @property
    def path(self) -> Path | str: ...
    @property
    def format(self) -> str | None: ...
    @property
    def src(self) -> Column: ...
    @property
    def dst(self) -> Column: ...
    @property
    def weight(self) -> Column | None: ...
    @property
    def has_header(self) -> bool | None: ...


@dataclass(frozen=True, slots=True)
class RemoteEdgeFile:
    """An ``hdfs://``, ``s3a://`` or local edge file that Spark reads itself."""

    path: str
    format: str | None
    src: Column = 0
    dst: Column = 1
    weight: Column | None = 2
    has_header: bool | None = None


@dataclass(frozen=True, slots=True)
class SparkGraph:
    """Edges ``src, dst, w`` (``w`` 1.0 when unweighted) and vertices ``id``, both cached."""

    edges: Any
    vertices: Any
    vid_type: VidType
    directed: bool
    weighted: bool

    def undirected(self) -> SparkGraph:
        """The reverse of every edge added (NA's ``is_directed=false``)."""
        if not self.directed:
            return self
        from pyspark.sql import functions as F

        reverse = self.edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"), "w")
        return SparkGraph(self.edges.unionByName(reverse), self.vertices, self.vid_type, False, self.weighted)

    def vid_literal(self, value: str, what: str) -> Any:
        """A vertex-id parameter in the graph's id type; a vertex not in the graph fails the task."""
        from pyspark.sql import functions as F

        typed: object = value
        if self.vid_type == "int64":
            try:
                typed = int(value)
            except ValueError:
                raise errors.TaskFailed(f"{what} {value!r} is not an int64 vertex id") from None
        if self.vertices.filter(F.col("id") == F.lit(typed)).limit(1).count() == 0:
            raise errors.TaskFailed(f"{what} {value!r} is not a vertex of the graph")
        return typed


def _spark_path(path: Path | str) -> str:
    text = str(path)
    if text.startswith("s3://"):
        return "s3a://" + text[len("s3://") :]
    return text


def _pick(columns: list[str], column: Column, path: str, role: str) -> str:
    if isinstance(column, int):
        if not 0 <= column < len(columns):
            raise errors.TaskFailed(f"{path}: no column {column} for the {role} ({len(columns)} columns)")
        return columns[column]
    if column not in columns:
        raise errors.TaskFailed(f"{path}: no column {column!r} for the {role}; columns: {', '.join(columns)}")
    return column


def _looks_int(text: str | None) -> bool:
    if text is None:
        return False
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


def _csv_header(spark: Any, source: EdgeFile, path: str) -> bool:
    """The loader's rule: a header when the first row's ids are not integers but the second row's are."""
    if source.has_header is not None:
        return bool(source.has_header)
    if isinstance(source.src, str) or isinstance(source.dst, str):
        return True
    rows = [r[0] for r in spark.read.text(path).limit(2).collect()]
    if len(rows) < 2:
        return bool(rows) and not _looks_int(rows[0].split(",")[0])
    first, second = (row.split(",") for row in rows)
    return not _looks_int(first[0]) and _looks_int(second[0])


def _first_reason(text: str) -> str:
    """The Java exception's own line (py4j puts "An error occurred while calling oN.parquet." first)."""
    lines = [line.strip(" :") for line in text.splitlines() if line.strip(" :")]
    for line in lines:
        if not line.startswith("An error occurred while calling"):
            return line
    return lines[0] if lines else "unknown error"


def _read_one(spark: Any, source: EdgeFile, weighted: bool) -> Any:
    from pyspark.sql import functions as F

    path = _spark_path(source.path)
    fmt = source.format or ("parquet" if path.lower().endswith((".parquet", ".pq")) else "csv")
    try:
        if fmt == "parquet":
            frame = spark.read.parquet(path)
        else:
            frame = spark.read.csv(path, header=_csv_header(spark, source, path), inferSchema=False)
    except Exception as exc:  # AnalysisException: missing path, unreadable file; Py4JJavaError
        text = str(exc)
        hint = missing_connector(path, text)
        raise errors.TaskFailed(hint or f"cannot read edges from {path}: {_first_reason(text)}") from None
    columns = list(frame.columns)
    src = _pick(columns, source.src, path, "source vertex")
    dst = _pick(columns, source.dst, path, "destination vertex")
    weight = None
    if (
        weighted
        and source.weight is not None
        and (isinstance(source.weight, str) or source.weight < len(columns))
    ):
        weight = _pick(columns, source.weight, path, "weight")
    w = F.col(weight).cast("double") if weight is not None else F.lit(1.0)
    return frame.select(F.col(src).alias("src"), F.col(dst).alias("dst"), w.alias("w"))


def _infer_vid_type(frame: Any) -> VidType:
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegralType

    fields = {f.name: f.dataType for f in frame.schema.fields}
    if isinstance(fields["src"], IntegralType) and isinstance(fields["dst"], IntegralType):
        return "int64"
    bad = (
        frame.filter(F.col("src").cast("long").isNull() | F.col("dst").cast("long").isNull()).limit(1).count()
    )
    return "string" if bad else "int64"


def read_graph(
    spark: Any,
    sources: Sequence[EdgeFile],
    *,
    vid_type: VidType | None,
    weighted: bool,
    partitions: int,
) -> SparkGraph:
    """All sources as one graph (parallel edges and self-loops kept, as the local loader does)."""
    from pyspark.sql import functions as F

    if not sources:
        raise errors.TaskFailed("the task has no edge input")
    frames = [_read_one(spark, s, weighted) for s in sources]
    edges = frames[0]
    for frame in frames[1:]:
        edges = edges.unionByName(frame, allowMissingColumns=False)
    kind = vid_type or _infer_vid_type(edges)
    cast = "long" if kind == "int64" else "string"
    edges = edges.select(F.col("src").cast(cast).alias("src"), F.col("dst").cast(cast).alias("dst"), "w")
    bad = edges.filter(F.col("src").isNull() | F.col("dst").isNull() | (weighted & F.col("w").isNull()))
    if bad.limit(1).count():
        raise errors.TaskFailed(
            f"an edge has an empty vertex id, an id that is not {kind}, or a missing weight"
        )
    edges = edges.repartition(partitions, "src").cache()
    vertices = edges.select(F.col("src").alias("id")).union(edges.select(F.col("dst").alias("id"))).distinct()
    vertices = vertices.repartition(partitions, "id").cache()
    return SparkGraph(edges, vertices, kind, True, weighted)


def dense_index(vertices: Any) -> Any:
    """``id, vx``: each vertex's position in id order (the local engine's dense index).

    A range-partitioned sort, per-partition counts brought to the driver, then offsets: no
    single-partition window, so it scales with the vertex count.
    """
    from pyspark.sql import functions as F

    ordered = vertices.orderBy("id").withColumn("part", F.spark_partition_id())
    ordered = ordered.withColumn("mono", F.monotonically_increasing_id()).cache()
    counts = sorted((r["part"], r["count"]) for r in ordered.groupBy("part").count().collect())
    offsets: list[tuple[int, int]] = []
    total = 0
    for part, count in counts:
        offsets.append((part, total))
        total += count
    spark = vertices.sparkSession
    table = spark.createDataFrame(offsets, "part int, offset long")
    # monotonically_increasing_id = partition id << 33 + row number within the partition.
    first = ordered.groupBy("part").agg(F.min("mono").alias("first"))
    return (
        ordered.join(F.broadcast(table), "part")
        .join(F.broadcast(first), "part")
        .select("id", (F.col("offset") + F.col("mono") - F.col("first")).alias("vx"))
    )
