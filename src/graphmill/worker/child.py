"""The code that runs inside a worker process.

Preloaded by the forkserver, so numpy, scipy, pyarrow and the algorithm registry are
already imported when a task's process is forked: a task starts in milliseconds.
Everything the process reports goes over one pipe as small tuples:
``("log", level, text)``, ``("progress", phase, fraction, text)``,
``("done", manifest)`` or ``("error", text)``, and last ``("peak", bytes)``.
A worker may run several tasks in turn (see :func:`serve`).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from graphmill.engine import graph_cache
from graphmill.engine.base import Phase
from graphmill.engine.execute import run_task, warm_up_kernel_steps
from graphmill.engine.loader import EdgeSource
from graphmill.engine.results import ResultManifest, write_result
from graphmill.errors import GraphmillError, TaskFailed
from graphmill.graphstore.base import GraphStore
from graphmill.worker import memory
from graphmill.worker.plan import TaskPlan

if TYPE_CHECKING:
    from graphmill.graphstore.nebula import NebulaGraphStore

_MAX_MESSAGE_CHARS = 2000
#: Algorithms a spare worker runs once on a tiny graph before it is offered a task.
_WARM_UP_TASKS = ("analytics_pagerank", "analytics_wcc")
#: How much a task may leave a worker grown (heap it could not give back) and still reuse it.
_REUSE_SLACK_BYTES = 64 * 2**20
#: What a whole warm-up adds to a worker (measured: 65 MiB, most of it numba's loaded kernels),
#: with room; a task that cut the warm-up short loaded its share of it.
_WARM_UP_BYTES = 96 * 2**20


class _Reporter:
    """The engine's ``Progress`` over the pipe to the server."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._last_progress = 0.0
        # A Spark task reports from threads too (stage watcher, cancel): one message at a time.
        self._lock = threading.Lock()

    def send(self, *msg: Any) -> None:
        with self._lock:
            self._conn.send(msg)

    def log(self, message: str, level: str = "info") -> None:
        self.send("log", level, message[:_MAX_MESSAGE_CHARS])

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        # Rate-limit: a tight kernel loop must not flood the pipe.
        now = time.monotonic()
        if done is not None and 0.0 < done < 1.0 and now - self._last_progress < 0.05:
            return
        self._last_progress = now
        self.send("progress", phase, done, message[:_MAX_MESSAGE_CHARS])


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the forkserver (our parent) goes, e.g. after the server was killed."""
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the forkserver was already gone before prctl took effect
        os._exit(1)


def _as_text_columns(table: pa.Table) -> pa.Table:
    """Lists, maps and structs (collect(), …) become JSON text, dates and times ISO text: the result files hold JSON scalars."""
    columns = []
    for column in table.columns:
        kind = column.type
        if (
            pa.types.is_list(kind)
            or pa.types.is_large_list(kind)
            or pa.types.is_struct(kind)
            or pa.types.is_map(kind)
        ):
            column = pa.array(
                [None if v is None else json.dumps(v, default=str) for v in column.to_pylist()], pa.string()
            )
        elif pa.types.is_temporal(kind):  # date(), datetime(), duration(): ISO text, as JSON has no dates
            column = pa.array(
                [
                    None if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))
                    for v in column.to_pylist()
                ],
                pa.string(),
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _graph_store(graph_root: Any, cluster: Any, plan: TaskPlan) -> GraphStore:
    """The store a query or write-back names: the cluster its address maps to, else the embedded one."""
    if cluster is not None:
        return _cluster_store(cluster, plan)
    from graphmill.graphstore.embedded import EmbeddedGraphStore
    from graphmill.query import run_query

    return EmbeddedGraphStore(graph_root, query_runner=run_query)


def _run_query(plan: TaskPlan, reporter: _Reporter) -> ResultManifest:
    query = plan.query
    assert query is not None
    where = f"NebulaGraph at {query.cluster.address}" if query.cluster is not None else "the embedded store"
    reporter.log(f"query on space {query.space} of {where}: {query.ngql}")
    if query.params:
        shown = ", ".join(f"{k}={v!r}"[:200] for k, v in query.params.items())
        reporter.log(f"parameters: {shown}")
    reporter("computing", 0.0, "running the query")
    store = _graph_store(query.graph_root, query.cluster, plan)
    table = store.run_query(query.space, query.ngql, query.params)
    reporter.log(f"query returned {table.num_rows} rows, columns {', '.join(table.column_names)}")
    if query.output_names is not None and list(query.output_names) != table.column_names:
        reporter.log(
            f"the task's graph.output names ({', '.join(query.output_names)}) differ from the query's "
            "columns: the result keeps the query's columns, as Explorer's does"
        )
    reporter("writing", 0.0, f"writing {table.num_rows} rows")
    return write_result(_as_text_columns(table), plan.out_dir)


def _fs_context(plan: TaskPlan) -> tuple[Any, Any]:
    from graphmill.fs import FsConfig

    config = plan.fs or FsConfig()
    if config.s3.access_key:
        # Credentials are given: the AWS SDK must not go looking for instance metadata.
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    assert plan.files_root is not None
    return config, plan.files_root


def _stage_inputs(plan: TaskPlan, reporter: _Reporter) -> tuple[EdgeSource, ...]:
    """Copy remote edge files into local Parquet, streaming, and describe them for the loader."""
    if not plan.remote_inputs:
        return ()
    import pyarrow.parquet as pq

    from graphmill.fs import parse_location, stage_edges

    config, root = _fs_context(plan)
    staged: list[EdgeSource] = []
    folder = plan.out_dir.parent / f".staging-{plan.task_id}"
    folder.mkdir(parents=True, exist_ok=True)
    for i, remote in enumerate(plan.remote_inputs):
        reporter("loading", i / len(plan.remote_inputs), f"staging {remote.uri}")
        started = time.perf_counter()
        dest = stage_edges(
            parse_location(remote.uri, files_root=root),
            config,
            folder / f"input-{i}.parquet",
            format=remote.format,
            has_header=remote.has_header,
        )
        width = len(pq.read_schema(dest).names)
        if width < 2:
            raise TaskFailed(f"{remote.uri} has {width} column(s); edges need src and dst")
        reporter.log(f"staged {remote.uri} ({width} columns) in {time.perf_counter() - started:.2f}s")
        staged.append(EdgeSource(path=dest, format="parquet", src=0, dst=1, weight=2 if width >= 3 else None))
    return tuple(staged)


def _cluster_store(cluster: Any, plan: TaskPlan) -> NebulaGraphStore:
    from graphmill.graphstore.nebula import NebulaGraphStore

    assert plan.cache_dir is not None
    return NebulaGraphStore(cluster, plan.cache_dir.parent / "nebula")


def _scan_cluster(plan: TaskPlan, reporter: _Reporter) -> tuple[EdgeSource, ...]:
    """A cluster's edges through the storage scan API, into Parquet snapshots."""
    scan = plan.nebula_scan
    if scan is None:
        return ()
    reporter(
        "loading", 0.0, f"scanning {', '.join(scan.edge_types)} of {scan.space} on {scan.cluster.address}"
    )
    started = time.perf_counter()
    files = _cluster_store(scan.cluster, plan).edge_files(scan.space, scan.edge_types, scan.weight_props)
    reporter.log(f"scanned {sum(f.rows for f in files)} edges in {time.perf_counter() - started:.2f}s")
    return tuple(
        EdgeSource(
            path=f.path, format="parquet", src="src", dst="dst", weight=f.weight_column, has_header=True
        )
        for f in files
    )


