"""``graphmill compile``: fill numba's kernel cache now, not in the first jobs."""

from __future__ import annotations

import click


@click.command("compile")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Processes compiling side by side (default: one per CPU).",
)
def compile_kernels(processes: int | None) -> None:
    """Compile every algorithm's kernels into numba's on-disk cache.

    Run it once after installing (a Docker build step, a CI job): the first job of each
    algorithm then loads its kernels instead of compiling them.  A second run only loads.
    """
    from graphmill.engine.precompile import compile_all

    results = compile_all(processes)
    failed = [line for r in results for line in r.failed]
    cases = sum(r.cases for r in results)
    slowest = max(r.seconds for r in results)
    click.echo(f"compiled {cases} algorithm cases in {len(results)} processes, {slowest:.1f} s")
    for line in failed:
        click.echo(f"failed: {line}", err=True)
    if failed:
        raise SystemExit(1)
