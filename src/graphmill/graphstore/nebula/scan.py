"""Edge snapshots of a NebulaGraph cluster: the storage scan API into Parquet files, cached.

Read with the storage scan API (metad's partition map, then ``scan_edge_with_part`` per
partition, ``scan_partitions_parallel`` partitions at a time, ``scan_batch_size`` edges per
request, no partial success) and written batch by batch to a Parquet file with the embedded
store's columns: ``src``, ``dst``, ``rank`` and the weight property.  See the package
docstring for where the files live and how long they are reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from graphmill import errors
from graphmill.formats.vid import VidType
from graphmill.graphstore.base import EdgeFile, PropDef
from graphmill.graphstore.clusters import NebulaClusterConfig
from graphmill.graphstore.model import edge_schema
from graphmill.graphstore.nebula.client import NebulaClients, error_text, where
from graphmill.graphstore.nebula_ngql import prop_family
from graphmill.graphstore.nebula_values import FVAL, IVAL, SVAL

log = logging.getLogger(__name__)

_SNAPSHOT_NAME = re.compile(r"(?P<edge>.+)-(?P<key>[0-9a-f]{16})-(?P<ms>[0-9]+)\.parquet")


def _fs_name(name: str) -> str:
    """A file-name-safe form of a name or address (readable when it already is)."""
    if re.fullmatch(r"[A-Za-z0-9_.]+", name):
        return name
    return "x" + name.encode("utf-8").hex()


@dataclass(frozen=True)
class ScanTarget:
    space: str
    edge_type: str
    vid_type: VidType
    #: The property written as the weight column, or None (``_rank`` is the ``rank`` column).
    weight_prop: PropDef | None
    #: Properties asked of storage (see :func:`props_to_scan`).
    scan_props: tuple[str, ...]


def props_to_scan(props: Sequence[PropDef], weight: PropDef | None) -> tuple[str, ...]:
    """What to ask storage for: the weight, or one small property (an empty list means *all*)."""
    if weight is not None:
        return (weight.name,)
    if not props:
        return ()
    for prop in props:
        if prop_family(prop.type) in {"int", "float", "bool"}:
            return (prop.name,)
    return (props[0].name,)


def scan_batch_table(
    data: Any, vid_type: VidType, weight: PropDef | None, schema: pa.Schema, *, edge_type: str | None = None
) -> pa.Table:
    """One scanned ``DataSet`` (columns ``edge._src``, ``edge._type``, ``edge._rank``, ``edge._dst``,
    ``edge.<prop>`` …) as a table of ``schema`` (``src``, ``dst``, ``rank`` [, weight])."""
    index: dict[str, int] = {}
    for i, raw in enumerate(data.column_names):
        name = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        # ``<edge type>.<column>``; an edge type may itself hold dots (``my.edge``).
        if edge_type is not None and name.startswith(edge_type + "."):
            name = name[len(edge_type) + 1 :]
        else:
            name = name.split(".", 1)[-1]
        index.setdefault(name, i)
    wanted = ["_src", "_dst", "_rank"] + ([weight.name] if weight else [])
    absent = [c for c in wanted if c not in index]
    if absent:
        raise errors.TaskFailed(f"the scan returned no column {', '.join(absent)}")
    rows = data.rows
    isrc, idst, irank = index["_src"], index["_dst"], index["_rank"]
    vid_field = IVAL if vid_type == "int64" else SVAL
    try:
        src = _vids([r.values[isrc] for r in rows], vid_field)
        dst = _vids([r.values[idst] for r in rows], vid_field)
        columns = [
            pa.array(src, schema.field("src").type),
            pa.array(dst, schema.field("dst").type),
            pa.array([_number(r.values[irank], "_rank") for r in rows], pa.int64()),
        ]
        if weight is not None:
            iw = index[weight.name]
            columns.append(
                pa.array([_number(r.values[iw], weight.name) for r in rows], schema.field(weight.name).type)
            )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise errors.TaskFailed(f"scanned values do not fit the snapshot: {exc}") from exc
    return pa.Table.from_arrays(columns, schema=schema)


def _vids(values: list[Any], field: int) -> list[int | str]:
    out: list[int | str] = []
    for value in values:
        if value.field != field:
            raise errors.TaskFailed(f"a scanned vertex id is not {'an int' if field == IVAL else 'a string'}")
        if field == IVAL:
            out.append(value.value)
        else:
            raw = value.value
            try:
                # FIXED_STRING vids are padded with NUL bytes in storage: never part of an id.
                out.append(
                    raw.rstrip(b"\x00").decode("utf-8") if isinstance(raw, bytes) else raw.rstrip("\x00")
                )
            except UnicodeDecodeError:
                raise errors.TaskFailed(f"scanned vertex id {value.value!r} is not UTF-8 text") from None
    return out


def _number(value: Any, name: str) -> int | float | None:
    if value.field in (IVAL, FVAL):
        return value.value  # type: ignore[no-any-return]
    if value.field in (0, 1):  # empty, null
        return None
    raise errors.TaskFailed(f"scanned property {name} holds a non-numeric value")


class EdgeSnapshots:
    """The snapshot files of one cluster under ``cache_dir``, scanned when missing or stale."""

    def __init__(
        self,
        config: NebulaClusterConfig,
        cache_dir: Path,
        clients: NebulaClients,
        clock: Callable[[], float],
        account: Callable[[], tuple[str, str]],
    ) -> None:
        self.config = config
        self.cache_dir = cache_dir
        self._clients = clients
        self._clock = clock
        self._account = account

    def files(self, targets: Sequence[tuple[ScanTarget, str | None]]) -> list[EdgeFile]:
        """One file per (target, weight column name), reusing fresh snapshots."""
        files: list[EdgeFile] = []
        meta: Any = None
        try:
            for target, column in targets:
                cached = self._cached_snapshot(target)
                if cached is not None:
                    path, rows = cached
                else:
                    if meta is None:
                        meta = self._meta_cache()
                    path, rows = self._snapshot(meta, target)
                files.append(EdgeFile(target.edge_type, path, column, rows))
        finally:
            if meta is not None:
                with contextlib.suppress(Exception):
                    meta.close()
        return files

    def _snapshot_dir(self, target: ScanTarget) -> Path:
        # host:port → host_port (the port being digits, the last '_' splits them unambiguously).
        address = _fs_name(self.config.address.replace(":", "_"))
        return self.cache_dir / address / _fs_name(target.space)

    def _snapshot_key(self, target: ScanTarget) -> str:
        weight = target.weight_prop
        identity = [target.space, target.edge_type, target.vid_type, weight and [weight.name, weight.type]]
        return hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()[:16]

    def _snapshots(self, target: ScanTarget) -> list[tuple[int, Path]]:
        """This target's complete snapshot files as (scan start ms, path), newest first."""
        folder = self._snapshot_dir(target)
        key, edge = self._snapshot_key(target), _fs_name(target.edge_type)
        found: list[tuple[int, Path]] = []
        with contextlib.suppress(FileNotFoundError):
            for path in folder.iterdir():
                match = _SNAPSHOT_NAME.fullmatch(path.name)
                if match and match["key"] == key and match["edge"] == edge:
                    found.append((int(match["ms"]), path))
        return sorted(found, reverse=True)

    def _cached_snapshot(self, target: ScanTarget) -> tuple[Path, int] | None:
        ttl_ms = self.config.snapshot_ttl_s * 1000
        now_ms = self._clock() * 1000
        for started_ms, path in self._snapshots(target):
            if now_ms - started_ms < ttl_ms:
                try:
                    return path, pq.read_metadata(path).num_rows
                except (OSError, pa.ArrowException):
                    continue
        return None

    def _prune(self, target: ScanTarget, keep: Path) -> None:
        oldest_ms = (self._clock() - self.config.snapshot_keep_s) * 1000
        for started_ms, path in self._snapshots(target):
            if path != keep and started_ms < oldest_ms:
                try:
                    path.unlink()
                except OSError as exc:
                    log.warning("could not delete old snapshot %s: %s", path, exc)

    def _meta_cache(self) -> Any:
        if not self.config.metad:
            raise errors.TaskFailed(
                f"cannot scan edges of {where(self.config)}: its [[nebula]] entry names no metad hosts"
            )
        try:
            return self._clients.meta_cache(self.config)
        except Exception as exc:
            hosts = ", ".join(str(h) for h in self.config.metad)
            raise errors.TaskFailed(
                f"cannot reach the metad of {where(self.config)} ({hosts}): {error_text(exc)}"
            ) from exc

    def _snapshot(self, meta: Any, target: ScanTarget) -> tuple[Path, int]:
        started_ms = int(self._clock() * 1000)
        folder = self._snapshot_dir(target)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{_fs_name(target.edge_type)}-{self._snapshot_key(target)}-{started_ms}.parquet"
        final = folder / name
        partial = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            rows = self._scan_to(meta, target, partial)
            os.replace(partial, final)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        log.info(
            "%s: scanned %d edges of %s.%s into %s",
            where(self.config),
            rows,
            target.space,
            target.edge_type,
            final,
        )
        self._prune(target, final)
        return final, rows

    def _scan_to(self, meta: Any, target: ScanTarget, path: Path) -> int:
        """Scan every partition of the edge type into the Parquet file ``path``; the row count."""
        try:
            parts = sorted(meta.get_part_leaders(target.space))
        except Exception as exc:
            raise errors.TaskFailed(
                f"metad of {where(self.config)} has no partitions for space '{target.space}': {error_text(exc)}"
            ) from exc
        schema = edge_schema(target.vid_type, [target.weight_prop] if target.weight_prop else [])
        pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        for part in parts:
            pending.put(part)
        stop = threading.Event()
        lock = threading.Lock()
        written = [0]
        user, password = self._account()

        def scan_parts(writer: pq.ParquetWriter) -> None:
            try:
                client = self._clients.storage_client(self.config, meta)
            except Exception as exc:
                raise errors.TaskFailed(
                    f"cannot reach the storaged hosts of {where(self.config)}: {error_text(exc)}"
                ) from exc
            try:
                client.set_user_passwd(user, password)
                while not stop.is_set():
                    try:
                        part = pending.get_nowait()
                    except queue.Empty:
                        return
                    self._scan_part(client, target, part, schema, writer, lock, written, stop)
            finally:
                with contextlib.suppress(Exception):
                    client.close()

        workers = max(1, min(self.config.scan_partitions_parallel, len(parts)))
        with pq.ParquetWriter(path, schema) as writer, ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(scan_parts, writer) for _ in range(workers)]
            wait(futures, return_when=FIRST_EXCEPTION)
            stop.set()  # a failure stops the other threads at their next batch
            wait(futures)
            for future in futures:
                error = future.exception()
                if error is not None:
                    raise error
        return written[0]

    def _scan_part(
        self,
        client: Any,
        target: ScanTarget,
        part: int,
        schema: pa.Schema,
        writer: pq.ParquetWriter,
        lock: threading.Lock,
        written: list[int],
        stop: threading.Event,
    ) -> None:
        what = f"scanning {target.space}.{target.edge_type} partition {part} on {where(self.config)}"
        try:
            result = client.scan_edge_with_part(
                target.space,
                part,
                target.edge_type,
                prop_names=list(target.scan_props),
                limit=self.config.scan_batch_size,
                partial_success=False,
            )
            while not stop.is_set() and result.has_next():
                batch = result.next()
                data = batch.get_data_set() if batch is not None else None
                if data is None or not data.rows:
                    continue
                table = scan_batch_table(
                    data, target.vid_type, target.weight_prop, schema, edge_type=target.edge_type
                )
                with lock:
                    writer.write_table(table)
                    written[0] += table.num_rows
        except errors.TaskFailed as exc:
            raise errors.TaskFailed(f"{what}: {exc}") from exc
        except Exception as exc:
            raise errors.TaskFailed(f"{what} failed: {error_text(exc)}") from exc

    # --- write-back -----------------------------------------------------------------------------
