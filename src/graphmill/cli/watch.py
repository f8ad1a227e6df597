"""A live progress line for a job, from ``GET /jobs/<id>/progress``."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import click

from graphmill.client.models import JobProgress, Status

BAR_WIDTH = 30
ENDED = (Status.SUCCESS, Status.FAILED, Status.INTERRUPTED)


def status_name(status: int) -> str:
    return Status(status).name.title()


def render(progress: JobProgress) -> str:
    filled = int(BAR_WIDTH * progress.percent / 100)
    left = progress.remaining_ms
    eta = f", ~{left / 1000:.1f}s left" if left else ""
    running = [t for t in progress.tasks if t.status == Status.RUNNING]
    current = f"  {running[0].name}: {running[0].phase} {running[0].message}".rstrip() if running else ""
    return (
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress.percent:5.1f}% "
        f"{status_name(progress.status)} {progress.elapsed_ms / 1000:.1f}s{eta}{current}"
    )


def watch(fetch: Callable[[], JobProgress], *, interval_s: float = 0.1, err: bool = False) -> JobProgress:
    """Redraw one line until the job ends (a line per change when not a terminal); the last progress."""
    stream = sys.stderr if err else sys.stdout
    interactive = stream.isatty()
    last = ""
    while True:
        progress = fetch()
        line = render(progress)
        if line != last:
            if interactive:
                click.echo("\r" + line.ljust(len(last)), nl=False, err=err)
            else:
                click.echo(line, err=err)
            last = line
        if progress.status in ENDED:
            if interactive:
                click.echo(err=err)
            return progress
        time.sleep(interval_s)
