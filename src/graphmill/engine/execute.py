"""One call for a worker: parse parameters, load the graph, run the algorithm, write the result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from graphmill.engine.base import Progress
from graphmill.engine.graph import VidType
from graphmill.engine.loader import EdgeSource, load_graph_deferred
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import ResultManifest, write_result

__all__ = ["run_task"]


def run_task(
    task_type: str,
    raw_params: Mapping[str, object],
    sources: Sequence[EdgeSource],
    out_dir: Path,
    *,
    vid_type: VidType | None,
    cache_dir: Path | None,
    progress: Progress,
) -> ResultManifest:
    """Run one algorithm task end to end and return the manifest of its result.

    The graph is loaded directed or not as the parameters say (``is_directed``), with
    weights when the algorithm needs them.  Raises ``errors.ParamError`` for bad
    parameters and ``errors.TaskFailed`` for bad data or a failed run.
    """
    spec = get_algorithm(task_type)
    params = spec.parse_params(raw_params)
    progress.log(f"{spec.name} parameters: {', '.join(f'{k}={v}' for k, v in params.items())}")
    progress("loading", 0.0, "reading edges")
    graph, cache_write = load_graph_deferred(
        sources,
        vid_type=vid_type,
        directed=spec.directed(params),
        weighted=spec.needs_weight,
        cache_dir=cache_dir,
        progress=progress,
    )
    progress.log(
        f"graph: {graph.n} vertices, {graph.m} edges ({'directed' if graph.directed else 'undirected'})"
    )
    try:
        table = spec.run(graph, params, progress)
        progress("writing", 0.0, f"writing {table.num_rows} rows")
        manifest = write_result(table, out_dir, float_format=spec.float_format(params), progress=progress)
    finally:
        cache_write.wait()  # the cache entry was written while the algorithm ran
    progress("writing", 1.0, f"wrote {manifest.rows} rows")
    progress.log(f"result: {manifest.rows} rows, columns {', '.join(manifest.columns)}")
    return manifest
