"""Managing accounts from the command line: the password where it is checked (the embedded
store), the role and the token epoch in the metadata store."""

from __future__ import annotations

from graphmill.errors import BadRequest, NotFound, ParamError
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.models import ROLES, Account
from graphmill.store.base import MetadataStore


class AccountAdmin:
    def __init__(self, graphstore: EmbeddedGraphStore, store: MetadataStore) -> None:
        self.graphstore = graphstore
        self.store = store

    def add(self, name: str, password: str, role: str | None, *, replace: bool = False) -> Account:
        """Create an account (role ``user`` unless given), or with ``replace`` change its
        password (revoking its tokens) and, if given, its role."""
        if role is not None and role not in ROLES:
            raise ParamError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        self.graphstore.ensure_default_account()
        existed = self.store.get_account(name) is not None
        if existed and not replace:
            raise BadRequest(f"account {name!r} already exists; use --replace to change it")
        self.graphstore.add_account(name, password, replace=replace)
        account = self.store.ensure_account(name, role or "user")
        if role is not None and account.role != role:
            self.store.set_role(name, role)
        if existed:
            self.store.revoke_tokens(name)
        return self._get(name)

    def set_password(self, name: str, password: str) -> Account:
        """A new password; every token issued before stops working."""
        self._get(name)
        self.graphstore.add_account(name, password, replace=True)
        self.store.revoke_tokens(name)
        return self._get(name)

    def set_role(self, name: str, role: str) -> Account:
        self._get(name)
        self.store.set_role(name, role)
        return self._get(name)

    def delete(self, name: str) -> None:
        """Remove the account and its password; its tokens stop working, its workflows stay."""
        in_store = self.graphstore.delete_account(name)
        if not self.store.delete_account(name) and not in_store:
            raise NotFound(f"no account {name!r}")

    def list(self) -> list[Account]:
        return self.store.list_accounts()

    def _get(self, name: str) -> Account:
        account = self.store.get_account(name)
        if account is None:
            raise NotFound(f"no account {name!r}")
        return account
