"""Finding 6: bad input gets a 4xx with the envelope, on the same keep-alive connection (real server)."""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL
from tests.server.conftest import Server

ROOT = "Bearer " + base64.b64encode(b'["root","nebula"]').decode()
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("bad-input") / "data"
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    srv = Server(data_dir)
    srv.start()
    yield srv
    srv.stop()


class Conn:
    """One HTTP/1.1 connection; every request must come back on the same socket."""

    def __init__(self, server: Server) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.http.connect()
        self.sock = self.http.sock
        self.cookie = ""

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
        all_headers = {**JSON, **(headers or {})}
        if self.cookie:
            all_headers["Cookie"] = self.cookie
        self.http.request(method, path, body=data, headers=all_headers)
        response = self.http.getresponse()
        raw = response.read()
        if response.getheader("set-cookie"):
            self.cookie = response.getheader("set-cookie", "").split(";")[0]
        assert self.http.sock is self.sock, f"{method} {path}: the connection was not kept"
        assert response.getheader("connection", "").lower() != "close"
        return response.status, json.loads(raw)


@pytest.fixture
def fresh(live: Server) -> Iterator[Conn]:
    c = Conn(live)
    yield c
    c.http.close()


@pytest.fixture(scope="module")
def conn(live: Server) -> Iterator[Conn]:
    c = Conn(live)
    status, _ = c.request(
        "POST", "/api-open/v1/connect", {"address": "127.0.0.1", "port": 9669}, {"Authorization": ROOT}
    )
    assert status == 200
    yield c
    c.http.close()


def _nested(depth: int) -> bytes:
    return b'{"name":"deep","schema":' + b"[" * depth + b"]" * depth + b"}"


def _task(
    tid: str = "w", spec: dict[str, Any] | None = None, graphd: str = "127.0.0.1:9669"
) -> dict[str, Any]:
    return {
        "id": tid,
        "type": "analytics_pagerank",
        "spec": {"nebula_input_edges": "follow", "nebula_input_edges_props": "", **(spec or {})},
        "datasource": {"type": "nebula", "spec": {"space": "basketballplayer", "graphd": graphd}},
    }


def _filter(text: str) -> str:
    return "/api-open/v1/jobs?filter=" + quote(text)


BIG_INT = b"1" * 5000
CASES: list[tuple[str, str, str, Any]] = [
    ("superscript two as job id", "GET", "/api-open/v1/jobs/" + quote("²"), None),
    ("circled one as job id", "GET", "/api-open/v1/jobs/" + quote("①"), None),
    ("arabic-indic 12 as job id", "GET", "/api-open/v1/jobs/" + quote("١٢"), None),
    ("arabic-indic workflow id", "GET", "/api-open/v1/workflows/" + quote("١٢") + "/jobs", None),
    ("arabic-indic page", "GET", "/api-open/v1/jobs?page=" + quote("١٢"), None),
    ("page with 5000 digits", "GET", "/api-open/v1/jobs?page=" + "9" * 5000, None),
    ("job id 2^63", "GET", f"/api-open/v1/jobs/{2**63}", None),
    ("workflow id 10^19", "DELETE", f"/api-open/v1/workflows/{10**19}", None),
    ("filter 1e400", "GET", _filter('{"fromCreateTime":1e400}'), None),
    ("filter Infinity", "GET", _filter('{"toCreateTime":Infinity}'), None),
    ("filter 2^63", "GET", _filter(f'{{"fromCreateTime":{2**63}}}'), None),
    ("filter status 1e400", "GET", _filter('{"status":1e400}'), None),
    ("filter nested 1000", "GET", _filter("[" * 1000 + "]" * 1000), None),
    ("body nested 1000", "POST", "/api-open/v1/workflows", _nested(1000)),
    ("lone surrogate in name", "POST", "/api-open/v1/workflows", b'{"name":"\\ud800","schema":{"tasks":[]}}'),
    (
        "lone surrogate in task id",
        "POST",
        "/api-open/v1/workflows",
        b'{"schema":{"tasks":[{"id":"\\udfff","type":"analytics_pagerank"}]}}',
    ),
    (
        "integer over 4300 digits",
        "POST",
        "/api-open/v1/workflows",
        b'{"name":"n","schema":{"tasks":[]},"x":' + BIG_INT + b"}",
    ),
    (
        "iterations 10^30",
        "POST",
        "/api-open/v1/workflows",
        # Saving lists absurd values as problems (issue 14); a strict save refuses them.
        {"schema": {"tasks": [_task(spec={"iterations": str(10**30)})]}, "strict": True},
    ),
    (
        "iterations with 5000 digits",
        "POST",
        "/api-open/v1/workflows",
        {"schema": {"tasks": [_task(spec={"iterations": "9" * 5000})]}, "strict": True},
    ),
]


