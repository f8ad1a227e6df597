"""The CLI's remote commands against a real server: every command, --json, exit codes, stored login."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from graphmill.cli.main import cli
from tests.client.conftest import failing_schema, pagerank_schema, write_json
from tests.server.conftest import Server

pytestmark = pytest.mark.server


@pytest.fixture
def gmcli(live: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("GRAPHMILL_URL", live.url)
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == code, (args, result.output, result.stderr if result.stderr_bytes else "")
    return result


def as_json(runner: CliRunner, *args: str) -> object:
    return json.loads(run(runner, *args, "--json").stdout)


def test_workflow_commands(gmcli: CliRunner, tmp_path: Path) -> None:
    file = write_json(tmp_path / "pr.json", pagerank_schema())
    created = as_json(gmcli, "workflow", "import", str(file), "--name", "cli_pr")
    assert isinstance(created, dict)
    assert created["name"] == "cli_pr"
    wid = str(created["id"])
    listing = run(gmcli, "workflow", "list").stdout
    assert listing.splitlines()[0].split() == ["ID", "NAME", "UPDATED"]
    assert any(line.split()[:2] == [wid, "cli_pr"] for line in listing.splitlines())
    assert wid in {str(w["id"]) for w in as_json(gmcli, "workflow", "list")}  # type: ignore[attr-defined]
    shown = run(gmcli, "workflow", "show", wid).stdout
    assert "analytics_pagerank_1" in shown
    assert "analytics_louvain" in shown
    out = tmp_path / "export.json"
    run(gmcli, "workflow", "export", wid, "-o", str(out))
    exported = json.loads(out.read_text())
    assert exported["name"] == "cli_pr"
    assert exported["schema"] == pagerank_schema()
    again = as_json(gmcli, "workflow", "import", str(out))
    assert isinstance(again, dict)
    assert again["name"] == "cli_pr"
    assert again["id"] != created["id"]
    assert json.loads(run(gmcli, "workflow", "export", wid).stdout) == exported
    assert [v["version"] for v in as_json(gmcli, "workflow", "versions", wid)] == [1]  # type: ignore[attr-defined]
    run(gmcli, "workflow", "delete", wid)
    missing = run(gmcli, "workflow", "show", wid, code=1)
    assert "40404000 ErrNotFound" in missing.stderr


def test_run_wait_and_job_commands(gmcli: CliRunner, tmp_path: Path) -> None:
    file = write_json(tmp_path / "pr.json", pagerank_schema())
    ran = run(gmcli, "run", str(file), "--input", "analytics_pagerank_1.iterations=4", "--wait")
    assert "Success" in ran.stdout
    job_id = ran.stdout.split()[2]  # "started job N of workflow W"
    info = as_json(gmcli, "job", "show", job_id)
    assert isinstance(info, dict)
    assert info["status"] == 2
    assert len(info["tasks"]) == 2
    assert "PageRank" in run(gmcli, "job", "show", job_id).stdout
    listed = as_json(gmcli, "job", "list", "--status", "success")
    assert isinstance(listed, list)
    assert int(job_id) in {j["id"] for j in listed}
    assert all(j["status"] == 2 for j in listed)
    logs = run(gmcli, "job", "logs", job_id, "PageRank").stdout
    assert logs.strip()
    assert run(gmcli, "job", "logs", job_id, "-f").stdout.count("\n") > logs.count("\n")
    csv_file, pq_file = tmp_path / "pr.csv", tmp_path / "pr.parquet"
    run(gmcli, "job", "result", job_id, "PageRank", "--format", "csv", "-o", str(csv_file))
    lines = csv_file.read_text().splitlines()
    assert lines[0] == "VID,VALUE"
    assert len(lines) == 82
    run(gmcli, "job", "result", job_id, "analytics_pagerank_1", "--format", "parquet", "-o", str(pq_file))
    assert pq.read_table(pq_file).num_rows == 81
    rows = json.loads(run(gmcli, "job", "result", job_id, "PageRank", "--format", "json").stdout)
    assert len(rows) == 81
    assert set(rows[0]) == {"VID", "VALUE"}
    assert run(gmcli, "job", "result", job_id, "PageRank").stdout.splitlines() == lines
    assert "already ended" in run(gmcli, "job", "cancel", job_id).stdout
    assert run(gmcli, "job", "watch", job_id).stdout.strip().splitlines()[-1].startswith("[" + "#" * 30)
    rerun = run(gmcli, "job", "rerun", job_id, "--wait")
    assert "Success" in rerun.stdout


def test_failing_job_exit_codes(gmcli: CliRunner, tmp_path: Path) -> None:
    file = write_json(tmp_path / "bad.json", failing_schema())
    failed = run(gmcli, "run", str(file), "--wait", code=3)
    assert "Failed" in failed.stdout
    job_id = failed.stdout.split()[2]
    run(gmcli, "job", "watch", job_id, code=3)
    again = run(gmcli, "job", "rerun", job_id, "--from-failure", "--wait", "--json", code=3)
    assert json.loads(again.stdout)["status"] == 3
    assert "no result" in run(gmcli, "job", "result", job_id, "WCC", code=1).stderr
    assert "50004001" in run(gmcli, "job", "show", "98765", code=1).stderr
    bad_input = run(gmcli, "run", str(file), "--input", "oops", code=2)
    assert "TASK.PARAM=VALUE" in bad_input.stderr
    assert "neither a workflow id nor a file" in run(gmcli, "run", "nope.json", code=2).stderr
    wrong = run(gmcli, "job", "list", "--password", "bad", code=1)
    assert "40004000" in wrong.stderr


def test_algorithms_completion_and_stored_login(gmcli: CliRunner, live: Server, tmp_path: Path) -> None:
    table = run(gmcli, "algorithms").stdout
    assert "analytics_pagerank" in table
    assert table.splitlines()[0].split() == ["TYPE", "NAME", "GROUP"]
    pagerank = run(gmcli, "algorithms", "pagerank").stdout
    assert "iterations" in pagerank
    assert "damping" in pagerank
    assert "0.85" in pagerank
    assert as_json(gmcli, "algorithms", "analytics_pagerank")["type"] == "analytics_pagerank"  # type: ignore[index]
    assert run(gmcli, "algorithms", "nosuch", code=1).stderr
    assert "_GRAPHMILL_COMPLETE" in run(gmcli, "completion", "bash").stdout
    logged = run(gmcli, "login", "--url", live.url, "--user", "root", "--password", "nebula")
    stored = tmp_path / "config" / "graphmill" / "login.json"
    assert str(stored) in logged.stdout
    assert stored.stat().st_mode & 0o777 == 0o600
    assert "nebula" not in stored.read_text()
    # the stored token is used: a wrong default password would otherwise fail
    assert isinstance(as_json(gmcli, "job", "list"), list)
    run(gmcli, "logout")
    assert not stored.exists()
