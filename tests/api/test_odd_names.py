"""Tag and edge type names with spaces and non-ASCII letters on the embedded store (issue 14, item 6):
imported from an nGQL script, named in nebula_input_edges and back-quoted in queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests.api.test_jobs import add_job, make_workflow
from tests.helpers import wait_job

SCRIPT = """
CREATE SPACE odd(vid_type = FIXED_STRING(8));
USE odd;
CREATE TAG `球员 tag`(`名 字` string);
CREATE EDGE `my edge`(`w eight` double);
CREATE EDGE 关注();
INSERT VERTEX `球员 tag`(`名 字`) VALUES "a":("Ann"), "b":("Bob"), "c":("Cy");
INSERT EDGE `my edge`(`w eight`) VALUES "a"->"b":(0.5), "b"->"c":(1.5);
INSERT EDGE 关注() VALUES "c"->"a":();
"""

DS = {"type": "nebula", "spec": {"type": "nebula", "space": "odd", "graphd": "127.0.0.1:9669"}}


def rows_of(client: TestClient, detail: dict[str, Any], index: int) -> list[list[Any]]:
    task_id = detail["tasks"][index]["id"]
    return list(
        client.get(f"/api-open/v1/jobs/{detail['id']}/tasks/{task_id}/result").json()["data"]["items"]
    )


def test_odd_names_in_queries_and_input_edges(client: TestClient, tmp_path: Path) -> None:
    script = tmp_path / "odd.ngql"
    script.write_text(SCRIPT, encoding="utf-8")
    service = client.app.state.service  # type: ignore[attr-defined]
    info = service.graphstore.import_ngql("odd", script)
    assert set(info.edges) == {"my edge", "关注"}
    query = {
        "id": "q",
        "name": "Query",
        "type": "nebula_ngql",
        "spec": {
            "ngql": "MATCH (v:`球员 tag`)-[e:`my edge`|关注]->(w) "
            "RETURN v.`球员 tag`.`名 字` AS who, type(e) AS t, properties(e).`w eight` AS w ORDER BY who;"
        },
        "graph": {"params": [], "output": []},
        "datasource": DS,
    }
    wcc = {
        "id": "wcc",
        "name": "WCC",
        "type": "analytics_wcc",
        "spec": {"nebula_input_edges": "`my edge`, 关注", "nebula_input_edges_props": ","},
        "datasource": DS,
    }
    detail = wait_job(client, add_job(client, make_workflow(client, [query, wcc])))
    assert detail["status"] == 2, client.get(f"/api-open/v1/jobs/{detail['id']}/progress").json()
    assert rows_of(client, detail, 0) == [
        ["Ann", "my edge", 0.5],
        ["Bob", "my edge", 1.5],
        ["Cy", "关注", None],
    ]
    components = {vid: c for vid, c in rows_of(client, detail, 1)}
    assert set(components) == {"a", "b", "c"}
    assert len(set(components.values())) == 1
