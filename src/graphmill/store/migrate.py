"""Numbered SQL migrations (``migrations/NNNN_name.sql``), applied in order at start-up.

Each applied file is recorded in ``schema_migrations``; a file is applied in one
transaction together with its record, so a crash never leaves a half-applied step.
"""

from __future__ import annotations

import sqlite3
from importlib import resources


def migration_names() -> list[str]:
    folder = resources.files("graphmill.store") / "migrations"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not applied yet; return the names applied now."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    applied: list[str] = []
    folder = resources.files("graphmill.store") / "migrations"
    for name in migration_names():
        if name in done:
            continue
        script = (folder / name).read_text(encoding="utf-8")
        # executescript commits first; wrap the file and its record in one explicit transaction.
        conn.executescript(
            "BEGIN IMMEDIATE;\n"
            + script
            + f"\nINSERT INTO schema_migrations VALUES ('{name}', CAST(strftime('%s','now') AS INTEGER)*1000);"
            + "\nCOMMIT;"
        )
        applied.append(name)
    return applied