@pytest.mark.parametrize(("what", "method", "path", "body"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_4xx_on_a_kept_connection(
    conn: Conn, what: str, method: str, path: str, body: Any
) -> None:
    status, payload = conn.request(method, path, body)
    assert 400 <= status < 500, (what, status, payload)
    assert list(payload)[:3] == ["code", "data", "message"]
    assert payload["code"] // 100000 == status


def test_input_key_with_a_lone_surrogate(conn: Conn) -> None:
    status, payload = conn.request("POST", "/api-open/v1/workflows", {"schema": {"tasks": [_task()]}})
    assert status == 200, payload
    wid = payload["data"]["id"]
    status, payload = conn.request(
        "POST", f"/api-open/v1/workflows/{wid}/jobs", b'{"input":{"\\ud800":{"a":1}}}'
    )
    assert status == 400
    assert payload["code"] == 40004001


@pytest.mark.parametrize("graphd", ["127.0.0.1:99999", "a:b:c"])
def test_datasource_with_a_malformed_address(conn: Conn, graphd: str) -> None:
    """Saved as given (Explorer does not check it); a job is created and its task fails when it runs
    (issue 14), and a strict submission refuses it with a 4xx."""
    status, payload = conn.request(
        "POST", "/api-open/v1/workflows", {"schema": {"tasks": [_task(graphd=graphd)]}}
    )
    assert status == 200, payload
    wid = payload["data"]["id"]
    status, payload = conn.request("POST", f"/api-open/v1/workflows/{wid}/jobs", {"input": {}})
    assert status == 200, payload
    status, payload = conn.request(
        "POST", f"/api-open/v1/workflows/{wid}/jobs", {"input": {}, "strict": True}
    )
    assert 400 <= status < 500, payload
    assert payload["code"] // 100000 == status


def test_arabic_digits_do_not_name_job_12(conn: Conn) -> None:
    """``/jobs/١٢`` is refused as a parameter error, never read as job 12."""
    status, payload = conn.request("GET", "/api-open/v1/jobs/" + quote("١٢"))
    assert (status, payload["code"]) == (400, 40004001)


@pytest.mark.parametrize("port", [-1, 10**20, 0, "x", True])
def test_connect_with_an_impossible_port(fresh: Conn, port: Any) -> None:
    status, payload = fresh.request(
        "POST", "/api-open/v1/connect", {"address": "127.0.0.1", "port": port}, {"Authorization": ROOT}
    )
    assert (status, payload["code"]) == (400, 40004001)


@pytest.mark.parametrize("address", ["127.0.0.1:99999", "a:b:c"])
def test_connect_with_a_malformed_address(fresh: Conn, address: str) -> None:
    status, payload = fresh.request(
        "POST", "/api-open/v1/connect", {"address": address, "port": 9669}, {"Authorization": ROOT}
    )
    assert 400 <= status < 500
    assert payload["code"] // 100000 == status


def test_server_still_answers_after_bad_input(live: Server, fresh: Conn) -> None:
    """After all that the server still answers normally."""
    assert Path(live.data_dir, "graphmill.sqlite3").is_file()
    status, payload = fresh.request("GET", "/healthz")
    assert status == 200
    assert payload["data"] == {"status": "ok"}
