"""Fixtures for the file-system layer: a files root and an S3 server (moto) on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty files root."""
    path = tmp_path / "files"
    path.mkdir()
    return path
