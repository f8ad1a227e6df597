"""Fake cluster, whole path: a workflow whose address maps to a cluster runs its query and its
write-back on that cluster (HTTP → planning → worker process → nebula3-python objects), never on
the embedded store.

The fakes travel to the worker inside the cluster's config (``NebulaClusterConfig.clients``),
pickled: what the worker sends lands in the worker's copy of the fake cluster, so the tests
read what happened from the job's result and logs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.config import Settings
from graphmill.graphstore.clusters import normalize_address
from tests.api.test_jobs import add_job, make_workflow
from tests.helpers import copy_tree, login, wait_job
from tests.nebula.conftest import ADDRESS, nba_space

if TYPE_CHECKING:
    from tests.nebula.fakes import FakeCluster

CLUSTER_DS = {"type": "nebula", "spec": {"type": "nebula", "space": "nba", "graphd": ADDRESS}}


@pytest.fixture
def cluster() -> FakeCluster:
    from tests.nebula.fakes import FakeCluster

    fake = FakeCluster()
    fake.spaces["nba"] = nba_space()
    return fake


@pytest.fixture
def app(tmp_path: Path, basketball_graph_dir: Path, cluster: FakeCluster) -> Iterator[TestClient]:
    from tests.nebula.fakes import FakeClients

    data = tmp_path / "d"
    copy_tree(basketball_graph_dir, data / "graph")
    (data / "graphmill.toml").write_text(
        f'[[nebula]]\naddress = "{ADDRESS}"\ngraphd = ["{ADDRESS}"]\nmetad = ["10.0.0.1:9559"]\n'
        'user = "root"\npassword = "nebula"\n'
    )
    with TestClient(create_app(Settings(data_dir=data))) as client:
        graphs = client.app.state.service.graphs  # type: ignore[attr-defined]
        key = normalize_address(ADDRESS)
        graphs.clusters[key] = dataclasses.replace(graphs.clusters[key], clients=FakeClients(cluster))
        login(client)
        yield client


def logs_of(client: TestClient, detail: dict[str, Any], index: int = 0) -> list[str]:
    task_id = detail["tasks"][index]["id"]
    items = client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{task_id}/logs").json()["data"]["items"]
    return [str(line["message"]) for line in items]


def query_task(ngql: str, params: list[str]) -> dict[str, Any]:
    return {
        "id": "query_1",
        "name": "Query",
        "type": "nebula_ngql",
        "spec": {"ngql": ngql},
        "graph": {"params": [{"name": p} for p in params], "output": [{"name": "anything at all"}]},
        "datasource": CLUSTER_DS,
    }


def test_query_runs_on_the_cluster_with_placeholders_as_literals(
    app: TestClient, cluster: FakeCluster
) -> None:
    """The query goes to the cluster (not the embedded store, which has no space 'nba'), with
    ${start} written as a string literal; the result keeps the cluster's column names."""
    sent = 'GO FROM "player100" OVER `follow` YIELD dst(edge) AS id, properties(edge).degree AS `度`;'
    cluster.query_results[sent] = (["id", "度"], [["player101", 95], ["player102", None]])
    ngql = "GO FROM ${start} OVER `follow` YIELD dst(edge) AS id, properties(edge).degree AS `度`;"
    wid = make_workflow(app, [query_task(ngql, ["start"])])
    detail = wait_job(app, add_job(app, wid, {"input": {"query_1": {"start": "player100"}}}))
    assert detail["status"] == 2, logs_of(app, detail)
    result = app.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{detail['tasks'][0]['id']}/result").json()[
        "data"
    ]
    assert result["items"] == [["player101", 95], ["player102", None]]
    logs = logs_of(app, detail)
    assert any(f"of NebulaGraph at {ADDRESS}" in line for line in logs)
    assert any("columns id, 度" in line for line in logs)


def test_a_query_the_cluster_refuses_fails_the_task_with_its_message(
    app: TestClient, cluster: FakeCluster
) -> None:
    """A cluster's refusal is the task's failure, quoted in its log."""
    ngql = 'GO FROM "player100" OVER nope YIELD dst(edge) AS id'
    cluster.query_results[ngql] = "SemanticError: `nope', only support one edge type"
    wid = make_workflow(app, [query_task(ngql, [])])
    detail = wait_job(app, add_job(app, wid))
    assert detail["status"] == 3
    assert any("SemanticError: `nope', only support one edge type" in line for line in logs_of(app, detail))


def test_pagerank_scans_the_cluster_and_writes_back_to_it(app: TestClient) -> None:
    """An algorithm on the cluster: edges by the storage scan, results written back by INSERT VERTEX."""
    task = {
        "id": "pr",
        "name": "PageRank",
        "type": "analytics_pagerank",
        "spec": {"nebula_input_edges": "follow", "nebula_input_edges_props": "", "iterations": "5"},
        "datasource": CLUSTER_DS,
        "datasink": {"type": "nebula", "spec": {"tag": "algo", "prop": "pagerank", "type": "double"}},
    }
    detail = wait_job(app, add_job(app, make_workflow(app, [task])))
    assert detail["status"] == 2, logs_of(app, detail)
    logs = logs_of(app, detail)
    vertices = 11  # the fake's follow edges touch 11 distinct players
    assert any(
        line.startswith(f"wrote {vertices} vertices back to tag algo(pagerank) of space nba on {ADDRESS}")
        for line in logs
    ), logs