def _upload(plan: TaskPlan, reporter: _Reporter) -> None:
    from graphmill.fs import parse_location, upload_dir

    config, root = _fs_context(plan)
    assert plan.upload_to is not None
    reporter("writing", 0.9, f"uploading results to {plan.upload_to}")
    uris = upload_dir(plan.out_dir, parse_location(plan.upload_to, files_root=root), config)
    reporter.log(f"uploaded {len(uris)} files to {plan.upload_to}")


def _write_back(plan: TaskPlan, reporter: _Reporter) -> None:
    import pyarrow.parquet as pq

    wb = plan.writeback
    assert wb is not None
    reporter("writing", 0.5, f"writing results back to tag {wb.tag} of space {wb.space}")
    table = pq.read_table(plan.out_dir / "result.parquet")
    rows = _graph_store(wb.graph_root, wb.cluster, plan).write_back(
        wb.space,
        table,
        tag=wb.tag,
        props=list(wb.props),
        types=list(wb.types),
        mode=wb.mode,
        batch_size=wb.batch_size,
        create=wb.create,
    )
    where = f" on {wb.cluster.address}" if wb.cluster is not None else ""
    reporter.log(
        f"wrote {rows} vertices back to tag {wb.tag}({', '.join(wb.props)}) of space {wb.space}{where} ({wb.mode})"
    )


