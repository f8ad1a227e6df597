"""Options and error reporting shared by several commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("graphmill-data"),
    show_default=True,
    envvar="GRAPHMILL_DATA_DIR",
    help="Holds the metadata database, the embedded graph store and the files root.",
)


def fail(exc: Exception) -> None:
    """Report a graphmill error as one line and exit 2; anything else is a bug: re-raised."""
    from graphmill.errors import GraphmillError

    if isinstance(exc, GraphmillError):
        click.echo(f"error: {exc.detail or exc.name} ({exc.code} {exc.name})", err=True)
        sys.exit(2)
    raise exc
