"""Turning a task of a job into a worker plan: where its edges come from, where results go.

Datasources (api.md §7, issue #2):
- ``nebula``: a space of the embedded store (``spec.space``) and comma-joined edge types
  (``nebula_input_edges``) with weight properties (``nebula_input_edges_props``), looked up
  in the datasource's spec first, then the task's (Explorer puts them in the task).
- ``local``: a CSV (``src,dst[,weight]``, header optional) or Parquet file at ``spec.path``,
  relative to the files root; a path that leaves the root is refused.
- ``hdfs`` with ``spec.type == "dependence"`` (or no datasource and an upstream ``deps``
  entry with ``spec.input``): the upstream task's result columns ``srcField``/``dstField``.
Sinks: results always go to ``<files-root>/analytics/<job id>/tasks/<task id>/``; an
``hdfs`` sink resolves to that local layout, and the task record says so.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow.parquet as pq

from graphmill.config import Settings
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import ALGORITHMS
from graphmill.errors import BadRequest, GraphmillError, NotFound, ParamError
from graphmill.formats.names import split_names
from graphmill.formats.vid import VidType
from graphmill.fs import FsConfig, datasource_urls, parse_location, resolve_sink_url, resolve_template
from graphmill.fs.confine import PathOutsideRoot, resolve_within
from graphmill.graphstore.base import SpaceInfo
from graphmill.graphstore.clusters import NebulaClusterConfig
from graphmill.models import Job, TaskRun
from graphmill.scheduler.base import Resident
from graphmill.service.catalog import EngineCatalog
from graphmill.service.estimate import InputSize, estimate_bytes
from graphmill.service.file_size import column_count, is_parquet, local_file_size
from graphmill.service.graphs import GraphRouter
from graphmill.spark import choose_engine, requested_engine
from graphmill.spark.config import DRIVER_RESIDENT, SparkConfig
from graphmill.spark.s3a import s3a_conf
from graphmill.worker.plan import NebulaScan, QueryPlan, RemoteInput, TaskPlan, WriteBackPlan
from graphmill.workflow.dag import topological_order
from graphmill.workflow.params import QUERY_PARAMS_KEY
from graphmill.workflow.schema import QUERY_TASK_TYPE, TaskDef, WorkflowSchema, parse_schema, task_problems

_PARSED_JOBS_KEPT = 16


def safe_path(root: Path, relative: str) -> Path:
    """``relative`` under ``root``, resolved; ParamError (40004001) if it would leave the root."""
    if not relative or "\x00" in relative:
        raise ParamError("a local datasource needs a non-empty spec.path")
    candidate = Path(relative) if Path(relative).is_absolute() else root / relative.lstrip("/")
    try:
        return resolve_within(root, candidate)
    except PathOutsideRoot:
        raise ParamError(f"path {relative!r} is outside the files root") from None


def _split_list(text: object) -> list[str]:
    return [] if text is None else split_names(str(text))


def _vid_type_of(spec: dict[str, Any]) -> VidType | None:
    vtype = str(spec.get("vtype", "")).lower()
    if vtype == "string":
        return "string"
    if vtype in {"int64", "int32", "int"}:
        return "int64"
    return None


@dataclass(frozen=True, slots=True)
class ResolvedInput:
    sources: tuple[EdgeSource, ...]
    vid_type: VidType | None
    weighted: bool
    description: str
    remote: tuple[RemoteInput, ...] = ()
    nebula_scan: NebulaScan | None = None


class Planner:
    def __init__(
        self,
        settings: Settings,
        sources: GraphRouter,
        fs_config: FsConfig | None = None,
        spark_config: SparkConfig | None = None,
    ) -> None:
        self.fs_config = fs_config or FsConfig()
        self.settings = settings
        self.sources = sources
        self.graphstore = sources.embedded
        self.graphstore_root = settings.graph_dir.resolve()
        self.files_root = settings.resolved_files_root
        # Spark reads s3:// datasources itself (as s3a://) with the same S3 settings as the server.
        self.spark_config = (spark_config or SparkConfig()).with_defaults(s3a_conf(self.fs_config.s3))
        self.catalog = EngineCatalog()
        # A job's schema never changes: parse it once for all of its tasks, not once per task.
        self._parsed: OrderedDict[int, WorkflowSchema] = OrderedDict()

    def remember(self, job_id: int, schema: WorkflowSchema) -> None:
        """The parsed schema of a job just created (parsed off the event loop, at submission)."""
        self._parsed[job_id] = schema
        while len(self._parsed) > _PARSED_JOBS_KEPT:
            self._parsed.popitem(last=False)

    def job_schema(self, job: Job) -> WorkflowSchema:
        schema = self._parsed.get(job.id)
        if schema is None:  # a job from before a restart
            schema = parse_schema(job.schema)
            self.remember(job.id, schema)
        return schema

    # -- checks at save / submit time ------------------------------------------------------
    def check_paths(self, schema: WorkflowSchema) -> list[tuple[str, str, str]]:
        """(task, field, reason) for local paths that leave the files root."""
        problems = []
        for task in schema.tasks:
            ds = task.datasource
            if ds is not None and ds.type == "local":
                try:
                    safe_path(self.files_root, str(ds.spec.get("path", "")))
                except ParamError as exc:
                    problems.append((task.id, "datasource.spec.path", exc.detail))
        return problems

    def check_runnable(self, schema: WorkflowSchema) -> list[tuple[str, str, str]]:
        """(task, field, reason) for every task this server cannot run as configured."""
        problems: list[tuple[str, str, str]] = []
        for task in schema.tasks:
            if task.type == QUERY_TASK_TYPE:
                try:
                    self._query_space(task)
                except (ParamError, BadRequest, NotFound) as exc:
                    problems.append((task.id, "datasource", exc.detail))
                continue
            if task.datasink is not None and task.datasink.type == "nebula":
                try:
                    self._writeback(task)
                except (ParamError, BadRequest, NotFound) as exc:
                    problems.append((task.id, "datasink", exc.detail))
            try:
                self._resolve_input(schema, task, upstream_dirs=None)
            except (ParamError, BadRequest) as exc:
                problems.append((task.id, "datasource", exc.detail))
            try:
                # With remote sinks on, a sink template that does not resolve would fail the task.
                self._sink(schema, task, job_id=0, task_id="check")
            except ParamError as exc:
                problems.append((task.id, "datasink", exc.detail))
            try:
                if requested_engine(task.spec, self.settings.engine) == "spark":
                    self._engine(schema, task)
            except ParamError as exc:
                problems.append((task.id, "spec.engine", exc.detail))
        return problems

    def memory_estimate(self, schema: WorkflowSchema, task: TaskDef, size: InputSize) -> int:
        """Bytes this machine needs for a task: the local engine's estimate, or the Spark driver's footprint.

        A task that cannot run on the engine it asks for is charged the local estimate here;
        it is refused by ``check_runnable`` (strict submission) or fails when it runs.
        """
        local = estimate_bytes(task.type, size)
        if self._runs_on_spark(schema, task, local):
            driver = self.spark_config.local_footprint_bytes()
            if self.spark_config.session == "server":
                # The driver once while it lives (the runner charges it to the first task only).
                return driver + self.spark_config.server_task_bytes(size.vertices)
            return driver
        return local

    def _runs_on_spark(
        self, schema: WorkflowSchema, task: TaskDef, local_estimate: int | None = None
    ) -> bool:
        if task.type not in ALGORITHMS:
            return False
        try:
            if requested_engine(task.spec, self.settings.engine) == "local":
                return False
            return self._engine(schema, task, estimated=local_estimate)[0] == "spark"
        except ParamError:
            return False

    def resident_need(self, job: Job, task: TaskRun) -> Resident | None:
        """The server's Spark driver, for a task that runs in it (``[spark] session = "server"``)."""
        if self.spark_config.session != "server" or task.type not in ALGORITHMS:
            return None
        schema = self.job_schema(job)
        if not self._runs_on_spark(schema, schema.task(task.schema_task_id)):
            return None
        return Resident(DRIVER_RESIDENT, self.spark_config.local_footprint_bytes())

    def _engine(
        self, schema: WorkflowSchema, task: TaskDef, estimated: int | None = None
    ) -> tuple[Literal["local", "spark"], str]:
        """The engine that runs an algorithm task (``spec.engine``, else ``GRAPHMILL_ENGINE``)."""
        if estimated is None:
            estimated = 0
            if requested_engine(task.spec, self.settings.engine) == "auto":
                estimated = estimate_bytes(task.type, self.input_size(schema, task))
        return choose_engine(
            task.type,
            task.spec,
            self.settings.engine,
            estimated_bytes=estimated,
            budget_bytes=self.settings.memory_budget_bytes,
        )

    # -- resolution -------------------------------------------------------------------------
    def _resolve_input(
        self, schema: WorkflowSchema, task: TaskDef, upstream_dirs: dict[str, Path] | None
    ) -> ResolvedInput:
        ds = task.datasource
        feeding = [d for d in schema.deps_into(task.id) if d.spec.input is not None]
        if ds is None or (ds.type == "hdfs" and ds.spec.get("type") == "dependence"):
            if not feeding:
                raise ParamError("the task has no datasource and no upstream task feeding its src/dst")
            dep = feeding[0]
            assert dep.spec.input is not None
            where = Path("/") if upstream_dirs is None else upstream_dirs[dep.src]
            src = EdgeSource(
                path=where / "result.parquet",
                format="parquet",
                src=dep.spec.input.srcField - 1,
                dst=dep.spec.input.dstField - 1,
                weight=None,
                has_header=True,
            )
            return ResolvedInput(
                (src,),
                _vid_type_of(task.spec),
                False,
                f"columns {dep.spec.input.srcField},{dep.spec.input.dstField} of {dep.src}",
            )
        if ds.type == "nebula":
            return self._resolve_nebula(task, ds.spec)
        if ds.type == "local":
            path = safe_path(self.files_root, str(ds.spec.get("path", "")))
            if not path.is_file():
                raise ParamError(f"local datasource file {ds.spec.get('path')!r} does not exist")
            fmt: Literal["parquet", "csv"] = "parquet" if is_parquet(path) else "csv"
            width = column_count(path, fmt)
            if width < 2:
                raise ParamError(f"{ds.spec.get('path')!r} needs at least two columns (src, dst)")
            weighted = width >= 3
            src = EdgeSource(
                path=path, format=fmt, src=0, dst=1, weight=2 if weighted else None, has_header=None
            )
            return ResolvedInput((src,), _vid_type_of(task.spec), weighted, f"file {ds.spec.get('path')}")
        if ds.type in ("hdfs", "s3"):
            uri = self._remote_uri(schema, ds.spec)
            given = str(ds.spec.get("format") or "").lower()
            if given not in ("", "csv", "parquet"):
                raise ParamError(f"datasource format must be csv or parquet, not {given!r}")
            file_format: Literal["csv", "parquet"] | None = (
                "parquet" if given == "parquet" else ("csv" if given == "csv" else None)
            )
            header = ds.spec.get("header")
            has_header = None if header is None else str(header).lower() in ("true", "1", "yes")
            remote = RemoteInput(uri, file_format, has_header)
            return ResolvedInput((), _vid_type_of(task.spec), False, f"file {uri}", (remote,))
        raise ParamError(f"unknown datasource type {ds.type!r}")

    def _remote_uri(self, schema: WorkflowSchema, spec: dict[str, Any]) -> str:
        """An hdfs/s3 datasource's location: ``url`` (templates allowed), or ``hdfsName`` + ``path``."""
        urls = datasource_urls([d.model_dump() for d in schema.datasources])
        if spec.get("url"):
            text = str(spec["url"])
            if "${" in text:
                text = resolve_template(text, datasources=urls, job_id=0, task_id="t")
        elif spec.get("hdfsName"):
            name = str(spec["hdfsName"])
            if name not in urls:
                raise ParamError(f"no datasource named {name!r} in the workflow's datasources")
            text = (
                urls[name].rstrip("/") + "/" + str(spec.get("path") or spec.get("hdfsPath") or "").lstrip("/")
            )
        else:
            raise ParamError("an hdfs datasource needs spec.url, or spec.hdfsName and spec.path")
        parse_location(text, files_root=self.files_root)  # refuses bad schemes and root escapes
        return text

    def _sink(
        self, schema: WorkflowSchema, tdef: TaskDef, job_id: int, task_id: str
    ) -> tuple[str | None, str]:
        """(upload URI or None, note) for a task's hdfs/s3 datasink."""
        if tdef.datasink is None or tdef.datasink.type not in ("hdfs", "s3"):
            return None, ""
        urls = datasource_urls([d.model_dump() for d in schema.datasources])
        local = f"analytics/{job_id}/tasks/{task_id}/"
        try:
            uri = resolve_sink_url(tdef.datasink.spec, datasources=urls, job_id=job_id, task_id=task_id)
        except ParamError as exc:
            if self.settings.remote_sinks:
                raise
            return (
                None,
                f"results are in the local files root ({local}); the datasink does not resolve: {exc.detail}",
            )
        if not self.settings.remote_sinks:
            return None, (
                f"results are in the local files root ({local}); not uploaded to {uri} "
                "because remote sinks are off (GRAPHMILL_REMOTE_SINKS)"
            )
        parse_location(uri, files_root=self.files_root)
        return uri, f"results are in the local files root ({local}) and uploaded to {uri}"

    def _resolve_nebula(self, task: TaskDef, ds_spec: dict[str, Any]) -> ResolvedInput:
        address = str(ds_spec.get("graphd") or ds_spec.get("address") or self.settings.embedded_address)
        cluster = self.sources.cluster(address)
        space_name = str(ds_spec.get("space") or task.spec.get("space") or "")
        if not space_name:
            raise ParamError("a nebula datasource needs spec.space")
        edges_text = ds_spec.get("nebula_input_edges", task.spec.get("nebula_input_edges"))
        props_text = ds_spec.get("nebula_input_edges_props", task.spec.get("nebula_input_edges_props", ""))
        edges = [e for e in _split_list(edges_text) if e]
        if not edges:
            raise ParamError("a nebula datasource needs nebula_input_edges (comma-joined edge types)")
        props = _split_list(props_text) if props_text else []
        if len(props) > len(edges):
            raise ParamError(
                f"nebula_input_edges_props names {len(props)} properties for {len(edges)} edge types"
            )
        props += [""] * (len(edges) - len(props))
        if cluster is not None:
            # A cluster's edges are scanned by the worker, not here: a scan can take minutes.
            space = self.sources.store(address).get_space(space_name)
            _check_edges(space, edges, props)
            scan = NebulaScan(cluster, space_name, tuple(edges), tuple(p or None for p in props))
            return ResolvedInput(
                (),
                space.vid_type,
                any(props),
                f"cluster {cluster.address} space {space_name} edges {','.join(edges)}",
                nebula_scan=scan,
            )
        space = self.graphstore.get_space(space_name)
        files = self.graphstore.edge_files(space_name, edges, [p or None for p in props])
        sources = tuple(
            EdgeSource(
                path=f.path, format="parquet", src="src", dst="dst", weight=f.weight_column, has_header=True
            )
            for f in files
        )
        weighted = any(f.weight_column for f in files)
        return ResolvedInput(sources, space.vid_type, weighted, f"space {space_name} edges {','.join(edges)}")

    # -- size, for admission control -------------------------------------------------------------
    def input_sizes(self, schema: WorkflowSchema, *, strict: bool = False) -> dict[str, InputSize]:
        """Every task's input size, upstreams first, in O(tasks + deps).

        Unless ``strict``, a task whose input cannot be sized (a missing space or edge type)
        counts as empty: it fails when it runs, with the reason, as on Explorer.
        """
        sizes: dict[str, InputSize] = {}
        for task_id in topological_order(schema.upstream()):
            task = schema.task(task_id)
            try:
                sizes[task_id] = self.input_size(schema, task, sizes)
            except (GraphmillError, OSError, ValueError):
                if strict:
                    raise
                sizes[task_id] = InputSize(0, 0, False, True, exact=False)
        return sizes

    def input_size(
        self, schema: WorkflowSchema, task: TaskDef, known: dict[str, InputSize] | None = None
    ) -> InputSize:
        """The size of a task's input, known before it runs (exact for spaces and Parquet)."""
        ds = task.datasource
        string_ids = _vid_type_of(task.spec) != "int64"
        if task.type == QUERY_TASK_TYPE:
            # A query's worker holds the database's buffers and its result, not a graph.
            return InputSize(0, 0, False, string_ids, exact=False)
        if ds is None or (ds.type == "hdfs" and ds.spec.get("type") == "dependence"):
            feeding = [d for d in schema.deps_into(task.id) if d.spec.input is not None]
            up = (known or {}).get(feeding[0].src) if feeding else None
            if up is None:
                return InputSize(0, 0, False, string_ids, exact=False)
            # An upstream result has at most one row per upstream vertex.
            return InputSize(up.vertices, up.vertices, False, up.string_ids, exact=False)
        if ds.type == "nebula":
            resolved = self._resolve_nebula(task, ds.spec)
            address = str(ds.spec.get("graphd") or ds.spec.get("address") or self.settings.embedded_address)
            space = self.sources.store(address).get_space(str(ds.spec.get("space") or task.spec.get("space")))
            if resolved.nebula_scan is not None:  # a cluster's statistics (0 if never computed)
                scanned = resolved.nebula_scan.edge_types
                edges = sum(space.edge_counts.get(e, 0) for e in scanned)
                return InputSize(
                    space.vertex_count, edges, resolved.weighted, space.vid_type == "string", exact=False
                )
            edges = sum(pq.read_metadata(src.path).num_rows for src in resolved.sources)
            return InputSize(space.vertex_count, edges, resolved.weighted, space.vid_type == "string")
        if ds.type == "local":
            return local_file_size(
                safe_path(self.files_root, str(ds.spec.get("path", ""))), _vid_type_of(task.spec)
            )
        return InputSize(0, 0, False, string_ids, exact=False)

    def out_dir(self, job_id: int, task_id: str) -> Path:
        return self.files_root / "analytics" / str(job_id) / "tasks" / task_id

    def _query_space(self, task: TaskDef) -> tuple[str, NebulaClusterConfig | None]:
        """The space a query component runs on, and its cluster (None: the embedded store)."""
        ds_spec: dict[str, Any] = task.datasource.spec if task.datasource is not None else {}
        address = str(ds_spec.get("graphd") or ds_spec.get("address") or self.settings.embedded_address)
        cluster = self.sources.cluster(address)
        space = str(ds_spec.get("space") or task.spec.get("space") or "")
        if not space:
            raise ParamError("a query component needs the space it runs on (datasource.spec.space)")
        self.sources.store(address).get_space(space)
        return space, cluster

    def _writeback(self, task: TaskDef) -> WriteBackPlan:
        """The ``nebula`` sink of a task, checked: results go back to the task's own space."""
        assert task.datasink is not None
        sink: dict[str, Any] = task.datasink.spec
        source: dict[str, Any] = task.datasource.spec if task.datasource is not None else {}
        space = str(sink.get("space") or source.get("space") or task.spec.get("space") or "")
        if not space:
            raise ParamError("a nebula sink needs the space to write to (datasink.spec.space)")
        if source.get("space") and sink.get("space") and source["space"] != sink["space"]:
            raise ParamError("results can only be written back to the source space")
        address = str(sink.get("graphd") or source.get("graphd") or self.settings.embedded_address)
        cluster = self.sources.cluster(address)
        self.sources.store(address).get_space(space)
        tag = str(sink.get("tag") or "")
        if not tag:
            raise ParamError("a nebula sink needs the tag to write (datasink.spec.tag)")
        props = tuple(p for p in _split_list(sink.get("prop") or sink.get("props") or "") if p)
        types = tuple(t for t in _split_list(sink.get("type") or sink.get("types") or "") if t)
        mode = str(sink.get("mode") or "insert").lower()
        if mode not in ("insert", "update"):
            raise ParamError(f"datasink mode must be insert or update, not {mode!r}")
        batch = sink.get("write_batch_size") or sink.get("batchSize") or 1000
        try:
            batch_size = int(batch)
        except (TypeError, ValueError):
            raise ParamError(f"write_batch_size must be a number, not {batch!r}") from None
        if not props:
            raise ParamError("a nebula sink needs the properties to write (datasink.spec.prop)")
        if types and len(types) != len(props):
            raise ParamError(f"datasink type names {len(types)} types for {len(props)} properties")
        create = str(sink.get("create", "false")).lower() in ("true", "1", "yes")
        return WriteBackPlan(
            self.graphstore_root,
            space,
            tag,
            props,
            types,
            "update" if mode == "update" else "insert",
            batch_size,
            create,
            cluster,
        )

    def _upstream_values(
        self, schema: WorkflowSchema, task_id: str, dirs: dict[str, Path]
    ) -> dict[str, object]:
        """Parameters fed from upstream result columns (``deps[].spec.params``).

        A column with one row gives its value; a longer column gives the list of its values
        (for ``IN ${ids}`` or ``GO FROM ${ids}``).
        """
        values: dict[str, object] = {}
        for dep in schema.deps_into(task_id):
            if not dep.spec.params:
                continue
            # An upstream result is ours, but the folder is on disk: read it only inside the root.
            table = pq.read_table(resolve_within(self.files_root, dirs[dep.src] / "result.parquet"))
            for param in dep.spec.params:
                if not 1 <= param.columnIndex <= table.num_columns:
                    raise ParamError(
                        f"{dep.src} has {table.num_columns} result columns; parameter {param.name} asks for "
                        f"column {param.columnIndex}"
                    )
                column = table.column(param.columnIndex - 1).to_pylist()
                values[param.name] = column[0] if len(column) == 1 else column
        return values

    def run_time_problems(self, schema: WorkflowSchema, tdef: TaskDef, spec: dict[str, Any]) -> None:
        """Refuse to run a task that cannot: what strict submission would have refused up front."""
        problems = [f"{p.field}: {p.reason}" for p in task_problems(schema, tdef.id, self.catalog)]
        if self.catalog.is_known(tdef.type):
            checks = self.catalog.check_params(tdef.type, spec, allow_missing_required=False)
            problems += [
                f"{field}: {reason}" for field, reason in checks if f"{field}: {reason}" not in problems
            ]
        if problems:
            raise ParamError("the task cannot run: " + "; ".join(problems))

    def warnings(self, job: Job, task: TaskRun) -> list[str]:
        """Lines for the task log before it runs: spec keys that are kept but not used."""
        tdef = self.job_schema(job).task(task.schema_task_id)
        ignored = self.catalog.ignored_keys(tdef.type, tdef.spec)
        return [f"ignored spec keys (not parameters of {tdef.type}): {', '.join(ignored)}"] if ignored else []

    def plan(self, job: Job, task: TaskRun, upstream: dict[str, TaskRun]) -> tuple[TaskPlan, str, str]:
        schema = self.job_schema(job)
        tdef = schema.task(task.schema_task_id)
        dirs = {sid: Path(run.result_dir) for sid, run in upstream.items()}
        fed = self._upstream_values(schema, tdef.id, dirs)
        upload_to, note = self._sink(schema, tdef, job.id, task.id)
        common = {
            "task_id": task.id,
            "task_type": tdef.type,
            "out_dir": self.out_dir(job.id, task.id),
            "cache_dir": self.settings.graph_cache_dir if self.settings.graph_cache_mb else None,
            "cache_budget_bytes": self.settings.graph_cache_mb * 2**20,
            "upload_to": upload_to,
            "files_root": self.files_root,
            "fs": self.fs_config,
        }
        writeback = None
        if tdef.datasink is not None and tdef.datasink.type == "nebula":
            writeback = self._writeback(tdef)
            common["writeback"] = writeback
        if tdef.type == QUERY_TASK_TYPE:
            self.run_time_problems(schema, tdef, tdef.spec)
            space, cluster = self._query_space(tdef)
            params = dict(tdef.spec.get(QUERY_PARAMS_KEY) or {})
            params.update(fed)
            outputs = tuple(c.name for c in tdef.graph.output) or None
            query = QueryPlan(
                self.graphstore_root, space, str(tdef.spec.get("ngql", "")), params, outputs, cluster
            )
            plan = TaskPlan(params={}, sources=(), vid_type=None, query=query, **common)  # type: ignore[arg-type]
            return plan, note, f"query on space {space}"
        if tdef.type not in ALGORITHMS:
            raise ParamError(f"task type {tdef.type!r} cannot run on this server")
        spec = _fill_from_upstream(dict(tdef.spec), fed)
        self.run_time_problems(schema, tdef, spec)
        resolved = self._resolve_input(schema, tdef, dirs)
        engine, why = self._engine(schema, tdef)
        plan = TaskPlan(
            params=spec,
            sources=resolved.sources,
            remote_inputs=resolved.remote,
            nebula_scan=resolved.nebula_scan,
            vid_type=resolved.vid_type,
            engine=engine,
            spark=self.spark_config if engine == "spark" else None,
            **common,  # type: ignore[arg-type]
        )
        return plan, note, f"{resolved.description}; {why}"


def _fill_from_upstream(spec: dict[str, Any], fed: dict[str, object]) -> dict[str, Any]:
    """An algorithm's parameters fed from upstream columns: ``${name}`` placeholders or the option itself."""
    for name, value in fed.items():
        first = value[0] if isinstance(value, list) and value else value
        text = "" if first is None else str(first)
        placeholder = "${" + name + "}"
        if any(isinstance(v, str) and placeholder in v for v in spec.values()):
            spec = {k: v.replace(placeholder, text) if isinstance(v, str) else v for k, v in spec.items()}
        else:
            spec[name] = text
    return spec


def _check_edges(space: SpaceInfo, edges: list[str], props: list[str]) -> None:
    for edge, prop in zip(edges, props, strict=True):
        if edge not in space.edges:
            raise ParamError(f"space {space.name!r} has no edge type {edge!r}")
        if prop and prop != "_rank" and prop not in {p.name for p in space.edges[edge]}:
            raise ParamError(f"edge type {edge!r} has no property {prop!r}")
