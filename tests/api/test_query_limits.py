"""Issue 8 (2a) through HTTP: a saved query with an absurd count answers at once, naming the bound."""

from __future__ import annotations

import resource

from starlette.testclient import TestClient

from tests.helpers import login

HUGE_GO = 'GO 100000000 STEPS FROM "player100" OVER follow YIELD dst(edge)'


def test_saving_a_huge_go_answers_at_once(client: TestClient) -> None:
    """Through HTTP: the saved query's problem names the bound (saving never hangs or balloons)."""
    login(client)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    task = {
        "id": "q",
        "name": "Query",
        "type": "nebula_ngql",
        "spec": {"ngql": HUGE_GO},
        "graph": {"params": [], "output": []},
        "datasource": {
            "type": "nebula",
            "spec": {"type": "nebula", "space": "basketballplayer", "graphd": "127.0.0.1:9669"},
        },
    }
    r = client.post("/api-open/v1/workflows", json={"name": "huge", "schema": {"tasks": [task]}})
    assert "step count of GO … STEPS is 100000000" in r.text
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 256 * 1024  # KiB
