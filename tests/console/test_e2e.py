"""The web console end to end: a real Chromium against a real `graphmill serve` on loopback."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.console.conftest import shot
from tests.helpers import nebula_task
from tests.scheduler.test_cancel import long_task, write_big_graph
from tests.server.conftest import Server

pytestmark = [pytest.mark.server, pytest.mark.browser]

QUERY = "MATCH (v:player)-[e:follow]->(v2:player) WHERE v.player.age > ${min_age} RETURN id(v) AS src, id(v2) AS dst"


def job_id_of(page: Any, previous: int | None = None) -> int:
    page.wait_for_url(
        lambda url: re.search(r"#/jobs/\d+$", url) is not None and not url.endswith(f"/{previous}")
    )
    return int(page.url.rsplit("/", 1)[1])


def wait_status(page: Any, text: str, timeout_ms: int = 60_000) -> None:
    page.get_by_test_id("job-status").filter(has_text=text).wait_for(timeout=timeout_ms)


def test_login_is_required_and_checked(browser_context: Any, console_server: Server) -> None:
    """Without the cookie the console shows the login form; a wrong password is refused in place."""
    tab = browser_context.new_page()
    browser_context.clear_cookies()
    tab.goto(console_server.url + "/#/jobs")
    tab.get_by_role("heading", name="Log in to graphmill").wait_for()
    shot(tab, "login")
    tab.get_by_label("Password").fill("wrong")
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("alert").filter(has_text="wrong user name or password").wait_for()
    tab.get_by_label("Password").fill("nebula")
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("heading", name="Jobs").wait_for()  # back where it was going
    assert any(c["name"] == "explorer_token" for c in browser_context.cookies())
    tab.get_by_role("button", name="Log out").click()
    tab.get_by_role("heading", name="Log in to graphmill").wait_for()
    assert not any(c["name"] == "explorer_token" for c in browser_context.cookies())
    tab.close()


def build_chain_on_canvas(page: Any) -> int:
    page.once("dialog", lambda d: d.accept("chain"))
    page.get_by_role("button", name="New workflow").click()
    page.wait_for_url(re.compile(r".*#/workflows/\d+$"))
    wid = int(page.url.rsplit("/", 1)[1])
    for label in ("Query (nGQL)", "PageRank", "WCC"):
        page.locator(".palette").get_by_role("button", name=label, exact=True).click()
    # The query: its text in the CodeMirror editor, and a declared ${min_age} parameter.
    page.locator('.react-flow__node[data-id="nebula_ngql_1"]').click()
    editor = page.get_by_test_id("ngql-editor").locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    editor.fill(QUERY)
    page.get_by_role("button", name="Add parameter").click()
    page.get_by_label("parameter 1 name").fill("min_age")
    page.get_by_label("parameter min_age default").fill("30")
    # Query → PageRank by dragging handle to handle; PageRank → WCC from the inspector.
    page.locator('.react-flow__node[data-id="nebula_ngql_1"] .react-flow__handle-bottom').drag_to(
        page.locator('.react-flow__node[data-id="analytics_pagerank_2"] .react-flow__handle-top')
    )
    page.get_by_role("heading", name="Dependency").wait_for()
    page.locator('.react-flow__node[data-id="analytics_pagerank_2"]').click()
    page.get_by_label("Downstream component").select_option("analytics_wcc_3")
    page.get_by_role("button", name="Connect", exact=True).click()
    page.get_by_label("Destination column (dst)").select_option("1")  # vid → vid: every vertex its own edge
    page.get_by_role("button", name="Auto-layout").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved", exact=True).wait_for()
    shot(page, "canvas", dark=True)
    return wid


def test_build_run_watch_and_read_results(page: Any, api: httpx.Client, tmp_path: Path) -> None:
    """Query → PageRank → WCC on the canvas; run with an input; the job finishes live; table, chart, CSV."""
    wid = build_chain_on_canvas(page)
    schema = api.get(f"/api-open/v1/workflows/{wid}").json()["data"]["schema"]
    assert [t["type"] for t in schema["tasks"]] == ["nebula_ngql", "analytics_pagerank", "analytics_wcc"]
    assert schema["tasks"][0]["spec"]["ngql"] == QUERY
    assert schema["tasks"][0]["graph"]["params"] == [{"name": "min_age", "value": "30"}]
    assert [(d["src"], d["dst"], d["spec"]["input"]) for d in schema["deps"]] == [
        ("nebula_ngql_1", "analytics_pagerank_2", {"srcField": 1, "dstField": 2}),
        ("analytics_pagerank_2", "analytics_wcc_3", {"srcField": 1, "dstField": 1}),
    ]
    assert schema["tasks"][1]["datasource"] == {"type": "hdfs", "spec": {"type": "dependence"}}

    page.get_by_role("button", name="Run…").click()
    field = page.get_by_role("dialog").get_by_label(re.compile(r"min_age"))
    assert field.input_value() == "30"
    field.fill("35")
    page.get_by_role("dialog").get_by_role("button", name="Run", exact=True).click()
    job_id = job_id_of(page)
    wait_status(page, "Success")
    shot(page, "job", dark=True, uhd=True)
    job = api.get(f"/api-open/v1/jobs/{job_id}").json()["data"]
    assert job["status"] == 2
    first = page.get_by_test_id("task-nebula_ngql_1")
    assert "Success" in first.inner_text()
    assert page.locator(".react-flow__node .gm-node.st-2").count() == 3  # the DAG coloured by status

    # The query ran with the input, not the default: every source is older than 35.
    query_task = job["tasks"][0]["id"]
    rows = api.get(f"/api-open/v1/jobs/{job_id}/tasks/{query_task}/result", params={"limit": 1000}).json()
    assert rows["data"]["total"] > 0

    page.get_by_role("tab", name="PageRank").click()
    table = page.get_by_test_id("result-table")
    table.wait_for()
    pr_task = job["tasks"][1]["id"]
    first_page = api.get(f"/api-open/v1/jobs/{job_id}/tasks/{pr_task}/result").json()["data"]
    total, score = first_page["total"], first_page["columns"][-1]
    assert f"{total} rows" in page.locator(".panel").filter(has=table).inner_text()
    table.get_by_role("button", name=re.compile(f"^{score}")).click()  # sort by score, highest first
    page.wait_for_function("document.querySelector('[data-testid=result-table] th[aria-sort=descending]')")
    best = api.get(
        f"/api-open/v1/jobs/{job_id}/tasks/{pr_task}/result_sorted",
        params={"sort": score, "order": "desc", "limit": 1},
    ).json()["data"]["items"][0]
    table.locator("tbody tr").first.filter(has_text=str(best[0])).wait_for()
    shot(page, "results-table")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    downloaded = Path(info.value.path()).read_text()
    served = api.get(f"/api-open/v1/jobs/{job_id}/tasks/{pr_task}/result", params={"format": "csv"}).text
    assert downloaded == served
    assert len(list(csv.reader(io.StringIO(downloaded)))) == total + 1

    page.get_by_role("tab", name="Chart").click()
    chart = page.get_by_test_id("result-chart")
    chart.get_by_role("img", name=re.compile("^Top")).wait_for()
    chart.get_by_role("img", name=re.compile(f"^Distribution of {score}")).wait_for()
    shot(page, "results-chart")
    page.get_by_role("tab", name="Graph").click()
    page.get_by_text(re.compile(r"\d+ vertices, \d+ edges")).wait_for()
    shot(page, "results-graph")


BFS_IMPORT = {
    "name": "imported_bfs",
    "schema": {
        "tasks": [
            nebula_task("wcc", "analytics_wcc", "WCC", {}),
            {
                **nebula_task("bfs", "analytics_bfs", "BFS", {"root": "${start}"}),
                "graph": {"params": [{"name": "start"}], "input": [], "output": []},
            },
        ],
        "deps": [],
    },
}


def test_import_run_and_rerun_from_failure(page: Any, api: httpx.Client, tmp_path: Path) -> None:
    """An Explorer workflow file is imported and run; its failed job reruns from failure with a new input."""
    path = tmp_path / "imported_bfs.json"
    path.write_text(json.dumps(BFS_IMPORT))
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.wait_for_url(re.compile(r".*#/workflows/\d+$"))
    page.locator('.react-flow__node[data-id="bfs"]').wait_for()
    page.get_by_role("button", name="Run…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Run", exact=True).click()  # ${start} has no default: refused
    dialog.locator("label").filter(has_text="start").get_by_role("alert").filter(
        has_text="no value"
    ).wait_for()
    dialog.get_by_label(re.compile(r"start")).fill("nobody")
    page.get_by_role("dialog").get_by_role("button", name="Run", exact=True).click()
    failed = job_id_of(page)
    wait_status(page, "Failed")
    page.get_by_test_id("logs").filter(has_text="nobody").wait_for()

    page.get_by_role("button", name="Rerun from failure…").click()
    field = page.get_by_role("dialog").get_by_label(re.compile(r"start"))
    assert field.input_value() == "nobody"  # the failed job's input, prefilled
    field.fill("player100")
    page.get_by_role("dialog").get_by_role("button", name="Run", exact=True).click()
    rerun = job_id_of(page, previous=failed)
    assert rerun != failed
    wait_status(page, "Success")
    page.get_by_text(f"rerun of job {failed}").wait_for()
    page.get_by_test_id("task-wcc").filter(has_text="result kept from the earlier job").wait_for()
    progress = api.get(f"/api-open/v1/jobs/{rerun}/progress").json()["data"]
    reused = {t["taskId"]: bool(t["reusedFrom"]) for t in progress["tasks"]}
    assert reused == {"wcc": True, "bfs": False}


def test_cancel_a_long_job(page: Any, api: httpx.Client, console_server: Server) -> None:
    """Cancel on the job page stops a running job, which the page shows reaching Interrupted."""
    path = write_big_graph(console_server.data_dir / "files")
    wid = api.post("/api-open/v1/workflows", json={"name": "long", "schema": {"tasks": [long_task(path)]}})
    job_id = api.post(f"/api-open/v1/workflows/{wid.json()['data']['id']}/jobs", json={}).json()["data"]["id"]
    page.goto(page.url.split("#")[0] + f"#/jobs/{job_id}")
    wait_status(page, "Running")
    page.get_by_role("progressbar").wait_for()
    page.get_by_role("button", name="Cancel").click()
    wait_status(page, "Interrupted", timeout_ms=20_000)
    assert api.get(f"/api-open/v1/jobs/{job_id}").json()["data"]["status"] == 4


def test_restore_an_old_version(page: Any, api: httpx.Client) -> None:
    """The history page compares two versions side by side and restores the old one as the newest."""
    pr = nebula_task("pr", "analytics_pagerank", "PageRank", {"iterations": "10"})
    wid = api.post("/api-open/v1/workflows", json={"name": "v_one", "schema": {"tasks": [pr]}}).json()[
        "data"
    ]["id"]
    pr2 = {**pr, "spec": {**pr["spec"], "iterations": "20"}}
    assert (
        api.put(f"/api-open/v1/workflows/{wid}", json={"name": "v_two", "schema": {"tasks": [pr2]}}).json()[
            "code"
        ]
        == 0
    )
    page.goto(page.url.split("#")[0] + f"#/workflows/{wid}/versions")
    page.get_by_test_id("version-1").wait_for()
    diff = page.get_by_label("Side-by-side diff")
    diff.locator(".del").filter(has_text='"iterations": "10"').wait_for()
    diff.locator(".add").filter(has_text='"iterations": "20"').wait_for()
    shot(page, "versions")
    page.get_by_test_id("version-1").get_by_role("button", name="Restore").click()
    page.get_by_test_id("version-3").wait_for()
    wf = api.get(f"/api-open/v1/workflows/{wid}").json()["data"]
    assert wf["name"] == "v_one"
    assert wf["schema"]["tasks"][0]["spec"]["iterations"] == "10"


def test_lists_and_server_pages(page: Any, api: httpx.Client) -> None:
    """Workflows search, the jobs list with a status filter, and the server page's spaces and health."""
    page.get_by_role("searchbox", name="Search workflows").fill("chain")
    page.get_by_role("link", name="chain").first.wait_for()
    expect(page.get_by_role("link", name="imported_bfs")).to_have_count(0)
    shot(page, "workflows")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    page.get_by_label("Status").select_option("Failed")
    expect(page.locator("tbody tr")).to_have_count(1)  # the one failed job of this module
    expect(page.locator("tbody tr")).to_contain_text("Failed")
    page.get_by_label("Status").select_option("")
    shot(page, "jobs")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Server").click()
    page.get_by_test_id("health").filter(has_text="ok").wait_for()
    space = page.get_by_test_id("space-basketballplayer")
    space.filter(has_text="81 vertices").wait_for()
    assert "follow · 81" in space.inner_text()
    page.get_by_role("cell", name="analytics_pagerank").wait_for()
    shot(page, "server")
