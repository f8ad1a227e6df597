"""The ``graphmill`` command.  Heavy modules are imported inside command bodies, so
``graphmill --help`` stays fast and light."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graphmill import __version__
from graphmill.cli import commands, jobs
from graphmill.cli.cache import cache
from graphmill.cli.compile import compile_kernels
from graphmill.cli.options import DATA_DIR as _DATA_DIR
from graphmill.cli.options import fail as _fail
from graphmill.cli.options import setting_option
from graphmill.cli.remote import DEFAULT_URL
from graphmill.cli.users import user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphmill")
def cli() -> None:
    """graphmill: graph-analytics workflows over NebulaGraph Explorer's Workflow API."""


@cli.command()
@setting_option("--host", setting="host")
@setting_option("--port", setting="port", type=click.IntRange(0, 65535))
@_DATA_DIR
@setting_option(
    "--files-root",
    setting="files_root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Root of local datasource paths and result files [default: <data-dir>/files].",
)
@setting_option(
    "--config",
    "config_file",
    setting="config_file",
    env="GRAPHMILL_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
    help="graphmill.toml mapping graph addresses to NebulaGraph clusters [default: <data-dir>/graphmill.toml].",
)
@setting_option("--max-running-jobs", setting="max_running_jobs", type=click.IntRange(1))
@setting_option("--max-running-tasks", setting="max_running_tasks", type=click.IntRange(1))
@setting_option(
    "--max-tasks-per-workflow",
    setting="max_tasks_per_workflow",
    type=click.IntRange(1),
    help="Tasks one workflow may hold.",
)
@setting_option(
    "--token-max-age",
    "token_max_age_s",
    setting="token_max_age_s",
    type=click.IntRange(1),
    help="Lifetime of a login token, in seconds.",
)
@setting_option("--log-level", setting="log_level", type=click.Choice(["debug", "info", "warning", "error"]))
@setting_option(
    "--strict-submit/--lenient-submit",
    setting="strict_submit",
    help="Refuse a job at submission over any problem of its workflow (not only what Explorer refuses).",
)
def serve(**options: Any) -> None:
    """Run the HTTP server."""
    from graphmill.server import run

    run(**options)


@cli.group()
def space() -> None:
    """Graph spaces of the embedded graph store."""


@space.command("import")
@click.argument("name")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_DATA_DIR
@click.option(
    "--replace", is_flag=True, envvar="GRAPHMILL_REPLACE", help="Replace an existing space of that name."
)
@click.option(
    "--vid-type",
    type=click.Choice(["string", "int64"]),
    default=None,
    envvar="GRAPHMILL_VID_TYPE",
    help="Vertex id type of a CSV folder [default: inferred].",
)
def space_import(name: str, path: Path, data_dir: Path, replace: bool, vid_type: str | None) -> None:
    """Load space NAME from an nGQL script or a folder of CSV files."""
    import time

    from graphmill.graphstore.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(data_dir / "graph")
    started = time.perf_counter()
    try:
        if path.is_dir():
            info = store.import_csv_dir(name, path, replace=replace, vid_type=vid_type)  # type: ignore[arg-type]
        else:
            info = store.import_ngql(name, path, replace=replace)
    except Exception as exc:
        _fail(exc)
        return
    edges = ", ".join(f"{k} {v}" for k, v in info.edge_counts.items())
    click.echo(
        f"imported space {info.name} (vid_type {info.vid_type}, version {info.version}) in "
        f"{time.perf_counter() - started:.2f}s: {info.vertex_count} vertices; edges: {edges}"
    )


@space.command("list")
@_DATA_DIR
def space_list(data_dir: Path) -> None:
    """List the spaces of the embedded store."""
    from graphmill.graphstore.embedded import EmbeddedGraphStore

    for info in EmbeddedGraphStore(data_dir / "graph").list_spaces():
        edges = ", ".join(f"{k} {v}" for k, v in info.edge_counts.items())
        click.echo(
            f"{info.name}\tvid_type={info.vid_type}\tversion={info.version}\tvertices={info.vertex_count}\t{edges}"
        )


@cli.command()
@click.option("--url", default=DEFAULT_URL, show_default=True, envvar="GRAPHMILL_URL")
@click.option("--user", default="root", show_default=True, envvar="GRAPHMILL_USER")
@click.option("--password", prompt=True, hide_input=True, envvar="GRAPHMILL_PASSWORD")
def login(url: str, user: str, password: str) -> None:
    """Log in once; later commands without --user/--password use the stored token (not the password)."""
    from graphmill.cli.remote import session, store_login

    with session(url, user, password) as gm:
        token = gm._http.cookies.get("explorer_token") or ""
    click.echo(f"logged in to {url} as {user}; token kept in {store_login(url.rstrip('/'), token)}")


@cli.command()
def logout() -> None:
    """Forget the stored login."""
    from graphmill.cli.remote import login_file

    login_file().unlink(missing_ok=True)
    click.echo("logged out")


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script: eval "$(graphmill completion bash)"."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(cli, {}, "graphmill", "_GRAPHMILL_COMPLETE").source())


@cli.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="GRAPHMILL_DATA_DIR",
    help="Use this data dir instead of a temporary one.",
)
@click.option(
    "--port",
    default=0,
    type=click.IntRange(0, 65535),
    envvar="GRAPHMILL_PORT",
    help="Port to serve on [default: a free one].",
)
@click.option("--keep", is_flag=True, help="Keep serving after the demo job finished.")
def demo(data_dir: Path | None, port: int, keep: bool) -> None:
    """Start a server, load the basketballplayer graph, run a sample workflow, show results."""
    from graphmill.cli.demo import run_demo

    sys.exit(run_demo(data_dir, port, keep))


cli.add_command(user)
cli.add_command(cache)
cli.add_command(compile_kernels)
cli.add_command(commands.workflow)
cli.add_command(commands.run)
cli.add_command(commands.algorithms)
cli.add_command(jobs.job)


def main() -> None:
    cli(prog_name="graphmill")
