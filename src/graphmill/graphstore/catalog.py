"""The embedded store's catalog: spaces (schema, current version, counts) and accounts, in SQLite.

Each thread of each process keeps one connection (several processes share the file, in WAL
mode); writes take the lock up front (``BEGIN IMMEDIATE``).  Versions come from a counter per space
name that outlives ``drop``, so a (space, version) pair never names two different data sets.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphmill import errors
from graphmill.graphstore.base import PropDef, SpaceInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spaces (
    name TEXT PRIMARY KEY,
    vid_type TEXT NOT NULL,
    version INTEGER NOT NULL,
    tags_json TEXT NOT NULL,
    edges_json TEXT NOT NULL,
    vertex_count INTEGER NOT NULL,
    edge_counts_json TEXT NOT NULL,
    create_time_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS space_versions (
    name TEXT PRIMARY KEY,
    last_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    user TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    create_time_ms INTEGER NOT NULL
);
"""
_SPACE_COLUMNS = (
    "name, vid_type, version, tags_json, edges_json, vertex_count, edge_counts_json, create_time_ms"
)


def _schema_json(schemas: dict[str, tuple[PropDef, ...]]) -> str:
    # A list of pairs keeps the declaration order.
    return json.dumps([[name, [[p.name, p.type] for p in props]] for name, props in schemas.items()])


def _schema_from_json(text: str) -> dict[str, tuple[PropDef, ...]]:
    return {name: tuple(PropDef(p, t) for p, t in props) for name, props in json.loads(text)}


def _space(row: tuple[Any, ...]) -> SpaceInfo:
    name, vid_type, version, tags, edges, vertex_count, edge_counts, create_time_ms = row
    return SpaceInfo(
        name=name,
        vid_type=vid_type,
        version=version,
        tags=_schema_from_json(tags),
        edges=_schema_from_json(edges),
        vertex_count=vertex_count,
        edge_counts=dict(json.loads(edge_counts)),
        create_time_ms=create_time_ms,
    )


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        db = self._connection()
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use and kept.

        A connection per call cost about 1 ms (a small job reads the space twice): opening
        maps the WAL index, and closing the last one checkpoints and deletes the WAL.  Each
        statement still runs in its own transaction, so a kept connection sees every commit.
        A forked child opens its own (the pid is part of the key).
        """
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            local.pid = os.getpid()
        db: sqlite3.Connection = local.db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database lock from its start; commits unless it raises."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._connection().execute(sql, args).fetchall()

    # --- spaces ------------------------------------------------------------------------

    def get_space(self, name: str) -> SpaceInfo | None:
        rows = self._query(f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE name = ?", (name,))
        return _space(rows[0]) if rows else None

    def list_spaces(self) -> list[SpaceInfo]:
        return [_space(row) for row in self._query(f"SELECT {_SPACE_COLUMNS} FROM spaces ORDER BY name")]

    def next_version(self, name: str) -> int:
        """Reserve a fresh data version for ``name``."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO space_versions (name, last_version) VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET last_version = last_version + 1",
                (name,),
            )
            (version,) = db.execute(
                "SELECT last_version FROM space_versions WHERE name = ?", (name,)
            ).fetchone()
            return int(version)

    def put_space(self, info: SpaceInfo, *, replace: bool) -> SpaceInfo | None:
        """Make ``info`` the space's current entry; returns the entry it replaced."""
        with self._transaction() as db:
            rows = db.execute(f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE name = ?", (info.name,)).fetchall()
            old = _space(rows[0]) if rows else None
            if old is not None and not replace:
                raise space_exists(info.name)
            db.execute(
                f"INSERT OR REPLACE INTO spaces ({_SPACE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.name,
                    info.vid_type,
                    info.version,
                    _schema_json(info.tags),
                    _schema_json(info.edges),
                    info.vertex_count,
                    json.dumps(info.edge_counts),
                    info.create_time_ms,
                ),
            )
            return old

    def delete_space(self, name: str) -> SpaceInfo:
        with self._transaction() as db:
            rows = db.execute(f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE name = ?", (name,)).fetchall()
            if not rows:
                raise space_not_found(name)
            db.execute("DELETE FROM spaces WHERE name = ?", (name,))
            return _space(rows[0])

    # --- accounts ----------------------------------------------------------------------

    def password_hash(self, user: str) -> str | None:
        rows = self._query("SELECT password_hash FROM accounts WHERE user = ?", (user,))
        return str(rows[0][0]) if rows else None

    def has_accounts(self) -> bool:
        return bool(self._query("SELECT 1 FROM accounts LIMIT 1"))

    def put_account(
        self, user: str, password_hash: str, *, replace: bool, only_if_none: bool = False
    ) -> bool:
        """Store an account; False (and nothing stored) when ``only_if_none`` and accounts exist."""
        with self._transaction() as db:
            if only_if_none and db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone():
                return False
            exists = db.execute("SELECT 1 FROM accounts WHERE user = ?", (user,)).fetchone()
            if exists and not replace:
                raise errors.BadRequest(
                    f"account {user!r} already exists; use replace to change its password"
                )
            db.execute(
                "INSERT OR REPLACE INTO accounts (user, password_hash, create_time_ms) VALUES (?, ?, ?)",
                (user, password_hash, now_ms()),
            )
            return True

    def delete_account(self, user: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM accounts WHERE user = ?", (user,)).rowcount > 0

    def update_password_hash(self, user: str, old_hash: str, new_hash: str) -> None:
        """Swap a hash for a stronger one, unless the password changed meanwhile."""
        with self._transaction() as db:
            db.execute(
                "UPDATE accounts SET password_hash = ? WHERE user = ? AND password_hash = ?",
                (new_hash, user, old_hash),
            )


def space_not_found(name: str) -> errors.NotFound:
    return errors.NotFound(f"space '{name}' does not exist")


def space_exists(name: str) -> errors.BadRequest:
    return errors.BadRequest(f"space '{name}' already exists; import it with replace to overwrite it")
