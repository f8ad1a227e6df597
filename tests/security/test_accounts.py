"""Finding 4: tokens die with their account or password; owners, roles and sharing."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from graphmill.api.app import create_app
from graphmill.cli.main import cli
from graphmill.config import Settings
from graphmill.store.migrate import migration_names
from graphmill.store.sqlite import SQLiteStore
from tests.helpers import account_header

P = "/api-open/v1"


def _cli(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["user", *args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def app(data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=data_dir, account_cache_s=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:7002") as client:
        yield client


def _login(app: TestClient, user: str, password: str) -> TestClient:
    """A second client on the same app, logged in as ``user``."""
    client = TestClient(app.app, base_url="http://127.0.0.1:7002")
    r = client.post(
        f"{P}/connect", headers=account_header(user, password), json={"address": "127.0.0.1", "port": 9669}
    )
    assert r.status_code == 200, r.text
    # The header form (api.md §2), so the clients share no cookie jar by accident.
    client.headers["explorer_token"] = r.cookies["explorer_token"]
    client.cookies.clear()
    return client


def _workflow(client: TestClient, name: str) -> int:
    r = client.post(
        f"{P}/workflows",
        json={"name": name, "schema": {"tasks": [{"id": "x", "type": "analytics_nope", "spec": {}}]}},
    )
    assert r.status_code == 200, r.text
    return int(r.json()["data"]["id"])


def test_password_change_and_delete_revoke_tokens(app: TestClient, data_dir: Path) -> None:
    _cli(data_dir, "add", "alice", "--password", "pw1")
    alice = _login(app, "alice", "pw1")
    assert alice.get(f"{P}/jobs").status_code == 200
    _cli(data_dir, "passwd", "alice", "--password", "pw2")
    r = alice.get(f"{P}/jobs")
    assert (r.status_code, r.json()["code"]) == (401, 40104000)
    alice = _login(app, "alice", "pw2")
    assert alice.get(f"{P}/jobs").status_code == 200
    _cli(data_dir, "delete", "alice")
    assert alice.get(f"{P}/jobs").status_code == 401
    r = alice.post(
        f"{P}/connect", headers=account_header("alice", "pw2"), json={"address": "127.0.0.1", "port": 9669}
    )
    assert r.json()["code"] == 40004000


def test_token_of_an_unknown_user_is_refused(app: TestClient, data_dir: Path) -> None:
    """A correctly signed token naming an account that does not exist is refused."""
    secret = (data_dir / "secret.key").read_bytes()
    token = jwt.encode(
        {"sub": "ghost", "addr": "127.0.0.1:9669", "ep": 1, "exp": 2**40}, secret, algorithm="HS256"
    )
    r = app.get(f"{P}/jobs", headers={"explorer_token": token})
    assert (r.status_code, r.json()["code"]) == (401, 40104000)


def test_owners_roles_and_sharing(app: TestClient, data_dir: Path) -> None:
    _cli(data_dir, "add", "alice", "--password", "a")
    _cli(data_dir, "add", "bob", "--password", "b", "--role", "user")
    alice, bob, root = _login(app, "alice", "a"), _login(app, "bob", "b"), _login(app, "root", "nebula")
    wid = _workflow(alice, "alices")
    job = alice.post(f"{P}/workflows/{wid}/jobs", json={}).json()["data"]["id"]

    # bob sees nothing of alice's: her workflow and job look like they do not exist
    assert bob.get(f"{P}/workflows").json()["data"]["total"] == 0
    assert bob.get(f"{P}/jobs").json()["data"]["total"] == 0
    assert bob.get(f"{P}/workflows/{wid}").json()["code"] == 40404000
    assert bob.get(f"{P}/jobs/{job}").json()["code"] == 50004001
    assert bob.delete(f"{P}/workflows/{wid}").json()["code"] == 40404000
    assert bob.post(f"{P}/workflows/{wid}/jobs", json={}).json()["code"] == 40404000
    assert bob.put(f"{P}/jobs/{job}/cancel").json()["code"] == 50004001

    # the admin sees and manages all; the owner is an extension field
    assert root.get(f"{P}/jobs/{job}").status_code == 200
    assert root.get(f"{P}/workflows/{wid}/access").json()["data"] == {"owner": "alice", "sharedWith": []}
    assert root.get(f"{P}/jobs/{job}/access").json()["data"] == {"owner": "alice", "workflowId": str(wid)}
    assert root.get(f"{P}/account").json()["data"]["role"] == "admin"

    # shared: bob reads and runs it, but cannot change, delete or re-share it
    r = alice.put(f"{P}/workflows/{wid}/access", json={"share": ["bob"]})
    assert r.json()["data"] == {"owner": "alice", "sharedWith": ["bob"]}
    assert bob.get(f"{P}/workflows").json()["data"]["total"] == 1
    assert bob.get(f"{P}/jobs/{job}").status_code == 200
    bobs_job = bob.post(f"{P}/workflows/{wid}/jobs", json={}).json()["data"]["id"]
    assert alice.get(f"{P}/jobs/{bobs_job}/access").json()["data"]["owner"] == "bob"
    assert bob.put(f"{P}/workflows/{wid}", json={"name": "mine"}).status_code == 403
    assert bob.delete(f"{P}/workflows/{wid}").status_code == 403
    assert bob.put(f"{P}/workflows/{wid}/access", json={"share": ["bob"]}).status_code == 403
    assert alice.put(f"{P}/workflows/{wid}/access", json={"share": ["nobody"]}).json()["code"] == 40004001

    # unshared again: gone for bob, except the job he started himself
    alice.put(f"{P}/workflows/{wid}/access", json={"unshare": ["bob"]})
    assert bob.get(f"{P}/workflows/{wid}").json()["code"] == 40404000
    assert [j["id"] for j in bob.get(f"{P}/jobs").json()["data"]["items"]] == [bobs_job]
    assert root.delete(f"{P}/workflows/{wid}").json()["code"] == 0


def test_existing_data_migrates_to_the_admin(tmp_path: Path) -> None:
    """Workflows and jobs from before owners existed belong to root, the admin."""
    db = tmp_path / "graphmill.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL)")
    from importlib import resources

    folder = resources.files("graphmill.store") / "migrations"
    for name in [n for n in migration_names() if n < "0003"]:
        conn.executescript((folder / name).read_text())
        conn.execute("INSERT INTO schema_migrations VALUES (?, 0)", (name,))
    conn.execute(
        "INSERT INTO workflows (id, name, version, create_time_ms, update_time_ms) VALUES (7, 'old', 1, 0, 0)"
    )
    conn.execute("INSERT INTO workflow_versions VALUES (7, 1, 'old', '{}', 0)")
    conn.commit()
    conn.close()
    store = SQLiteStore(db)
    try:
        assert store.get_workflow(7).owner == "root"
        root = store.get_account("root")
        assert root is not None
        assert root.is_admin
    finally:
        store.close()


def test_cli_user_roles(data_dir: Path) -> None:
    _cli(data_dir, "add", "carol", "--password", "c", "--role", "admin")
    assert "carol\tadmin" in _cli(data_dir, "list")
    _cli(data_dir, "role", "carol", "user")
    assert "carol\tuser" in _cli(data_dir, "list")
    result = CliRunner().invoke(cli, ["user", "add", "carol", "--password", "x", "--data-dir", str(data_dir)])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_token_claims_carry_the_epoch(app: TestClient, data_dir: Path) -> None:
    token = _login(app, "root", "nebula").headers["explorer_token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["ep"] == 1
