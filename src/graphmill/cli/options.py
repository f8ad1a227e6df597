"""Options and error reporting shared by several commands.

Options for server settings are :class:`SettingOption`\\ s: their defaults, environment
variables and help come from :class:`graphmill.config.Settings`, the one configuration source.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


class SettingOption(click.Option):
    """An option for one field of :class:`graphmill.config.Settings`.

    Its default and its environment variable are the setting's own: the option passes
    nothing when it is not given, and Settings applies ``GRAPHMILL_*`` and the default.
    The help text reads both from Settings when it is shown, so ``graphmill --help``
    stays light and no default is written twice.
    """

    def __init__(self, *args: Any, setting: str, env: str | None = None, **kwargs: Any) -> None:
        kwargs.update(default=None, show_default=False)
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.env = env or f"GRAPHMILL_{setting.upper()}"

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from graphmill.config import Settings

        record = super().get_help_record(ctx)
        if record is None:
            return None
        field = Settings.model_fields[self.setting]
        default = field.get_default(call_default_factory=True)
        shown = "" if default is None else f"default: {default}; "
        return record[0], f"{record[1]}  [{shown}env {self.env}]".strip()


def setting_option(*names: str, setting: str, **kwargs: Any) -> Callable[[Any], Any]:
    return click.option(*names, cls=SettingOption, setting=setting, **kwargs)


def _data_dir(ctx: click.Context, param: click.Parameter, given: Path | None) -> Path:
    """``--data-dir``, else GRAPHMILL_DATA_DIR, else the default: what the server would use."""
    from graphmill.config import load_settings

    return given if given is not None else load_settings().data_dir


DATA_DIR = setting_option(
    "--data-dir",
    setting="data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    callback=_data_dir,
    help="Holds the metadata database, the embedded graph store and the files root.",
)


def fail(exc: Exception) -> None:
    """Report a graphmill error as one line and exit 2; anything else is a bug: re-raised."""
    from graphmill.errors import GraphmillError

    if isinstance(exc, GraphmillError):
        click.echo(f"error: {exc.detail or exc.name} ({exc.code} {exc.name})", err=True)
        sys.exit(2)
    raise exc
