"""A live progress bar for a job, from ``GET /jobs/<id>/progress``."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

STATUS_NAMES = {0: "Preparing", 1: "Running", 2: "Success", 3: "Failed", 4: "Interrupted", 5: "Stopping"}
BAR_WIDTH = 30


def render(progress: dict[str, Any]) -> str:
    filled = int(BAR_WIDTH * progress["percent"] / 100)
    left = progress["remainingMs"]
    eta = f", ~{left / 1000:.1f}s left" if left else ""
    running = [t for t in progress["tasks"] if t["status"] == 1]
    current = (
        f"  {running[0]['name']}: {running[0]['phase']} {running[0]['message']}".rstrip() if running else ""
    )
    return (
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress['percent']:5.1f}% "
        f"{STATUS_NAMES[progress['status']]} {progress['elapsedMs'] / 1000:.1f}s{eta}{current}"
    )


def watch(fetch: Callable[[], dict[str, Any]], *, interval_s: float = 0.1) -> dict[str, Any]:
    """Redraw one line until the job ends; return the last progress."""
    interactive = sys.stdout.isatty()
    last = ""
    while True:
        progress = fetch()
        line = render(progress)
        if line != last:
            if interactive:
                click.echo("\r" + line.ljust(len(last)), nl=False)
            else:
                click.echo(line)
            last = line
        if progress["status"] in (2, 3, 4):
            if interactive:
                click.echo()
            return progress
        time.sleep(interval_s)
