"""The webhook allow-list as the service applies it: from GRAPHMILL_WEBHOOK_ALLOW to a save."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphmill.config import Settings
from graphmill.errors import Forbidden
from graphmill.service.core import Service
from graphmill.service.webhooks import check_allowed
from tests.service.conftest import ServiceMaker, unknown_task

ALLOW = ["https://hooks.example/team/a", "http://127.0.0.1:18080/"]


def test_the_allow_list_is_read_from_the_environment_as_a_json_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRAPHMILL_WEBHOOK_ALLOW", json.dumps(ALLOW))
    assert Settings(data_dir=tmp_path).webhook_allow == ALLOW


def test_by_default_no_webhook_is_allowed(service: Service) -> None:
    assert service.settings.webhook_allow == []
    with pytest.raises(Forbidden, match="GRAPHMILL_WEBHOOK_ALLOW"):
        service.create_workflow("w", {"tasks": [unknown_task()]}, "http://127.0.0.1:18080/x")
    wid, _ = service.create_workflow("w", {"tasks": [unknown_task()]}, "")
    assert service.get_workflow(wid).webhook == ""


@pytest.fixture
def hooked(make_service: ServiceMaker) -> Service:
    return make_service(webhook_allow=list(ALLOW))


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example/team/a/job-ended", "https://HOOKS.example:443/team/a", "http://127.0.0.1:18080"],
)
def test_an_allowed_webhook_is_stored_with_the_workflow_and_its_jobs(hooked: Service, url: str) -> None:
    wid, _ = hooked.create_workflow("w", {"tasks": [unknown_task()]}, url)
    assert hooked.get_workflow(wid).webhook == url
    job = hooked.add_job(wid, {})
    assert hooked.get_job(job).webhook == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://hooks.example/team/ab", "not allowed by configuration"),
        ("http://hooks.example/team/a", "not allowed by configuration"),
        ("https://hooks.example.evil/team/a", "not allowed by configuration"),
        ("https://user@hooks.example/team/a", "without a user name"),
        ("ftp://hooks.example/team/a", "must be an http\\(s\\) URL"),
        ("hooks.example/team/a", "must be an http\\(s\\) URL"),
    ],
)
def test_every_way_in_checks_the_allow_list(hooked: Service, url: str, why: str) -> None:
    with pytest.raises(Forbidden, match=why):
        hooked.create_workflow("w", {"tasks": [unknown_task()]}, url)
    wid, _ = hooked.create_workflow("w", {"tasks": [unknown_task()]})
    with pytest.raises(Forbidden, match=why):
        hooked.update_workflow(wid, None, None, url)
    with pytest.raises(Forbidden, match=why):
        hooked.add_job(wid, {}, webhook=url)
    assert hooked.get_workflow(wid).webhook == ""


def test_an_empty_webhook_means_none(hooked: Service) -> None:
    """(A webhook that is not a string is refused by the API's body model.)"""
    wid, _ = hooked.create_workflow("w", {"tasks": [unknown_task()]}, "")
    assert hooked.get_workflow(wid).webhook == ""
    assert hooked.get_job(hooked.add_job(wid, {}, webhook="")).webhook == ""


def test_an_empty_url_needs_no_permission() -> None:
    check_allowed("", [])
