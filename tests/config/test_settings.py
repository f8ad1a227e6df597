"""Settings are the one configuration source: documented, reachable from the CLI and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from graphmill.cli.main import cli
from graphmill.config import Settings, load_settings
from graphmill.fs import FsConfig

README = Path(__file__).resolve().parents[2] / "README.md"


def env_names() -> list[str]:
    """The environment variable of every setting, nested ones included."""
    names: list[str] = []
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += [f"GRAPHMILL_{name}_{sub}".upper() for sub in annotation.model_fields]
        elif name.startswith("aws_"):
            names.append(name.upper())
        elif name == "config_file":
            names.append("GRAPHMILL_CONFIG")
        else:
            names.append(f"GRAPHMILL_{name}".upper())
    return names


def test_every_setting_is_in_the_readme() -> None:
    """The README names the variable of each field of Settings (nested S3/HDFS ones too)."""
    text = README.read_text()
    missing = [name for name in env_names() if f"`{name}`" not in text]
    assert missing == []
    assert len(env_names()) > 25  # the walk above really found the nested and aliased fields


def test_documented_config_names_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """GRAPHMILL_CONFIG (as documented) and the older GRAPHMILL_CONFIG_FILE both set the cluster file."""
    monkeypatch.setenv("GRAPHMILL_CONFIG", str(tmp_path / "a.toml"))
    assert load_settings().config_file == tmp_path / "a.toml"
    monkeypatch.delenv("GRAPHMILL_CONFIG")
    monkeypatch.setenv("GRAPHMILL_CONFIG_FILE", str(tmp_path / "b.toml"))
    assert load_settings().config_file == tmp_path / "b.toml"
    assert load_settings(config_file=tmp_path / "c.toml").config_file == tmp_path / "c.toml"


def test_s3_and_hdfs_settings_are_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    """GRAPHMILL_S3_*, GRAPHMILL_HDFS_* and AWS_* reach the file-system configuration through Settings."""
    monkeypatch.setenv("GRAPHMILL_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("GRAPHMILL_S3_ALLOW_HTTP", "true")
    monkeypatch.setenv("GRAPHMILL_HDFS_USER", "hdfs-user")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-value")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    settings = load_settings()
    assert settings.s3.endpoint_url == "http://127.0.0.1:9000"
    config = FsConfig.from_settings(settings)
    assert (config.s3.endpoint_url, config.s3.allow_http, config.s3.region) == (
        "http://127.0.0.1:9000",
        True,
        "eu-west-1",
    )
    assert (config.s3.access_key, config.s3.secret_key, config.hdfs.user) == (
        "key",
        "s3cr3t-value",
        "hdfs-user",
    )
    assert "s3cr3t-value" not in repr(settings)


def test_cli_defaults_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --help` shows the Settings defaults and variables; an option not given passes nothing."""
    out = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200).output
    defaults = Settings.model_fields
    assert f"default: {defaults['port'].default}; env GRAPHMILL_PORT" in out
    assert (
        f"default: {defaults['max_tasks_per_workflow'].default}; env GRAPHMILL_MAX_TASKS_PER_WORKFLOW" in out
    )
    assert "--config FILE" in out
    assert "env GRAPHMILL_CONFIG]" in out
    seen: dict[str, object] = {}
    monkeypatch.setattr("graphmill.server.run", lambda **options: seen.update(options))
    result = CliRunner().invoke(cli, ["serve", "--config", "x.toml", "--port", "7010"])
    assert result.exit_code == 0, result.output
    assert seen["config_file"] == Path("x.toml")
    assert seen["port"] == 7010
    assert seen["max_tasks_per_workflow"] is None  # Settings applies GRAPHMILL_* and the default
    monkeypatch.setenv("GRAPHMILL_MAX_TASKS_PER_WORKFLOW", "7")
    assert load_settings(**seen).max_tasks_per_workflow == 7
