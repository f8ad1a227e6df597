"""The web console's extension endpoints (versions, job schema, sorted results and summaries, spaces,
neighbourhood, the job event feed, logout) and the static files at `/`."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from tests.api.test_jobs import add_job, make_workflow
from tests.helpers import DATA, login, nebula_task, wait_job
from tests.security.test_accounts import _cli, _login

STATIC = Path(__file__).resolve().parents[2] / "src" / "graphmill" / "web" / "static"
P = "/api-open/v1"


def pagerank() -> dict[str, Any]:
    return nebula_task("pr", "analytics_pagerank", "PageRank", {"iterations": "10"})


def test_versions_list_get_and_restore(client: TestClient) -> None:
    """Every save is a version; restoring v1 saves it again as the newest, history untouched."""
    wid = make_workflow(client, [pagerank()], name="first")
    second = {**pagerank(), "spec": {**pagerank()["spec"], "iterations": "20"}}
    assert (
        client.put(f"{P}/workflows/{wid}", json={"name": "second", "schema": {"tasks": [second]}}).json()[
            "code"
        ]
        == 0
    )
    listed = client.get(f"{P}/workflows/{wid}/versions").json()["data"]
    assert [(v["version"], v["name"], v["current"]) for v in listed["items"]] == [
        (2, "second", True),
        (1, "first", False),
    ]
    v1 = client.get(f"{P}/workflows/{wid}/versions/1").json()["data"]
    assert (v1["name"], v1["schema"]["tasks"][0]["spec"]["iterations"]) == ("first", "10")
    restored = client.post(f"{P}/workflows/{wid}/versions/1/restore").json()["data"]
    assert (restored["version"], restored["name"], restored["problems"]) == (3, "first", [])
    current = client.get(f"{P}/workflows/{wid}").json()["data"]
    assert current["schema"]["tasks"][0]["spec"]["iterations"] == "10"
    explorer_keys = ["id", "name", "schema", "createTime", "updateTime"]
    assert list(current)[:5] == explorer_keys  # Explorer's detail first, unchanged
    assert len(client.get(f"{P}/workflows/{wid}/versions").json()["data"]["items"]) == 3
    missing = client.get(f"{P}/workflows/{wid}/versions/9")
    assert (missing.status_code, missing.json()["code"]) == (404, 40404000)
    assert client.get(f"{P}/workflows/1/versions").json()["code"] == 40404000
    assert client.get(f"{P}/workflows/x/versions").json()["code"] == 40004001


def test_job_schema_sorted_result_and_summary(client: TestClient) -> None:
    bfs = nebula_task("bfs", "analytics_bfs", "BFS", {"root": "player100", "variant": "graphalytics"})
    wcc = nebula_task("wcc", "analytics_wcc", "WCC", {})
    wid = make_workflow(client, [pagerank(), bfs, wcc])
    job_id = add_job(client, wid)
    detail = wait_job(client, job_id)
    assert detail["status"] == 2
    pr_id, bfs_id, wcc_id = (t["id"] for t in detail["tasks"])

    meta = client.get(f"{P}/jobs/{job_id}/schema").json()["data"]
    assert (meta["workflowId"], meta["workflowVersion"]) == (str(wid), 1)
    assert meta["taskIds"] == {pr_id: "pr", bfs_id: "bfs", wcc_id: "wcc"}
    assert [t["id"] for t in meta["schema"]["tasks"]] == ["pr", "bfs", "wcc"]

    everything = client.get(f"{P}/jobs/{job_id}/tasks/{pr_id}/result", params={"limit": 1000}).json()["data"]
    score = everything["columns"][-1]
    by_score = sorted(everything["items"], key=lambda r: -r[-1])
    page = client.get(
        f"{P}/jobs/{job_id}/tasks/{pr_id}/result_sorted",
        params={"sort": score, "order": "desc", "offset": 2, "limit": 5},
    ).json()["data"]
    assert [r[-1] for r in page["items"]] == [r[-1] for r in by_score[2:7]]
    assert (page["total"], page["sort"], page["order"]) == (everything["total"], score, "desc")
    bad = client.get(f"{P}/jobs/{job_id}/tasks/{pr_id}/result_sorted", params={"sort": "nope"})
    assert (bad.status_code, bad.json()["code"]) == (400, 40004001)

    some = [everything["items"][0][0], everything["items"][5][0]]
    rows = client.get(
        f"{P}/jobs/{job_id}/tasks/{pr_id}/result_rows", params={"vids": ",".join([*some, "nobody"])}
    )
    assert sorted(rows.json()["data"]["items"]) == sorted(r for r in everything["items"] if r[0] in some)
    assert client.get(f"{P}/jobs/{job_id}/tasks/{pr_id}/result_rows").json()["code"] == 40004001

    top = client.get(
        f"{P}/jobs/{job_id}/tasks/{pr_id}/result_summary", params={"kind": "score", "top": 3}
    ).json()["data"]
    assert [row[1] for row in top["top"]] == [r[-1] for r in by_score[:3]]
    assert sum(top["histogram"]["counts"]) == everything["total"]

    components = client.get(f"{P}/jobs/{job_id}/tasks/{wcc_id}/result", params={"limit": 1000}).json()["data"]
    sizes: dict[Any, int] = {}
    for row in components["items"]:
        sizes[row[-1]] = sizes.get(row[-1], 0) + 1
    community = client.get(
        f"{P}/jobs/{job_id}/tasks/{wcc_id}/result_summary", params={"kind": "community"}
    ).json()
    assert community["data"]["communities"] == len(sizes)
    assert sum(size * n for size, n in community["data"]["sizes"]) == components["total"]

    depths = client.get(f"{P}/jobs/{job_id}/tasks/{bfs_id}/result", params={"limit": 1000}).json()["data"]
    summary = client.get(f"{P}/jobs/{job_id}/tasks/{bfs_id}/result_summary", params={"kind": "depth"}).json()[
        "data"
    ]
    assert sum(n for _, n in summary["depths"]) + summary["unreachable"] == depths["total"]
    assert summary["depths"][0][0] == 0  # the root, at depth 0
    wrong = client.get(f"{P}/jobs/{job_id}/tasks/{pr_id}/result_summary", params={"kind": "pie"}).json()
    assert wrong["code"] == 40004001


def test_spaces_and_neighbourhood(client: TestClient) -> None:
    spaces = client.get(f"{P}/spaces").json()["data"]["items"]
    (space,) = spaces
    assert (space["name"], space["vertexCount"], space["vidType"]) == ("basketballplayer", 81, "string")
    assert {e["name"]: e["count"] for e in space["edgeTypes"]} == {"follow": 81, "serve": 152}
    assert {t["name"] for t in space["tags"]} == {"player", "team"}
    assert client.get(f"{P}/spaces/basketballplayer").json()["data"] == space
    assert client.get(f"{P}/spaces/nope").json()["code"] == 40404000

    with (DATA / "basketballplayer" / "follow.csv").open() as fh:
        follow = [(r["src"], r["dst"]) for r in csv.DictReader(fh)]
    hood = client.get(
        f"{P}/spaces/basketballplayer/neighbourhood", params={"vids": "player100", "edges": "follow"}
    )
    data = hood.json()["data"]
    expected = sorted(e for e in follow if "player100" in e)
    assert sorted((e["src"], e["dst"]) for e in data["edges"]) == expected
    assert set(data["vertices"]) == {v for e in expected for v in e}
    assert data["truncated"] is False
    capped = client.get(
        f"{P}/spaces/basketballplayer/neighbourhood", params={"vids": "player100", "limit": 2}
    ).json()["data"]
    assert (len(capped["edges"]), capped["truncated"]) == (2, True)
    assert client.get(f"{P}/spaces/basketballplayer/neighbourhood").json()["code"] == 40004001


def test_job_feed_streams_status_changes(client: TestClient) -> None:
    """/job_events sends every job's status changes: the console's jobs list listens to it."""
    wid = make_workflow(client, [pagerank()])
    seen: list[dict[str, Any]] = []
    started = threading.Event()

    def submit_when_listening() -> None:
        started.wait(10)
        add_job(client, wid)

    threading.Thread(target=submit_when_listening, daemon=True).start()
    with client.stream("GET", f"{P}/job_events") as stream:
        for line in stream.iter_lines():
            started.set()
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["status"] == 2:
                    break
    assert [e["status"] for e in seen][-1] == 2
    assert {e["jobId"] for e in seen} == {seen[0]["jobId"]}


def test_extensions_need_the_token_and_logout_drops_it(anon: TestClient) -> None:
    for path in (
        "/spaces",
        "/job_events",
        "/workflows/1/versions",
        "/jobs/1/schema",
        "/spaces/x/neighbourhood",
    ):
        assert anon.get(P + path).json()["code"] == 40104000
    login(anon)
    assert anon.get(f"{P}/spaces").json()["code"] == 0
    r = anon.post(f"{P}/logout")
    assert r.json()["code"] == 0
    assert "explorer_token=;" in r.headers["set-cookie"]
    assert "Max-Age=0" in r.headers["set-cookie"]


def test_console_is_served_at_root(client: TestClient) -> None:
    """`/` is the console's page; its assets come gzipped when asked; the API's 404 stays the envelope."""
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    script = next(
        p.name for p in (STATIC / "assets").iterdir() if p.name.startswith("index-") and p.suffix == ".js"
    )
    assert f"/assets/{script}" in page.text
    js = client.get(f"/assets/{script}", headers={"accept-encoding": "gzip"})
    assert js.status_code == 200
    assert js.headers["content-encoding"] == "gzip"
    assert js.headers["content-type"].startswith("text/javascript")
    assert "immutable" in js.headers["cache-control"]
    assert js.content == (STATIC / "assets" / script).read_bytes()  # httpx undoes the gzip
    plain = client.get(f"/assets/{script}", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    missing = client.get("/assets/nope.js")
    assert (missing.status_code, missing.json()["code"]) == (404, 40404000)
    escape = client.get("/assets/..%2F..%2F__init__.py")
    assert escape.status_code == 404
    assert client.get("/api-open/v1/nothing").json()["code"] == 40404000


def test_console_extensions_respect_owners(data_dir: Path) -> None:
    """Another account sees neither alice's versions nor her jobs on the feed, and cannot restore."""
    _cli(data_dir, "add", "alice", "--password", "pw1")
    _cli(data_dir, "add", "bob", "--password", "pw2")
    with TestClient(
        create_app(Settings(data_dir=data_dir, account_cache_s=0)), base_url="http://127.0.0.1:7002"
    ) as app:
        alice, bob = _login(app, "alice", "pw1"), _login(app, "bob", "pw2")
        wid = make_workflow(alice, [pagerank()])
        assert alice.get(f"{P}/workflows/{wid}/versions").json()["code"] == 0
        assert bob.get(f"{P}/workflows/{wid}/versions").json()["code"] == 40404000
        assert bob.get(f"{P}/workflows/{wid}/versions/1").json()["code"] == 40404000
        assert bob.post(f"{P}/workflows/{wid}/versions/1/restore").json()["code"] == 40404000
        mine = make_workflow(bob, [pagerank()])
        seen: list[int] = []
        listening = threading.Event()

        def submit_both() -> None:
            listening.wait(10)
            wait_job(alice, add_job(alice, wid))
            add_job(bob, mine)

        threading.Thread(target=submit_both, daemon=True).start()
        with bob.stream("GET", f"{P}/job_events") as stream:
            for line in stream.iter_lines():
                listening.set()
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    seen.append(event["jobId"])
                    if event["status"] == 2:
                        break
        bob_jobs = {j["id"] for j in bob.get(f"{P}/jobs").json()["data"]["items"]}
        assert seen
        assert set(seen) <= bob_jobs  # alice's job ran first and never showed up