def _check_confined(plan: TaskPlan) -> None:
    """Re-check, in the worker, that what it reads and writes under the files root stays there.

    The server checked the paths when it planned the task; a file can be swapped for a
    link since, so each is resolved again right before it is used.
    """
    from graphmill.fs.confine import PathOutsideRoot, resolve_within

    if plan.files_root is None:
        return
    root = plan.files_root.resolve()
    try:
        plan.out_dir.mkdir(parents=True, exist_ok=True)
        resolve_within(root, plan.out_dir, what="result folder")
        for source in plan.sources:
            if root == Path(source.path) or root in Path(source.path).parents:
                resolve_within(root, source.path, what="input file")
    except PathOutsideRoot as exc:
        raise TaskFailed(exc.detail) from None


def run_plan(plan: TaskPlan, reporter: _Reporter, shared_spark: Any = None) -> bool:
    """Run one task, ending with ``("done", …)`` or ``("error", …)``; whether it succeeded.

    ``shared_spark``: the server's Spark session, when this is its driver process.
    """
    if shared_spark is None:
        reporter.log(f"worker process {os.getpid()} started")
    else:
        reporter.log(f"the server's Spark driver process {os.getpid()} runs the task")
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        _check_confined(plan)
        if plan.query is not None:
            manifest = _run_query(plan, reporter)
        elif plan.engine == "spark":
            from graphmill.worker.spark_task import run_on_spark

            manifest = run_on_spark(plan, _scan_cluster(plan, reporter), reporter, shared_spark)
        else:
            manifest = run_task(
                plan.task_type,
                plan.params,
                plan.sources + _stage_inputs(plan, reporter) + _scan_cluster(plan, reporter),
                plan.out_dir,
                vid_type=plan.vid_type,
                cache_dir=plan.cache_dir,
                progress=reporter,
            )
        if plan.writeback is not None:
            _write_back(plan, reporter)
        if plan.upload_to is not None:
            _upload(plan, reporter)
        reporter.log(
            f"finished in {time.perf_counter() - started:.3f}s "
            f"(CPU {time.process_time() - cpu_started:.2f}s, all threads of the worker)"
        )
        reporter.send("done", {"columns": list(manifest.columns), "rows": int(manifest.rows)})
        return True
    except (GraphmillError, TaskFailed) as exc:
        reporter.send("error", str(exc)[:_MAX_MESSAGE_CHARS])
    except MemoryError:
        reporter.send("error", "out of memory while running the task")
    except Exception as exc:
        reporter.log(traceback.format_exc(), level="error")
        reporter.send("error", f"{type(exc).__name__}: {exc}"[:_MAX_MESSAGE_CHARS])
    finally:
        shutil.rmtree(plan.out_dir.parent / f".staging-{plan.task_id}", ignore_errors=True)
        shutil.rmtree(plan.out_dir.parent / f".spark-{plan.task_id}", ignore_errors=True)
    return False


class _Silent:
    def log(self, message: str, level: str = "info") -> None:
        pass

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        pass


def _small_job(task_type: str) -> None:
    """The common small-job path once (CSV read, CSR build, kernel, result writing), untimed."""
    with tempfile.TemporaryDirectory(prefix="graphmill-warm-") as tmp:
        edges = Path(tmp) / "edges.csv"
        edges.write_text("".join(f"v{i},v{(i * 7 + 3) % 40}\n" for i in range(80)))
        source = EdgeSource(path=edges, format="csv", src=0, dst=1, weight=None, has_header=False)
        with contextlib.suppress(Exception):
            run_task(
                task_type,
                {},
                (source,),
                Path(tmp) / "out",
                vid_type="string",
                cache_dir=None,
                progress=_Silent(),
            )


def _warm_up_steps() -> Iterator[str]:
    """A spare's warm-up, one step at a time (each yields its name when done).

    The small-job path of each ``_WARM_UP_TASKS`` task, then the compiled kernels a big
    graph's first task would otherwise load (build, transpose, PageRank, paths, KCore).
    """
    for task_type in _WARM_UP_TASKS:
        _small_job(task_type)
        yield f"small {task_type}"
    with contextlib.suppress(Exception):
        yield from warm_up_kernel_steps()


