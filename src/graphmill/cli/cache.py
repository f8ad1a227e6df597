"""``graphmill cache list|clear``: the graph cache (built CSRs) of a data dir."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from graphmill.cli.options import DATA_DIR


def _cache_dir(data_dir: Path) -> Path:
    from graphmill.config import Settings

    return Settings(data_dir=data_dir).graph_cache_dir


@click.group()
def cache() -> None:
    """The graph cache: graphs built for tasks, kept for the next task on the same data."""


@cache.command("list")
@DATA_DIR
def cache_list(data_dir: Path) -> None:
    """List entries, most recently used first (stale: built from data since replaced)."""
    from graphmill.engine import graph_cache

    found = graph_cache.entries(_cache_dir(data_dir))
    for e in found:
        used = datetime.fromtimestamp(e.last_used).astimezone().isoformat(timespec="seconds")
        state = "stale" if e.stale else "current"
        click.echo(
            f"{e.key[:16]}\t{e.size_bytes / 2**20:.1f} MiB\tused {used}\t{e.vertices} vertices\t"
            f"{e.edges} edges\t{state}\t{', '.join(e.sources) or '(sources not recorded)'}"
        )
    total = sum(e.size_bytes for e in found)
    click.echo(f"{len(found)} entries, {total / 2**20:.1f} MiB")


@cache.command("clear")
@click.argument("keys", nargs=-1)
@click.option("--stale", is_flag=True, help="Only entries built from data that was since replaced.")
@DATA_DIR
def cache_clear(keys: tuple[str, ...], stale: bool, data_dir: Path) -> None:
    """Remove entries: all of them, those whose key starts with one of KEYS, or the stale ones."""
    from graphmill.engine import graph_cache

    chosen = [
        e
        for e in graph_cache.entries(_cache_dir(data_dir))
        if (not keys or any(e.key.startswith(k) for k in keys)) and (e.stale or not stale)
    ]
    for entry in chosen:
        graph_cache.remove(entry)
    click.echo(f"removed {len(chosen)} entries, {sum(e.size_bytes for e in chosen) / 2**20:.1f} MiB")
