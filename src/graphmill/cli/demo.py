"""``graphmill demo``: the whole path a newcomer takes, through the real HTTP API."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import click

from graphmill.cli.watch import status_name, watch
from graphmill.client import ApiError, Client, ClientError

SPACE = "basketballplayer"

DEMO_SCHEMA: dict[str, Any] = {
    "datasources": [],
    "tasks": [
        {
            "id": "analytics_pagerank_1",
            "name": "PageRank",
            "clusterSize": 1,
            "type": "analytics_pagerank",
            "spec": {
                "iterations": "10",
                "is_directed": "true",
                "eps": "0.0001",
                "damping": "0.85",
                "nebula_input_edges": "follow,serve",
                "nebula_input_edges_props": ",",
                "vtype": "string",
                "processes": 1,
                "threads": 2,
            },
            "graph": {
                "params": [],
                "groupName": "nodeImportance",
                "output": [{"name": "vid", "dataType": "string"}, {"name": "value", "dataType": "double"}],
            },
            "datasink": {"type": "local", "spec": {}},
            "datasource": {
                "type": "nebula",
                "spec": {"type": "nebula", "space": SPACE, "graphd": "127.0.0.1:9669"},
            },
        },
        {
            "id": "analytics_wcc_2",
            "name": "WCC",
            "clusterSize": 1,
            "type": "analytics_wcc",
            "spec": {"is_directed": "true", "nebula_input_edges": "follow", "nebula_input_edges_props": ""},
            "graph": {"params": [], "groupName": "community"},
            "datasink": {"type": "local", "spec": {}},
            "datasource": {
                "type": "nebula",
                "spec": {"type": "nebula", "space": SPACE, "graphd": "127.0.0.1:9669"},
            },
        },
    ],
    "deps": [{"src": "analytics_pagerank_1", "dst": "analytics_wcc_2", "spec": {"params": []}}],
}


def run_demo(data_dir: Path | None, port: int, keep: bool) -> int:
    from graphmill.graphstore.embedded import EmbeddedGraphStore
    from graphmill.log import configure_logging
    from graphmill.server import make_server, make_settings

    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="graphmill-demo-")
        data_dir = Path(tmp.name)
    try:
        store = EmbeddedGraphStore(data_dir / "graph")
        if SPACE not in {s.name for s in store.list_spaces()}:
            script = resources.files("graphmill.data") / "basketballplayer.ngql"
            with resources.as_file(script) as path:
                started = time.perf_counter()
                info = store.import_ngql(SPACE, path)
            click.echo(
                f"imported space {SPACE}: {info.vertex_count} vertices, edges {info.edge_counts} "
                f"in {time.perf_counter() - started:.2f}s"
            )
        settings = make_settings(data_dir=data_dir, port=port, log_level="warning")
        configure_logging("warning")
        server = make_server(settings)
        thread = threading.Thread(target=server.run, name="graphmill-server", daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise click.ClickException("the server did not start")
            time.sleep(0.02)
        bound = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{bound}"
        click.echo(f"graphmill serving on {base} (data dir {data_dir})")
        try:
            _walk_through(base)
            if keep:
                click.echo("serving until Ctrl-C; log in with root/nebula")
                while thread.is_alive():
                    time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            server.should_exit = True
            thread.join(timeout=15)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


def _walk_through(base: str) -> None:
    with Client(base) as client:
        try:
            _run_sample_job(client)
        except (ApiError, ClientError) as exc:
            raise click.ClickException(str(exc)) from None


def _run_sample_job(client: Client) -> None:
    client.connect("root", "nebula")
    wf = client.workflows.create(DEMO_SCHEMA, name="demo_pagerank")
    click.echo(f"created workflow {wf.id}: PageRank over follow,serve, then WCC over follow")
    started = time.perf_counter()
    job = client.run(wf.id)
    click.echo(f"started job {job.id}")
    progress = watch(job.progress, interval_s=0.05)
    info = job.refresh().info
    assert progress.status == info.status
    elapsed = time.perf_counter() - started
    click.echo(
        f"job {job.id} ended with status {int(info.status)} ({status_name(info.status)}) in {elapsed:.2f}s"
    )
    click.echo(json.dumps(info.model_dump(mode="json", by_alias=True), indent=2))
    for task in info.tasks or []:
        if task.status != 2:
            for line in job.logs(task.id):
                click.echo(f"  {task.name} log: {line.message}")
            continue
        click.echo(f"first rows of {task.name} ({task.id}):")
        for row in job.sample(task.id, limit=5):
            click.echo("  " + ",".join(row))
    if not job.ok:
        raise click.ClickException(f"the demo job did not succeed (status {int(info.status)})")
