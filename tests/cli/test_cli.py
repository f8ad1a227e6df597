from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphmill.cli.main import cli
from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_space_import_ngql_then_replace(runner: CliRunner, tmp_path: Path) -> None:
    """The nGQL importer creates NAME; a second import needs --replace and bumps the version."""
    args = ["space", "import", "bb", str(BASKETBALL_NGQL), "--data-dir", str(tmp_path)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "81 vertices" in first.output
    assert "follow 81" in first.output
    assert "serve 152" in first.output
    again = runner.invoke(cli, args)
    assert again.exit_code == 2
    assert "replace" in again.output
    replaced = runner.invoke(cli, [*args, "--replace"])
    assert replaced.exit_code == 0
    assert "version 2" in replaced.output
    listed = runner.invoke(cli, ["space", "list", "--data-dir", str(tmp_path)])
    assert listed.output.startswith("bb\tvid_type=string\tversion=2")


def test_space_import_csv_dir_from_env(runner: CliRunner, tmp_path: Path) -> None:
    """A CSV folder imports too; GRAPHMILL_DATA_DIR sets the data dir."""
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("player", "team", "follow", "serve"):
        (folder / f"{name}.csv").write_bytes((DATA / "basketballplayer" / f"{name}.csv").read_bytes())
    result = runner.invoke(
        cli, ["space", "import", "bb", str(folder)], env={"GRAPHMILL_DATA_DIR": str(tmp_path / "d")}
    )
    assert result.exit_code == 0, result.output
    info = EmbeddedGraphStore(tmp_path / "d" / "graph").get_space("bb")
    assert info.vertex_count == 81
    assert info.edge_counts == {"follow": 81, "serve": 152}


def test_user_add(runner: CliRunner, tmp_path: Path) -> None:
    """user add stores a hashed account that then verifies; the default root account exists too."""
    result = runner.invoke(cli, ["user", "add", "alice", "--password", "s3cret", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    store = EmbeddedGraphStore(tmp_path / "graph")
    assert store.verify_account("alice", "s3cret")
    assert not store.verify_account("alice", "wrong")
    assert store.verify_account("root", "nebula")
    dup = runner.invoke(cli, ["user", "add", "alice", "--password", "x", "--data-dir", str(tmp_path)])
    assert dup.exit_code == 2


def test_serve_options_come_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every serve option can be set with GRAPHMILL_*: the server's settings get them."""
    captured = {}
    import graphmill.server
    from graphmill.config import load_settings

    # The settings are made while the environment is set, as the server makes them.
    monkeypatch.setattr(
        graphmill.server, "run", lambda **kw: captured.update(load_settings(**kw).model_dump())
    )
    env = {
        "GRAPHMILL_PORT": "7100",
        "GRAPHMILL_DATA_DIR": str(tmp_path),
        "GRAPHMILL_MAX_RUNNING_JOBS": "2",
        "GRAPHMILL_FILES_ROOT": str(tmp_path / "f"),
        "GRAPHMILL_HOST": "127.0.0.1",
    }
    result = CliRunner().invoke(cli, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    assert captured["port"] == 7100
    assert captured["max_running_jobs"] == 2
    assert captured["data_dir"] == tmp_path
    assert captured["files_root"] == tmp_path / "f"


@pytest.mark.server
def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    """`python -m graphmill demo` serves, runs the sample job over HTTP and prints results."""
    out = subprocess.run(
        [sys.executable, "-m", "graphmill", "demo", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "ended with status 2 (Success)" in out.stdout
    assert "first rows of PageRank" in out.stdout
    assert "first rows of WCC" in out.stdout
