"""``graphmill job …``: list, inspect, follow, fetch results of, rerun and cancel jobs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from graphmill.cli.commands import _finish, _when
from graphmill.cli.remote import Remote, exit_for, remote, table

STATUS_CHOICES = ["preparing", "running", "success", "failed", "interrupted", "stopping"]


@click.group()
def job() -> None:
    """Jobs on a running server."""


@job.command("list")
@click.option("--status", type=click.Choice(STATUS_CHOICES, case_sensitive=False), default=None)
@click.option("--workflow", "workflow_id", type=int, default=None, help="only jobs of this workflow")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@remote
def job_list(status: str | None, workflow_id: int | None, limit: int, remote: Remote) -> None:
    """The newest jobs first."""
    code = STATUS_CHOICES.index(status.lower()) if status else None
    with remote.session() as gm:
        items = gm.jobs.list(workflow=workflow_id, status=code, page_size=limit)
    remote.emit(
        items,
        lambda: table(
            [[j.id, j.name, j.workflow_id, j.status.name.title(), _when(j.create_time)] for j in items],
            ["ID", "NAME", "WORKFLOW", "STATUS", "CREATED"],
        ),
    )


@job.command("show")
@click.argument("job_id", type=int)
@remote
def job_show(job_id: int, remote: Remote) -> None:
    """A job and its tasks."""
    with remote.session() as gm:
        info = gm.jobs.get(job_id).info
    remote.emit(
        info,
        lambda: (
            f"job {info.id} {info.name!r} of workflow {info.workflow_id}: {info.status.name.title()}\n"
            + table(
                [
                    [t.id, t.name, t.status.name.title(), t.run_begin_time, t.run_end_time]
                    for t in info.tasks or []
                ],
                ["TASK", "NAME", "STATUS", "BEGAN", "ENDED"],
            )
        ),
    )


@job.command("logs")
@click.argument("job_id", type=int)
@click.argument("task", required=False)
@click.option("-f", "--follow", is_flag=True, help="keep printing new lines until the job ends")
@remote
def job_logs(job_id: int, task: str | None, follow: bool, remote: Remote) -> None:
    """Log lines of one task (id, schema id or name) or of every task."""
    with remote.session() as gm:
        j = gm.jobs.get(job_id)
        seen: dict[str, int] = {}
        while True:
            tasks = [j.task_id(task)] if task else [t.id for t in j.progress().tasks]
            for tid in tasks:
                for line in j.logs(tid)[seen.get(tid, 0) :]:
                    seen[tid] = seen.get(tid, 0) + 1
                    if remote.as_json:
                        click.echo(json.dumps({"task": tid, **line.model_dump(mode="json")}))
                    else:
                        click.echo(f"{_when(line.time)} {line.level:7s} {line.message}")
            if not follow or j.refresh().status in (2, 3, 4):
                if follow:  # lines written between the last read and the end
                    follow = False
                    continue
                return
            time.sleep(0.5)


@job.command("result")
@click.argument("job_id", type=int)
@click.argument("task")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet", "json"]), default="csv", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@remote
def job_result(job_id: int, task: str, fmt: str, output: Path | None, remote: Remote) -> None:
    """A task's whole result (CSV with a header, Parquet, or JSON rows) to a file or stdout."""
    with remote.session() as gm:
        j = gm.jobs.get(job_id)
        if fmt == "json":
            text = json.dumps(j.result(task).to_pylist(), ensure_ascii=False)
            if output is None:
                click.echo(text)
            else:
                output.write_text(text + "\n", encoding="utf-8")
            return
        if output is None:
            if fmt == "parquet" and sys.stdout.isatty():
                raise click.UsageError("Parquet is binary: give -o FILE or redirect stdout")
            j.download(task, sys.stdout.buffer, format=fmt)
            return
        with output.open("wb") as f:
            size = j.download(task, f, format=fmt)
    remote.emit({"file": str(output), "bytes": size}, f"wrote {output} ({size} bytes)")


@job.command("rerun")
@click.argument("job_id", type=int)
@click.option("--from-failure", is_flag=True, help="keep the results of unchanged successful tasks")
@click.option("--wait", is_flag=True, help="show live progress; exit 3 if the job fails, 4 if interrupted")
@remote
def job_rerun(job_id: int, from_failure: bool, wait: bool, remote: Remote) -> None:
    """A new job of the same workflow version."""
    with remote.session() as gm:
        new = gm.jobs.get(job_id).rerun(from_failure=from_failure)
        _finish(new, wait, remote, f"started job {new.id}, a rerun of job {job_id}")


@job.command("cancel")
@click.argument("job_id", type=int)
@remote
def job_cancel(job_id: int, remote: Remote) -> None:
    """Cancel a job."""
    with remote.session() as gm:
        done = gm.jobs.get(job_id).cancel()
    remote.emit({"success": done}, "cancelled" if done else "the job had already ended")


@job.command("watch")
@click.argument("job_id", type=int)
@remote
def job_watch(job_id: int, remote: Remote) -> None:
    """A live progress bar until the job ends; exit 0 on success, 3 failed, 4 interrupted."""
    from graphmill.cli.watch import watch

    with remote.session() as gm:
        j = gm.jobs.get(job_id)
        final = watch(j.progress, err=remote.as_json)
    if remote.as_json:
        remote.emit(final, "")
    sys.exit(exit_for(final.status))
