"""The embedded graph store: NebulaGraph-like spaces on a laptop, in LadybugDB + Parquet.

Layout under ``root``::

    catalog.sqlite3                       spaces (schema, current version, counts), accounts
    spaces/<space>/v<version>/db          the LadybugDB database (see ``ladybug_build``)
    spaces/<space>/v<version>/edges/<edge>.parquet     src, dst, rank, properties
    spaces/<space>/v<version>/vertices/<tag>.parquet   vid, properties

(a tag or edge type that is not a plain file name is written ``=`` + its UTF-8 in hex).

Every import builds a new version in ``v<version>.building``, renames it to ``v<version>``,
then switches the catalog entry in one transaction, and only then deletes the old version's
folder (a failure to delete is logged and otherwise ignored).  A reader that looked up the
space before the switch keeps seeing complete old files until that deletion; one that looks
it up after sees the new version.  The LadybugDB file is only ever opened for the duration of
:meth:`EmbeddedGraphStore.open_connection`: LadybugDB allows one read-write handle per file
across processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import ladybug
import pyarrow as pa
import pyarrow.parquet as pq
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphmill import errors
from graphmill.formats.names import file_stem
from graphmill.formats.vid import VidType
from graphmill.formats.writeback import WriteBackRequest
from graphmill.graphstore.base import EdgeFile, GraphStore, SpaceInfo
from graphmill.graphstore.catalog import Catalog, now_ms, space_exists, space_not_found
from graphmill.graphstore.csv_import import read_csv_dir
from graphmill.graphstore.ladybug_build import build_database
from graphmill.graphstore.model import SpaceData, check_name, edge_requests
from graphmill.graphstore.ngql_import import parse_ngql_file

log = logging.getLogger(__name__)

#: NebulaGraph's out-of-the-box account.
DEFAULT_USER = "root"
DEFAULT_PASSWORD = "nebula"
_DB_FILE = "db"


#: Runs a query component's nGQL on an embedded store (``graphmill.query.run_query``).  Injected:
#: the query layer sits above the stores, so a store cannot import it.
QueryRunner: TypeAlias = Callable[["EmbeddedGraphStore", str, str, Mapping[str, object]], pa.Table]


class EmbeddedGraphStore(GraphStore):
    """A :class:`~graphmill.graphstore.base.GraphStore` kept in a folder."""

    def __init__(
        self,
        root: Path,
        *,
        password_hasher: PasswordHasher | None = None,
        query_runner: QueryRunner | None = None,
    ) -> None:
        self.root = root
        self._query_runner = query_runner
        (root / "spaces").mkdir(parents=True, exist_ok=True)
        self._catalog = Catalog(root / "catalog.sqlite3")
        self._hasher = password_hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    # --- spaces ------------------------------------------------------------------------

    def list_spaces(self) -> list[SpaceInfo]:
        return self._catalog.list_spaces()

    def get_space(self, name: str) -> SpaceInfo:
        info = self._catalog.get_space(name)
        if info is None:
            raise space_not_found(name)
        return info

    # --- queries and results -------------------------------------------------------------

    def run_query(self, space: str, ngql: str, params: Mapping[str, object]) -> pa.Table:
        """Run nGQL through the injected query runner (translated to Cypher for LadybugDB)."""
        if self._query_runner is None:
            raise errors.TaskFailed("this embedded store was opened without a query runner")
        return self._query_runner(self, space, ngql, params)

    def write_rows(self, space: str, table: pa.Table, request: WriteBackRequest) -> int:
        """Results as tag properties (see :mod:`graphmill.graphstore.writeback`)."""
        from graphmill.graphstore.writeback import write_rows  # it builds on this module

        return write_rows(self, space, table, request)

    def version_dir(self, info: SpaceInfo) -> Path:
        """The folder of the space's data at ``info.version``."""
        return self.root / "spaces" / info.name / f"v{info.version}"

    def edge_files(
        self, space: str, edge_types: Sequence[str], weight_props: Sequence[str | None]
    ) -> list[EdgeFile]:
        info = self.get_space(space)
        files: list[EdgeFile] = []
        for request in edge_requests(info, edge_types, weight_props):
            path = self.version_dir(info) / "edges" / f"{file_stem(request.edge_type)}.parquet"
            rows = info.edge_counts.get(request.edge_type, 0)
            files.append(EdgeFile(request.edge_type, path, request.column, rows))
        return files

    def vertex_files(self, space: str) -> dict[str, Path]:
        """Per tag, the Parquet snapshot of its vertices (columns ``vid`` and the properties)."""
        info = self.get_space(space)
        return {tag: self.version_dir(info) / "vertices" / f"{file_stem(tag)}.parquet" for tag in info.tags}

    def import_ngql(self, name: str, path: Path, *, replace: bool = False) -> SpaceInfo:
        """Import the nGQL script at ``path`` as space ``name`` (see ``ngql_import``)."""
        self._check_new(name, replace)
        return self.import_data(name, parse_ngql_file(name, path), replace=replace)

    def import_csv_dir(
        self, name: str, path: Path, *, replace: bool = False, vid_type: VidType | None = None
    ) -> SpaceInfo:
        """Import the folder of CSV files at ``path`` as space ``name`` (see ``csv_import``)."""
        self._check_new(name, replace)
        return self.import_data(name, read_csv_dir(path, vid_type=vid_type), replace=replace)

    def import_data(self, name: str, data: SpaceData, *, replace: bool = False) -> SpaceInfo:
        """Store ``data`` as a new version of space ``name``."""
        self._check_new(name, replace)
        data.validate()
        version = self._catalog.next_version(name)
        space_dir = self.root / "spaces" / name
        building = space_dir / f"v{version}.building"
        final = space_dir / f"v{version}"
        try:
            building.mkdir(parents=True)
            (building / "edges").mkdir()
            (building / "vertices").mkdir()
            for tag, table in data.vertices.items():
                pq.write_table(table, building / "vertices" / f"{file_stem(tag)}.parquet")
            for edge, table in data.edge_tables.items():
                pq.write_table(table, building / "edges" / f"{file_stem(edge)}.parquet")
            try:
                vertex_count = build_database(building / _DB_FILE, data)
            except RuntimeError as exc:  # what LadybugDB raises
                raise errors.DatabaseError(f"LadybugDB could not load space '{name}': {exc}") from exc
            os.replace(building, final)
            info = SpaceInfo(
                name=name,
                vid_type=data.vid_type,
                version=version,
                tags=dict(data.tags),
                edges=dict(data.edges),
                vertex_count=vertex_count,
                edge_counts={edge: table.num_rows for edge, table in data.edge_tables.items()},
                create_time_ms=now_ms(),
            )
            old = self._catalog.put_space(info, replace=replace)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            shutil.rmtree(final, ignore_errors=True)
            with contextlib.suppress(OSError):
                space_dir.rmdir()  # only if empty: a new space that failed
            raise
        if old is not None:
            self._remove_version(old)
        return info

    def update_schema(self, info: SpaceInfo) -> None:
        """Record a schema change made inside the current version (write-back adding a tag)."""
        current = self.get_space(info.name)
        if current.version != info.version:
            raise errors.DatabaseError(f"space '{info.name}' was replaced while it was being written")
        self._catalog.put_space(info, replace=True)

    def drop_space(self, name: str) -> None:
        """Remove the space and its files."""
        self._remove_version(self._catalog.delete_space(name))
        # Not empty when an import of the same name is under way: leave it.
        with contextlib.suppress(OSError):
            (self.root / "spaces" / name).rmdir()

    def _check_new(self, name: str, replace: bool) -> None:
        check_name("space", name)
        if not replace and self._catalog.get_space(name) is not None:
            raise space_exists(name)

    def _remove_version(self, info: SpaceInfo) -> None:
        folder = self.version_dir(info)
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not delete %s (space %r version %d): %s", folder, info.name, info.version, exc)

    @contextmanager
    def open_connection(self, space: str, *, read_only: bool = False) -> Iterator[ladybug.Connection]:
        """A LadybugDB connection on the space's current version, open for the ``with`` block only."""
        info = self.get_space(space)
        path = self.version_dir(info) / _DB_FILE
        if not path.is_file():  # replaced between the look-up and now: look again
            info = self.get_space(space)
            path = self.version_dir(info) / _DB_FILE
            if not path.is_file():
                raise errors.DatabaseError(
                    f"the database of space '{space}' (version {info.version}) is missing"
                )
        try:
            db = ladybug.Database(str(path), read_only=read_only)
        except RuntimeError as exc:
            raise errors.DatabaseError(f"cannot open the database of space '{space}': {exc}") from None
        try:
            conn = ladybug.Connection(db)
            try:
                yield conn
            finally:
                conn.close()
        finally:
            db.close()

    # --- accounts ----------------------------------------------------------------------

    def add_account(self, user: str, password: str, *, replace: bool = False) -> None:
        """Create an account, or change its password when ``replace``."""
        if not user:
            raise errors.ParamError("the user name is empty")
        self._catalog.put_account(user, self._hasher.hash(password), replace=replace)

    def delete_account(self, user: str) -> bool:
        """Remove an account; whether it existed."""
        return self._catalog.delete_account(user)

    def ensure_default_account(self) -> bool:
        """Create ``root``/``nebula`` when there is no account at all; whether it did."""
        if self._catalog.has_accounts():
            return False
        return self._catalog.put_account(
            DEFAULT_USER, self._hasher.hash(DEFAULT_PASSWORD), replace=False, only_if_none=True
        )

    def verify_account(self, user: str, password: str) -> bool:
        stored = self._catalog.password_hash(user)
        if stored is None:
            # Spend the same time as for a wrong password, so timing does not tell which users exist.
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash("graphmill-dummy-password")
            stored, user = self._dummy_hash, ""
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        if not user:
            return False
        if self._hasher.check_needs_rehash(stored):
            self._catalog.update_password_hash(user, stored, self._hasher.hash(password))
        return True
