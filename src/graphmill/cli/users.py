"""``graphmill user …``: accounts, their roles and passwords (run beside or without a server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graphmill.cli.options import DATA_DIR, fail

if TYPE_CHECKING:
    from graphmill.service.accounts import AccountAdmin

_ROLE = click.Choice(["admin", "user"])


_PASSWORD = click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="GRAPHMILL_PASSWORD"
)


@contextmanager
def _admin(data_dir: Path) -> Iterator[AccountAdmin]:
    from graphmill.config import Settings
    from graphmill.errors import GraphmillError
    from graphmill.graphstore.embedded import EmbeddedGraphStore
    from graphmill.service.accounts import AccountAdmin
    from graphmill.store.sqlite import SQLiteStore

    settings = Settings.model_validate({"data_dir": data_dir})
    store = SQLiteStore(settings.metadata_db_path)
    try:
        yield AccountAdmin(EmbeddedGraphStore(settings.graph_dir), store)
    except GraphmillError as exc:
        fail(exc)
    finally:
        store.close()


@click.group()
def user() -> None:
    """Accounts: admin sees and manages everything, user their own and what is shared with them."""


@user.command("add")
@click.argument("name")
@_PASSWORD
@click.option("--role", type=_ROLE, default=None, help="admin or user [default: user; kept with --replace].")
@click.option("--replace", is_flag=True, help="Change an existing account (its tokens are revoked).")
@DATA_DIR
def user_add(name: str, password: str, role: str | None, replace: bool, data_dir: Path) -> None:
    """Add an account (or change its password and role with --replace)."""
    with _admin(data_dir) as admin:
        account = admin.add(name, password, role, replace=replace)
    click.echo(f"account {account.name} saved (role {account.role})")


@user.command("passwd")
@click.argument("name")
@_PASSWORD
@DATA_DIR
def user_passwd(name: str, password: str, data_dir: Path) -> None:
    """Set an account's password; its tokens stop working at once."""
    with _admin(data_dir) as admin:
        admin.set_password(name, password)
    click.echo(f"password of {name} changed; its earlier tokens are revoked")


@user.command("role")
@click.argument("name")
@click.argument("role", type=_ROLE)
@DATA_DIR
def user_role(name: str, role: str, data_dir: Path) -> None:
    """Make an account an admin or a user."""
    with _admin(data_dir) as admin:
        admin.set_role(name, role)
    click.echo(f"{name} is now {role}")


@user.command("delete")
@click.argument("name")
@DATA_DIR
def user_delete(name: str, data_dir: Path) -> None:
    """Delete an account; its tokens stop working, its workflows and jobs stay (for admins)."""
    with _admin(data_dir) as admin:
        admin.delete(name)
    click.echo(f"account {name} deleted")


@user.command("list")
@DATA_DIR
def user_list(data_dir: Path) -> None:
    """Accounts and their roles."""
    with _admin(data_dir) as admin:
        for account in admin.list():
            click.echo(f"{account.name}\t{account.role}")
