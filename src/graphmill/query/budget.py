"""Checking query texts with a time and memory budget, in a helper process, off the event loop.

The grammar bounds every count (:mod:`graphmill.query.limits`), so a check is cheap; the
budget is the second wall.  The API process hands texts to :func:`check_query_budgeted` (or
awaits :func:`check_query_async`, which runs it in a thread): a helper process (started with
``spawn``, kept for later checks) parses and translates, under an address-space limit of
``memory_bytes`` beyond what it held once started.  A check that runs out of time gets its
process killed (the next check starts a new one); one that runs out of memory is answered by
the helper itself.  Either way the answer is a problem naming the budget, never a hang, and
the API process's memory never sees the work.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import resource
import threading
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo

#: Defaults: far above what a check of the longest allowed text takes (about a second).
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_BYTES = 512 * 2**20
_STARTUP_TIMEOUT_S = 120.0


def _address_space() -> int:
    """Bytes of address space this process holds now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


def _serve(conn: Connection, memory_bytes: int) -> None:
    """The helper process: answer ``(function, args)`` requests with ``("ok", value)`` or ``("error", text)``."""
    import graphmill.query.check  # noqa: F401  (imported before the limit: imports need room)

    held = _address_space()
    if held:
        limit = held + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", None))
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", func(*args)))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:  # the function's own failure: reported, the helper lives on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class BudgetExceeded(Exception):
    """A function run under a :class:`Budget` took too long or needed too much memory."""


class Budget:
    """Runs picklable top-level functions in a helper process with a time and a memory budget."""

    def __init__(
        self, *, timeout_s: float = DEFAULT_TIMEOUT_S, memory_bytes: int = DEFAULT_MEMORY_BYTES
    ) -> None:
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        ctx = mp.get_context("spawn")  # not fork: the API process has threads; not the workers' forkserver
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(child, self.memory_bytes), name="graphmill-query-check", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        # Starting (imports) is not the check's time: wait for the helper to say it is ready.
        try:
            ready = parent.poll(_STARTUP_TIMEOUT_S) and parent.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            raise RuntimeError("the query checking process did not start")
        return parent

    def _kill(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            process.kill()
            process.join(5)

    def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """``func(*args)`` in the helper; BudgetExceeded past the budget, RuntimeError if it raised."""
        with self._lock:
            conn = self._conn if self._process is not None and self._process.is_alive() else None
            if conn is None:
                self._kill()
                conn = self._start()
            try:
                conn.send((func, args))
                ready = conn.poll(self.timeout_s)
                status, value = conn.recv() if ready else ("time", None)
            except (EOFError, OSError, BrokenPipeError):
                status, value = "memory", None  # the helper died: the limit killed it outright
            if status in ("time", "memory"):
                self._kill()
            if status == "time":
                raise BudgetExceeded(f"took longer than {self.timeout_s:g} s")
            if status == "memory":
                raise BudgetExceeded(f"needed more than {self.memory_bytes // 2**20} MiB")
            if status == "error":
                raise RuntimeError(value)
            return value

    def close(self) -> None:
        with self._lock:
            self._kill()


_default: Budget | None = None
_default_lock = threading.Lock()


def default_budget() -> Budget:
    """The process-wide budget the check functions use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Budget()
        return _default


def _check(text: str, declared: list[str], space: SpaceInfo | None) -> list[str]:
    from graphmill.query.check import check_query

    return check_query(text, declared, space=space)


def _columns(text: str) -> list[str] | None:
    from graphmill.errors import ParamError
    from graphmill.query.parser import parse
    from graphmill.query.translate import translate

    try:
        return list(translate(parse(text), None).columns)
    except ParamError:
        return None


def query_columns_budgeted(text: str, *, budget: Budget | None = None) -> list[str] | None:
    """The columns a query returns, worked out in the helper process; None if it does not translate
    (or is too big to, within the budget): its problems are reported by the check."""
    try:
        columns: list[str] | None = (budget or default_budget()).run(_columns, text)
    except (BudgetExceeded, RuntimeError):
        return None
    return columns


def check_query_budgeted(
    text: str, declared_params: Iterable[str], *, space: SpaceInfo | None = None, budget: Budget | None = None
) -> list[str]:
    """:func:`~graphmill.query.check.check_query` in the helper process; the budget's failure is a problem."""
    try:
        problems: list[str] = (budget or default_budget()).run(_check, text, list(declared_params), space)
    except BudgetExceeded as exc:
        return [f"checking the query {exc}: simplify it"]
    except RuntimeError as exc:
        return [f"the query could not be checked: {exc}"]
    return problems


async def check_query_async(
    text: str, declared_params: Iterable[str], *, space: SpaceInfo | None = None, budget: Budget | None = None
) -> list[str]:
    """:func:`check_query_budgeted` from a thread: the event loop never waits on a check."""
    return await asyncio.to_thread(
        check_query_budgeted, text, list(declared_params), space=space, budget=budget
    )
