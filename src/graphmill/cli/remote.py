"""Reaching a running server from the CLI: options, a stored login, output and exit codes.

Exit codes: 0 done; 1 the server refused (its code and message on stderr) or could not be
reached; 3 a waited-for job Failed; 4 it was Interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from graphmill.client import Client

DEFAULT_URL = "http://127.0.0.1:7002"


def login_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "graphmill" / "login.json"


def stored_login() -> dict[str, str]:
    try:
        data = json.loads(login_file().read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def store_login(url: str, token: str) -> Path:
    """Keep the token (never the password) for ``url``, readable by the owner only."""
    path = login_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url, "token": token}, f)
    return path


@dataclass(frozen=True)
class Remote:
    """Where a command goes and how it answers: the options every remote command shares."""

    url: str | None
    user: str | None
    password: str | None
    as_json: bool

    def session(self) -> contextlib.AbstractContextManager[Client]:
        return session(self.url, self.user, self.password)

    def emit(self, value: Any, text: Callable[[], str] | str) -> None:
        emit(self.as_json, value, text)


def remote(command: Callable[..., Any]) -> Callable[..., Any]:
    """--url, --user, --password (GRAPHMILL_URL, _USER, _PASSWORD) and --json, handed to the
    command as one ``remote: Remote`` argument."""

    @functools.wraps(command)
    def with_remote(url: str | None, user: str | None, password: str | None, as_json: bool, **kw: Any) -> Any:
        return command(remote=Remote(url, user, password, as_json), **kw)

    del with_remote.__wrapped__  # click must see the options' parameters, not the command's
    wrapped: Callable[..., Any] = with_remote
    for option in reversed(
        [
            click.option(
                "--url", default=None, envvar="GRAPHMILL_URL", help=f"server [default: {DEFAULT_URL}]"
            ),
            click.option(
                "--user", default=None, envvar="GRAPHMILL_USER", help="[default: stored login, or root]"
            ),
            click.option("--password", default=None, envvar="GRAPHMILL_PASSWORD", help="[default: nebula]"),
            click.option("--json", "as_json", is_flag=True, help="print JSON for scripts"),
        ]
    ):
        wrapped = option(wrapped)
    return wrapped


@contextlib.contextmanager
def session(url: str | None, user: str | None, password: str | None) -> Iterator[Client]:
    """A logged-in client; server errors become exit code 1 with the code on stderr."""
    from graphmill.client import ApiError, Client, ClientError

    saved = stored_login()
    url = (url or saved.get("url") or DEFAULT_URL).rstrip("/")
    try:
        with Client(url) as client:
            if user is None and password is None and saved.get("url") == url and saved.get("token"):
                client._http.cookies.set("explorer_token", saved["token"])
            else:
                client.connect(user or "root", "nebula" if password is None else password)
            yield client
    except (ApiError, ClientError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


def emit(as_json: bool, value: Any, text: Callable[[], str] | str) -> None:
    """JSON of ``value`` with --json, else the human text."""
    if as_json:
        click.echo(json.dumps(plain(value), indent=2, ensure_ascii=False))
    else:
        click.echo(text() if callable(text) else text)


def plain(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)


def parse_inputs(pairs: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``task.param=value`` pairs → ``{"task": {"param": "value"}}`` (a job's input)."""
    out: dict[str, dict[str, str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        task, dot, param = key.partition(".")
        if not sep or not dot or not task or not param:
            raise click.BadParameter(f"{pair!r}: write TASK.PARAM=VALUE", param_hint="--input")
        out.setdefault(task, {})[param] = value
    return out


def exit_for(status: int) -> int:
    """0 for Success; the job's status (3 Failed, 4 Interrupted) otherwise."""
    return 0 if status == 2 else status
