"""Who may read and manage what, decided by AccessControl on a real metadata store (no HTTP).

A user sees their own workflows, those shared with them and the jobs of both; manages only
what they own; admins see and manage everything; what is hidden answers as missing.
"""

from __future__ import annotations

import asyncio

import pytest

from graphmill.auth.tokens import Principal
from graphmill.errors import BadRequest, Forbidden, JobNotFound, NotFound, ParamError, Unauthorized
from graphmill.service.access import Action
from graphmill.service.core import Service
from graphmill.service.workflows import Page
from graphmill.store.base import JobFilter
from graphmill.types import JobId, WorkflowId
from tests.service.conftest import ServiceMaker, unknown_task

ADDRESS = "127.0.0.1:9669"


def principal(service: Service, name: str, role: str = "user") -> Principal:
    account = service.store.ensure_account(name, role)
    return Principal(name, ADDRESS, account.token_epoch, account.role)


def owned_workflow(service: Service, owner: str) -> tuple[WorkflowId, JobId]:
    wid, _ = service.create_workflow(f"{owner}s", {"tasks": [unknown_task()]}, owner=owner)
    return wid, service.add_job(wid, {}, owner=owner)


def check_both(service: Service, who: Principal, wid: WorkflowId, job: JobId, action: Action) -> None:
    """Raises unless ``who`` may ``action`` both the workflow and its job."""
    service.access.check_workflow(who, wid, action)
    service.access.check_job(who, job, action)


def test_owner_reads_and_manages_a_stranger_sees_nothing(service: Service) -> None:
    alice, bob = principal(service, "alice"), principal(service, "bob")
    wid, job = owned_workflow(service, "alice")
    check_both(service, alice, wid, job, "manage")
    with pytest.raises(NotFound, match="does not exist"):
        service.access.check_workflow(bob, wid, "read")
    with pytest.raises(JobNotFound, match="does not exist"):
        service.access.check_job(bob, job, "read")
    assert service.access.visible_to(bob) == "bob"
    listed, total = service.list_workflows(None, Page(1, 50), visible_to=service.access.visible_to(bob))
    assert (listed, total) == ([], 0)


def test_sharing_lets_read_but_not_manage(service: Service) -> None:
    alice, bob = principal(service, "alice"), principal(service, "bob")
    wid, job = owned_workflow(service, "alice")
    service.access.share(alice, wid, ["bob"], None)
    assert service.access.access_of(wid) == {"owner": "alice", "sharedWith": ["bob"]}
    check_both(service, bob, wid, job, "read")
    with pytest.raises(Forbidden, match="only its owner"):
        service.access.check_workflow(bob, wid, "manage")
    with pytest.raises(Forbidden, match="belongs to alice"):
        service.access.check_job(bob, job, "manage")
    # A shared user cannot pass the workflow on, nor take it back from others.
    principal(service, "carol")
    with pytest.raises(Forbidden):
        service.access.share(bob, wid, ["carol"], None)
    service.access.share(alice, wid, None, ["bob"])
    with pytest.raises(NotFound):
        service.access.check_workflow(bob, wid, "read")


def test_a_job_started_on_a_shared_workflow_is_its_starters(service: Service) -> None:
    alice, bob = principal(service, "alice"), principal(service, "bob")
    wid, _ = owned_workflow(service, "alice")
    service.access.share(alice, wid, ["bob"], None)
    bobs_job = service.add_job(wid, {}, owner="bob")
    service.access.check_job(bob, bobs_job, "manage")
    service.access.check_job(alice, bobs_job, "manage")  # the workflow's owner keeps control
    service.access.share(alice, wid, None, ["bob"])
    service.access.check_job(bob, bobs_job, "manage")  # unsharing does not take the job away


def test_admin_sees_and_manages_everything(service: Service) -> None:
    admin = principal(service, "boss", "admin")
    wid, job = owned_workflow(service, "alice")
    check_both(service, admin, wid, job, "manage")
    assert service.access.visible_to(admin) is None
    jobs, total = service.list_jobs(JobFilter(), Page(1, 50))
    assert total == 1
    assert jobs[0].owner == "alice"


def test_missing_things_are_left_to_the_use_case(service: Service) -> None:
    """A workflow that does not exist passes the check: the endpoint reports it as missing."""
    bob = principal(service, "bob")
    check_both(service, bob, 424242, 424242, "manage")
    with pytest.raises(NotFound):
        service.access.access_of(424242)


@pytest.mark.parametrize("names", [[""], ["ok", ""], [f"user{i}" for i in range(1001)]])
def test_share_refuses_what_is_not_a_list_of_names(service: Service, names: list[str]) -> None:
    """(A value that is not a list of strings is refused by the API's body model.)"""
    alice = principal(service, "alice")
    wid, _ = owned_workflow(service, "alice")
    with pytest.raises(ParamError, match="list of account names"):
        service.access.share(alice, wid, names, None)


def test_share_refuses_unknown_accounts_and_changes_nothing(service: Service) -> None:
    alice = principal(service, "alice")
    principal(service, "bob")
    wid, _ = owned_workflow(service, "alice")
    with pytest.raises(ParamError, match="no such account: ghost"):
        service.access.share(alice, wid, ["bob", "ghost"], None)
    assert service.access.access_of(wid)["sharedWith"] == []


def test_login_token_carries_the_role_and_dies_with_the_account(make_service: ServiceMaker) -> None:
    # No account cache: the revocation is seen by the very next request.
    service = make_service(account_cache_s=0)
    token = asyncio.run(service.connect("root", "nebula", "127.0.0.1", "9669", "test-client"))
    who = service.authenticate(token)
    assert (who.user, who.address, who.is_admin) == ("root", ADDRESS, True)
    service.store.revoke_tokens("root")
    with pytest.raises(Unauthorized, match="revoked"):
        service.authenticate(token)
    assert service.store.delete_account("root")
    with pytest.raises(Unauthorized, match="does not exist"):
        service.authenticate(token)


def test_wrong_password_is_refused(service: Service) -> None:
    with pytest.raises(BadRequest, match="wrong user name or password"):
        asyncio.run(service.connect("root", "wrong", "127.0.0.1", 9669, "test-client"))
