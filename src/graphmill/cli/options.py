"""Options shared by several commands."""

from __future__ import annotations

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
