"""nebula3-python behind a small seam: the objects graphmill makes, and one connection pool per process.

:class:`NebulaClients` is what the store asks for (tests substitute fakes of the nebula3-python
objects); :class:`Nebula3Clients` makes the real ones, importing nebula3-python (the optional
extra ``nebula``) on first use.
"""

from __future__ import annotations

import contextlib
import os
import threading
from types import SimpleNamespace
from typing import Any, Protocol

from graphmill.graphstore.clusters import NebulaClusterConfig

#: How much of a statement an error message quotes.
_QUOTE_LIMIT = 300


class NebulaClientMissing(RuntimeError):
    """nebula3-python is not installed."""


class NebulaClients(Protocol):
    """Makes the nebula3-python objects the store uses; tests substitute fakes."""

    def connection_pool(self, config: NebulaClusterConfig) -> Any:
        """An initialised ``nebula3.gclient.net.ConnectionPool`` on ``config.graphd``."""
        ...

    def open_session(self, pool: Any, user: str, password: str) -> Any:
        """A graphd ``Session`` of ``user`` from ``pool``; raises when refused or unreachable."""
        ...

    def meta_cache(self, config: NebulaClusterConfig) -> Any:
        """A ``nebula3.mclient.MetaCache`` on ``config.metad``."""
        ...

    def storage_client(self, config: NebulaClusterConfig, meta_cache: Any) -> Any:
        """A ``nebula3.sclient.GraphStorageClient`` (one per scanning thread: not thread-safe)."""
        ...

    def is_auth_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` is graphd refusing the account (not a failure to reach it)."""
        ...


def _nebula3() -> SimpleNamespace:
    """The nebula3-python classes the store uses, imported on first use."""
    try:
        from nebula3.Config import Config  # type: ignore[import-untyped]
        from nebula3.Exception import (  # type: ignore[import-untyped]
            AuthFailedException,
            NotValidConnectionException,
        )
        from nebula3.gclient.net import ConnectionPool, Session  # type: ignore[import-untyped]
        from nebula3.mclient import MetaCache  # type: ignore[import-untyped]
        from nebula3.sclient.GraphStorageClient import GraphStorageClient  # type: ignore[import-untyped]
    except ImportError as exc:
        raise _missing(exc) from exc
    return SimpleNamespace(
        Config=Config,
        AuthFailedException=AuthFailedException,
        NotValidConnectionException=NotValidConnectionException,
        ConnectionPool=ConnectionPool,
        Session=Session,
        MetaCache=MetaCache,
        GraphStorageClient=GraphStorageClient,
    )


class Nebula3Clients:
    """The real nebula3-python objects, imported when first needed."""

    def connection_pool(self, config: NebulaClusterConfig) -> Any:
        nebula3 = _nebula3()
        settings = nebula3.Config()
        settings.timeout = config.timeout_ms
        settings.max_connection_pool_size = config.max_connections
        pool = nebula3.ConnectionPool()
        if not pool.init([(h.host, h.port) for h in config.graphd], settings):
            raise RuntimeError("the connection pool did not initialise")
        return pool

    def open_session(self, pool: Any, user: str, password: str) -> Any:
        # ConnectionPool.get_session leaves the pool's connection marked as in use when graphd
        # refuses the account (nebula3-python 3.8), so that a few wrong passwords exhaust the
        # pool: authenticate on a connection of our own choosing and hand it back on failure.
        nebula3 = _nebula3()
        connection = pool.get_connection()
        if connection is None:
            raise nebula3.NotValidConnectionException()
        try:
            auth = connection.authenticate(user, password)
        except BaseException:
            connection.is_used = False
            raise
        return nebula3.Session(connection, auth, pool)

    def meta_cache(self, config: NebulaClusterConfig) -> Any:
        return _nebula3().MetaCache([(h.host, h.port) for h in config.metad], config.timeout_ms)

    def storage_client(self, config: NebulaClusterConfig, meta_cache: Any) -> Any:
        return _nebula3().GraphStorageClient(meta_cache, time_out=config.timeout_ms)

    def is_auth_failure(self, exc: BaseException) -> bool:
        try:
            return isinstance(exc, _nebula3().AuthFailedException)
        except NebulaClientMissing:
            return False


def _missing(exc: ImportError) -> NebulaClientMissing:
    return NebulaClientMissing(
        f"nebula3-python is not installed ({exc}): install graphmill with the 'nebula' extra, "
        "or pip install 'nebula3-python>=3.8,<4'"
    )


def error_text(exc: BaseException) -> str:
    """The message of an exception from nebula3-python (which keeps it in ``.message``, often as bytes)."""
    message: object = getattr(exc, "message", None) or (exc.args[0] if exc.args else "")
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    text = str(message).strip()
    if text.startswith("Auth failed: b'") and text.endswith("'"):  # nebula3 formats bytes with str()
        text = "Auth failed: " + text[len("Auth failed: b'") : -1]
    return text or type(exc).__name__


def quote_statement(text: str) -> str:
    """``text`` cut short enough to quote in an error message."""
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + " …"


def where(config: NebulaClusterConfig) -> str:
    """How messages name the cluster."""
    return f"NebulaGraph at {config.address}"


class _Pool:
    """One connection pool per process, made on first use (a forked child makes its own)."""

    def __init__(self, config: NebulaClusterConfig, clients: NebulaClients) -> None:
        self._config = config
        self._clients = clients
        self._lock = threading.Lock()
        self._pool: Any = None
        self._pid = 0

    def get(self) -> Any:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = self._clients.connection_pool(self._config)
                self._pid = os.getpid()
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                pool.close()