class _WarmUp:
    """The warm-up a spare runs until a task arrives; what is left runs after that task."""

    def __init__(self) -> None:
        self._steps: Iterator[str] | None = _warm_up_steps()
        #: The steps run so far, by name.
        self.finished: list[str] = []

    @property
    def done(self) -> bool:
        return self._steps is None

    def run(self, task_waiting: Callable[[], bool] = lambda: False) -> None:
        """Run steps until none is left or, checked between steps, ``task_waiting()``."""
        while self._steps is not None and not task_waiting():
            step = next(self._steps, None)
            if step is None:
                self._steps = None
            else:
                self.finished.append(step)


def _bound_graph_cache(plan: TaskPlan) -> None:
    """After the task (off its path): keep the graph cache within its budget."""
    if plan.cache_dir is not None and plan.cache_budget_bytes:
        with contextlib.suppress(OSError):
            graph_cache.enforce(plan.cache_dir, plan.cache_budget_bytes)


def serve(conn: Connection, reusable: bool) -> None:
    """A worker's life: run the tasks that come over the pipe, one at a time.

    Messages in: ``("warm",)`` (answered by ``("ready",)``) and ``("task", plan)``.  A task that
    arrives during the warm-up stops it at the next step boundary (``("ready",)`` is then sent
    at once, ahead of the task's messages); what is left of the warm-up runs after the task.  After each
    task the worker sends ``("peak", bytes)``, then ``("ready",)`` if it takes another task, or
    exits.  It is reused only after a success, when its peak memory can be measured per task,
    and when the task left it no more than ``_REUSE_SLACK_BYTES`` above its warm size.
    """
    _die_with_parent()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server went away
        _serve(conn, _Reporter(conn), reusable)
    conn.close()


def _serve(conn: Connection, reporter: _Reporter, reusable: bool) -> None:
    reuse = reusable and memory.reset_peak()
    baseline = memory.rss_bytes()
    warm_up = _WarmUp()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server closed the pipe: retired
        if message[0] == "warm":
            # A task sent meanwhile (the pool hands out spares still warming up) stops the
            # warm-up at the next step: the task loads the kernels it needs, not all of them.
            warm_up.run(task_waiting=conn.poll)
            memory.give_back_free_memory()
            baseline = memory.rss_bytes()
            reporter.send("ready")
            continue
        if reuse:
            memory.reset_peak()
        plan: TaskPlan = message[1]
        if not warm_up.done:
            reporter.log(
                f"the worker's warm-up was cut short for this task after {len(warm_up.finished)} steps "
                f"({', '.join(warm_up.finished)}); the rest runs after it"
            )
        ok = run_plan(plan, reporter)
        peak = memory.peak_bytes()
        reporter.log(f"peak memory {peak / 2**20:.1f} MiB")
        reporter.send("peak", peak)
        _bound_graph_cache(plan)
        if not (reuse and ok) or "pyspark" in sys.modules:
            # A Spark task leaves pyspark's gateway JVM running in this process (it outlives the
            # session): retire, so the JVM goes with us and the next Spark task starts afresh.
            return
        warm_size = _warm_size_after(warm_up, baseline)
        if warm_size is None:
            return
        baseline = warm_size
        reporter.send("ready")


def _warm_size_after(warm_up: _WarmUp, baseline: int) -> int | None:
    """After a task: the worker's warm size for its next task, or None when the task left it
    too big to reuse.

    A task that cut the warm-up short loaded kernels its warm size did not count yet: up to
    ``_WARM_UP_BYTES`` of them are allowed on top of the slack, and the rest of the warm-up
    runs now, off the task's path."""
    allowance = 0 if warm_up.done else _WARM_UP_BYTES
    if not warm_up.done or memory.rss_bytes() > baseline + _REUSE_SLACK_BYTES:
        # Tidying is slow (a full collection), so only after a task that grew the process (or
        # the first task, which the allowance would otherwise let leave its garbage behind).
        memory.give_back_free_memory()
        if memory.rss_bytes() > baseline + allowance + _REUSE_SLACK_BYTES:
            return None
    if warm_up.done:
        return baseline
    warm_up.run()
    return min(memory.rss_bytes(), baseline + allowance)
