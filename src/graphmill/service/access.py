"""Who may do what: logins, the account behind each token, owners, roles and sharing.

Logins
    The account is decoded from the ``Authorization`` header before the body is read; failed
    logins are limited per account and per client address (:class:`LoginLimiter`), and the
    password is checked in a worker thread (at most ``login_hash_threads`` at a time), so a
    flood of logins never stalls the event loop.
Tokens
    A token names its account and the account's token epoch.  On every request the account
    is looked up (cached for ``account_cache_s``): a deleted account, an unknown one, or an
    epoch that has moved on (the password changed) makes the token invalid.
Owners and roles
    Workflows and jobs belong to the account that created them.  ``admin`` sees and manages
    everything; ``user`` sees their own workflows, those shared with them, and the jobs of
    both (plus jobs they started), and manages (changes, deletes, shares, cancels) only what
    they own.  What an account may not see answers exactly like what does not exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import anyio
import anyio.to_thread

from graphmill.auth.ratelimit import LoginLimiter
from graphmill.auth.tokens import Principal, TokenIssuer
from graphmill.config import Settings
from graphmill.errors import BadRequest, Forbidden, JobNotFound, NotFound, ParamError, Unauthorized
from graphmill.models import ADMIN, DEFAULT_OWNER
from graphmill.store.base import MetadataStore
from graphmill.types import JobId, WorkflowId

Action = Literal["read", "manage"]


class AccessControl:
    def __init__(
        self,
        settings: Settings,
        store: MetadataStore,
        tokens: TokenIssuer,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.logins = LoginLimiter(settings.login_max_failures, settings.login_window_s, clock=clock)
        self._hash_slots = anyio.CapacityLimiter(settings.login_hash_threads)
        self._cache_s = settings.account_cache_s
        self._clock = clock
        self._cache: dict[str, tuple[float, tuple[str, int] | None]] = {}

    # -- logging in --------------------------------------------------------------------------
    async def login(self, user: str, client: str, verify: Callable[[], bool], address: str) -> str:
        """A token for ``user`` if ``verify()`` (run in a worker thread) accepts the password."""
        mark = self.logins.admit(user, client)
        accepted = await anyio.to_thread.run_sync(verify, limiter=self._hash_slots)
        if not accepted:
            raise BadRequest("wrong user name or password")
        self.logins.succeeded(user, client, mark)
        # An account that logs in for the first time (e.g. of a cluster) becomes a user.
        account = self.store.ensure_account(user, ADMIN if user == DEFAULT_OWNER else "user")
        self._cache.pop(user, None)
        return self.tokens.issue(Principal(user, address, account.token_epoch))

    # -- each request ----------------------------------------------------------------------------
    def authenticate(self, token: str | None) -> Principal:
        principal = self.tokens.verify(token)
        state = self._account_state(principal.user)
        if state is None:
            raise Unauthorized("the account of this token does not exist: log in again")
        role, epoch = state
        if principal.epoch != epoch:
            raise Unauthorized("this token was revoked (the password changed): log in again")
        return Principal(principal.user, principal.address, principal.epoch, role)

    def _account_state(self, user: str) -> tuple[str, int] | None:
        now = self._clock()
        cached = self._cache.get(user)
        if cached is not None and now - cached[0] < self._cache_s:
            return cached[1]
        account = self.store.get_account(user)
        state = None if account is None else (account.role, account.token_epoch)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[user] = (now, state)
        return state

    # -- owners ------------------------------------------------------------------------------------
    @staticmethod
    def visible_to(principal: Principal | None) -> str | None:
        """The account whose view a list is limited to; None = everything (admins)."""
        return None if principal is None or principal.is_admin else principal.user

    def check_workflow(self, principal: Principal, workflow_id: WorkflowId, action: Action) -> None:
        """NotFound unless ``principal`` may ``action`` the workflow (a hidden one does not exist)."""
        owner = self.store.workflow_owner(workflow_id)
        if owner is None or principal.is_admin or owner == principal.user:
            return  # a missing workflow is reported by the endpoint itself
        if not self.store.is_shared_with(workflow_id, principal.user):
            raise NotFound(f"workflow {workflow_id} does not exist")
        if action == "manage":
            raise Forbidden(f"workflow {workflow_id} is shared with you: only its owner can change it")

    def check_job(self, principal: Principal, job_id: JobId, action: Action) -> None:
        owners = self.store.job_owners(job_id)
        if owners is None or principal.is_admin:
            return
        job_owner, workflow_owner, workflow_id = owners
        if principal.user in (job_owner, workflow_owner):
            return
        if not self.store.is_shared_with(workflow_id, principal.user):
            raise JobNotFound(f"job {job_id} does not exist")
        if action == "manage":
            raise Forbidden(f"job {job_id} belongs to {job_owner}: only its owner can change it")

    def access_of(self, workflow_id: WorkflowId) -> dict[str, object]:
        owner = self.store.workflow_owner(workflow_id)
        if owner is None:
            raise NotFound(f"workflow {workflow_id} does not exist")
        return {"owner": owner, "sharedWith": self.store.shared_with(workflow_id)}

    def share(
        self, principal: Principal, workflow_id: WorkflowId, add: list[str] | None, remove: list[str] | None
    ) -> None:
        self.check_workflow(principal, workflow_id, "manage")
        if self.store.workflow_owner(workflow_id) is None:
            raise NotFound(f"workflow {workflow_id} does not exist")
        names_add, names_remove = _names(add, "share"), _names(remove, "unshare")
        unknown = [n for n in names_add if self.store.get_account(n) is None]
        if unknown:
            raise ParamError(f"no such account: {', '.join(unknown)}")
        self.store.share_workflow(workflow_id, names_add, names_remove)


def _names(value: list[str] | None, field: str) -> list[str]:
    if value is None:
        return []
    if not all(value) or len(value) > 1000:
        raise ParamError(f"{field} must be a list of account names")
    return list(dict.fromkeys(value))
