"""The CLI on the Python client: workflows, runs, jobs and the algorithm catalogue of a server."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphmill.cli.remote import emit, exit_for, parse_inputs, remote, session, table

if TYPE_CHECKING:
    from graphmill.client import Job


def _when(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000)) if ms else "-"


@click.group()
def workflow() -> None:
    """Workflows on a running server."""


@workflow.command("list")
@click.option("--name", default=None, help="only workflows whose name contains this")
@remote
def workflow_list(
    name: str | None, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """List workflows."""
    with session(url, user, password) as gm:
        items = gm.workflows.list(name)
    emit(
        as_json,
        items,
        lambda: table([[w.id, w.name, _when(w.update_time)] for w in items], ["ID", "NAME", "UPDATED"]),
    )


@workflow.command("show")
@click.argument("workflow_id", type=int)
@remote
def workflow_show(
    workflow_id: int, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """A workflow's tasks and dependencies."""
    with session(url, user, password) as gm:
        wf = gm.workflows.get(workflow_id)
    tasks = wf.schema_.get("tasks", [])
    deps = wf.schema_.get("deps", [])
    emit(
        as_json,
        wf,
        lambda: (
            f"workflow {wf.id} {wf.name!r}, updated {_when(wf.update_time)}\n"
            + table(
                [[t.get("id"), t.get("type"), t.get("name", "")] for t in tasks], ["TASK", "TYPE", "NAME"]
            )
            + "".join(f"\n{d.get('src')} -> {d.get('dst')}" for d in deps)
        ),
    )


@workflow.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="[default: the name inside the file, else its file name]")
@remote
def workflow_import(
    file: Path, name: str | None, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """Create a workflow from an Explorer JSON file (a schema, or an export with name and schema)."""
    with session(url, user, password) as gm:
        wf = gm.workflows.create(file, name=name)
    emit(as_json, wf, f"created workflow {wf.id} {wf.name!r}")


@workflow.command("export")
@click.argument("workflow_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@remote
def workflow_export(
    workflow_id: int,
    output: Path | None,
    url: str | None,
    user: str | None,
    password: str | None,
    as_json: bool,
) -> None:
    """Write a workflow as JSON ({"name","schema"}), which `workflow import` reads back."""
    with session(url, user, password) as gm:
        wf = gm.workflows.get(workflow_id)
    text = json.dumps({"name": wf.name, "schema": wf.schema_}, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        emit(as_json, {"id": wf.id, "file": str(output)}, f"wrote {output}")


@workflow.command("delete")
@click.argument("workflow_id", type=int)
@remote
def workflow_delete(
    workflow_id: int, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """Delete a workflow (its jobs stay)."""
    with session(url, user, password) as gm:
        done = gm.workflows.delete(workflow_id)
    emit(as_json, {"success": done}, f"deleted workflow {workflow_id}")


@workflow.command("versions")
@click.argument("workflow_id", type=int)
@remote
def workflow_versions(
    workflow_id: int, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """Every saved version of a workflow."""
    with session(url, user, password) as gm:
        versions = gm.workflows.versions(workflow_id)
    emit(
        as_json,
        versions,
        lambda: table(
            [[v.version, v.name, _when(v.create_time)] for v in versions], ["VERSION", "NAME", "SAVED"]
        ),
    )


def _finish(job: Job, wait: bool, as_json: bool, started: str) -> None:
    from graphmill.cli.watch import status_name, watch

    if not wait:
        emit(as_json, job.info, started)
        return
    if not as_json:
        click.echo(started)
    watch(job.progress, err=as_json)
    job.refresh()
    failed = [t for t in job.info.tasks or [] if t.status == 3]
    for task in failed:
        for line in job.logs(task.id)[-5:]:
            click.echo(f"  {task.name}: {line.message}", err=True)
    emit(as_json, job.info, f"job {job.id} {status_name(job.status)}")
    sys.exit(exit_for(job.status))


@click.command()
@click.argument("source")
@click.option("--input", "inputs", multiple=True, metavar="TASK.PARAM=VALUE", help="a job input (repeatable)")
@click.option("--wait", is_flag=True, help="show live progress; exit 3 if the job fails, 4 if interrupted")
@click.option(
    "--strict/--lenient", default=True, show_default=True, help="refuse input the workflow does not use"
)
@remote
def run(
    source: str,
    inputs: tuple[str, ...],
    wait: bool,
    strict: bool,
    url: str | None,
    user: str | None,
    password: str | None,
    as_json: bool,
) -> None:
    """Run a saved workflow (SOURCE an id) or a workflow JSON file (saved first)."""
    job_input = parse_inputs(inputs)
    with session(url, user, password) as gm:
        target: int | Path = int(source) if source.isdigit() else Path(source)
        if isinstance(target, Path) and not target.is_file():
            raise click.BadParameter(f"{source}: neither a workflow id nor a file", param_hint="SOURCE")
        job = gm.run(target, job_input, strict=strict)
        _finish(job, wait, as_json, f"started job {job.id} of workflow {job.info.workflow_id}")


@click.command()
@click.argument("name", required=False)
@remote
def algorithms(
    name: str | None, url: str | None, user: str | None, password: str | None, as_json: bool
) -> None:
    """The algorithm catalogue, or one algorithm's parameters with defaults and meaning."""
    with session(url, user, password) as gm:
        catalogue = gm.algorithms()
    if name is None:
        emit(
            as_json,
            catalogue,
            lambda: table([[a.type, a.name, a.group] for a in catalogue], ["TYPE", "NAME", "GROUP"]),
        )
        return
    wanted = name.lower()
    found = [a for a in catalogue if wanted in (a.type, a.name.lower(), a.type.removeprefix("analytics_"))]
    if not found:
        raise click.ClickException(f"no algorithm {name!r}; `graphmill algorithms` lists them")
    algo = found[0]
    props: dict[str, Any] = algo.parameters.get("properties", {})
    required = set(algo.parameters.get("required", []))
    rows = [
        [
            key,
            p.get("type", ""),
            json.dumps(p["default"]) if "default" in p else ("required" if key in required else ""),
            p.get("description", ""),
        ]
        for key, p in props.items()
    ]
    emit(
        as_json,
        algo,
        lambda: (
            f"{algo.type} ({algo.name}, {algo.group}); output columns: {', '.join(algo.output_columns or [])}\n"
            + table(rows, ["PARAMETER", "TYPE", "DEFAULT", "MEANING"])
        ),
    )
