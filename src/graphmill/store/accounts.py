"""Accounts (role, token epoch), owners and workflow sharing in the SQLite metadata store."""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from graphmill.errors import ParamError
from graphmill.models import ROLES, Account
from graphmill.types import JobId, WorkflowId

#: SQL condition: workflow ``w`` is visible to the account bound twice as ``?``.
WORKFLOW_VISIBLE = "(w.owner = ? OR w.id IN (SELECT workflow_id FROM workflow_shares WHERE user = ?))"
#: SQL condition on ``jobs``: the account (bound three times) started the job, owns its
#: workflow or has it shared.
JOB_VISIBLE = (
    "(owner = ? OR workflow_id IN (SELECT id FROM workflows WHERE owner = ?) "
    "OR workflow_id IN (SELECT workflow_id FROM workflow_shares WHERE user = ?))"
)


class _Executes(Protocol):
    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor: ...
    def _transaction(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[sqlite3.Cursor]: ...


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ParamError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


class AccountsMixin:
    """Mixed into :class:`~graphmill.store.sqlite.SQLiteStore`."""

    def get_account(self: _Executes, name: str) -> Account | None:
        row = self._exec("SELECT name, role, token_epoch FROM accounts WHERE name = ?", (name,)).fetchone()
        return None if row is None else Account(row[0], row[1], row[2])

    def ensure_account(self: _Executes, name: str, role: str) -> Account:
        """The account ``name``, created with ``role`` if it does not exist yet."""
        _check_role(role)
        self._exec(
            "INSERT OR IGNORE INTO accounts VALUES (?, ?, 1, CAST(strftime('%s','now') AS INTEGER) * 1000)",
            (name, role),
        )
        row = self._exec("SELECT name, role, token_epoch FROM accounts WHERE name = ?", (name,)).fetchone()
        return Account(row[0], row[1], row[2])

    def set_role(self: _Executes, name: str, role: str) -> None:
        _check_role(role)
        self._exec("UPDATE accounts SET role = ? WHERE name = ?", (role, name))

    def revoke_tokens(self: _Executes, name: str) -> None:
        """Every token issued to ``name`` so far stops working."""
        self._exec("UPDATE accounts SET token_epoch = token_epoch + 1 WHERE name = ?", (name,))

    def delete_account(self: _Executes, name: str) -> bool:
        """Remove the account (its tokens die with it); its workflows and jobs stay, for an admin."""
        cur = self._transaction(
            [
                ("DELETE FROM accounts WHERE name = ?", (name,)),
                ("DELETE FROM workflow_shares WHERE user = ?", (name,)),
            ]
        )[0]
        return cur.rowcount > 0

    def list_accounts(self: _Executes) -> list[Account]:
        rows = self._exec("SELECT name, role, token_epoch FROM accounts ORDER BY name").fetchall()
        return [Account(r[0], r[1], r[2]) for r in rows]

    def workflow_owner(self: _Executes, workflow_id: WorkflowId) -> str | None:
        row = self._exec("SELECT owner FROM workflows WHERE id = ?", (workflow_id,)).fetchone()
        return None if row is None else str(row[0])

    def job_owners(self: _Executes, job_id: JobId) -> tuple[str, str, WorkflowId] | None:
        """(job owner, workflow owner or "" when the workflow is gone, workflow id) of a job."""
        row = self._exec(
            "SELECT j.owner, coalesce(w.owner, ''), j.workflow_id FROM jobs j "
            "LEFT JOIN workflows w ON w.id = j.workflow_id WHERE j.id = ?",
            (job_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), int(row[2]))

    def is_shared_with(self: _Executes, workflow_id: WorkflowId, user: str) -> bool:
        row = self._exec(
            "SELECT 1 FROM workflow_shares WHERE workflow_id = ? AND user = ?", (workflow_id, user)
        ).fetchone()
        return row is not None

    def shared_with(self: _Executes, workflow_id: WorkflowId) -> list[str]:
        rows = self._exec(
            "SELECT user FROM workflow_shares WHERE workflow_id = ? ORDER BY user", (workflow_id,)
        ).fetchall()
        return [str(r[0]) for r in rows]

    def share_workflow(self: _Executes, workflow_id: WorkflowId, add: list[str], remove: list[str]) -> None:
        self._transaction(
            [("INSERT OR IGNORE INTO workflow_shares VALUES (?, ?)", (workflow_id, u)) for u in add]
            + [
                ("DELETE FROM workflow_shares WHERE workflow_id = ? AND user = ?", (workflow_id, u))
                for u in remove
            ]
        )
