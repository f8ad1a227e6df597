"""The CLI on the Python client: workflows, runs, jobs and the algorithm catalogue of a server."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphmill.cli.remote import Remote, exit_for, parse_inputs, remote, table

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
def workflow_list(name: str | None, remote: Remote) -> None:
    """List workflows."""
    with remote.session() as gm:
        items = gm.workflows.list(name)
    remote.emit(
        items,
        lambda: table([[w.id, w.name, _when(w.update_time)] for w in items], ["ID", "NAME", "UPDATED"]),
    )


@workflow.command("show")
@click.argument("workflow_id", type=int)
@remote
def workflow_show(workflow_id: int, remote: Remote) -> None:
    """A workflow's tasks and dependencies."""
    with remote.session() as gm:
        wf = gm.workflows.get(workflow_id)
    tasks = wf.schema_.get("tasks", [])
    deps = wf.schema_.get("deps", [])
    remote.emit(
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
def workflow_import(file: Path, name: str | None, remote: Remote) -> None:
    """Create a workflow from an Explorer JSON file (a schema, or an export with name and schema)."""
    with remote.session() as gm:
        wf = gm.workflows.create(file, name=name)
    remote.emit(wf, f"created workflow {wf.id} {wf.name!r}")


@workflow.command("export")
@click.argument("workflow_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@remote
def workflow_export(workflow_id: int, output: Path | None, remote: Remote) -> None:
    """Write a workflow as JSON ({"name","schema"}), which `workflow import` reads back."""
    with remote.session() as gm:
        wf = gm.workflows.get(workflow_id)
    text = json.dumps({"name": wf.name, "schema": wf.schema_}, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        remote.emit({"id": wf.id, "file": str(output)}, f"wrote {output}")


@workflow.command("delete")
@click.argument("workflow_id", type=int)
@remote
def workflow_delete(workflow_id: int, remote: Remote) -> None:
    """Delete a workflow (its jobs stay)."""
    with remote.session() as gm:
        done = gm.workflows.delete(workflow_id)
    remote.emit({"success": done}, f"deleted workflow {workflow_id}")


@workflow.command("versions")
@click.argument("workflow_id", type=int)
@remote
def workflow_versions(workflow_id: int, remote: Remote) -> None:
    """Every saved version of a workflow."""
    with remote.session() as gm:
        versions = gm.workflows.versions(workflow_id)
    remote.emit(
        versions,
        lambda: table(
            [[v.version, v.name, _when(v.create_time)] for v in versions], ["VERSION", "NAME", "SAVED"]
        ),
    )


def _finish(job: Job, wait: bool, remote: Remote, started: str) -> None:
    from graphmill.cli.watch import status_name, watch

    if not wait:
        remote.emit(job.info, started)
        return
    if not remote.as_json:
        click.echo(started)
    watch(job.progress, err=remote.as_json)
    job.refresh()
    failed = [t for t in job.info.tasks or [] if t.status == 3]
    for task in failed:
        for line in job.logs(task.id)[-5:]:
            click.echo(f"  {task.name}: {line.message}", err=True)
    remote.emit(job.info, f"job {job.id} {status_name(job.status)}")
    sys.exit(exit_for(job.status))


@click.command()
@click.argument("source")
@click.option("--input", "inputs", multiple=True, metavar="TASK.PARAM=VALUE", help="a job input (repeatable)")
@click.option("--wait", is_flag=True, help="show live progress; exit 3 if the job fails, 4 if interrupted")
@click.option(
    "--strict/--lenient", default=True, show_default=True, help="refuse input the workflow does not use"
)
@remote
def run(source: str, inputs: tuple[str, ...], wait: bool, strict: bool, remote: Remote) -> None:
    """Run a saved workflow (SOURCE an id) or a workflow JSON file (saved first)."""
    job_input = parse_inputs(inputs)
    with remote.session() as gm:
        target: int | Path = int(source) if source.isdigit() else Path(source)
        if isinstance(target, Path) and not target.is_file():
            raise click.BadParameter(f"{source}: neither a workflow id nor a file", param_hint="SOURCE")
        job = gm.run(target, job_input, strict=strict)
        _finish(job, wait, remote, f"started job {job.id} of workflow {job.info.workflow_id}")


@click.command()
@click.argument("name", required=False)
@remote
def algorithms(name: str | None, remote: Remote) -> None:
    """The algorithm catalogue, or one algorithm's parameters with defaults and meaning."""
    with remote.session() as gm:
        catalogue = gm.algorithms()
    if name is None:
        remote.emit(
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
    remote.emit(
        algo,
        lambda: (
            f"{algo.type} ({algo.name}, {algo.group}); output columns: {', '.join(algo.output_columns or [])}\n"
            + table(rows, ["PARAMETER", "TYPE", "DEFAULT", "MEANING"])
        ),
    )
