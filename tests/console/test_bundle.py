"""The committed console bundle is built from the committed sources, and graphmill serves it."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "graphmill" / "web" / "static"
SOURCE_ROOTS = (
    "index.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
    "scripts",
    "src",
)


def sources_digest() -> str:
    """The same digest as web/scripts/stamp.mjs: sorted relative paths, each with its bytes."""
    paths: list[Path] = []
    for name in SOURCE_ROOTS:
        root = WEB / name
        paths.extend(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else paths.append(root)
    digest = hashlib.sha256()
    for rel in sorted(p.relative_to(WEB).as_posix() for p in paths):
        digest.update(rel.encode() + b"\0")
        digest.update((WEB / rel).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_bundle_was_built_from_these_sources() -> None:
    """Editing web/ without `make web` (which rebuilds and restamps) fails here."""
    stamp = (STATIC / "SOURCES.sha256").read_text().strip()
    assert stamp == sources_digest(), "web/ changed since the bundle was built: run `make web`"


def test_every_asset_has_its_gzip_twin() -> None:
    assets = [p for p in (STATIC / "assets").iterdir() if p.suffix in (".js", ".css")]
    assert assets
    for asset in assets:
        assert gzip.decompress((asset.parent / (asset.name + ".gz")).read_bytes()) == asset.read_bytes()
