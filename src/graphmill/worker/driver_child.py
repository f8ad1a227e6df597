"""The server's Spark driver process (``[spark] session = "server"``): the code that runs in it.

One long-lived Spark application; each task runs in a thread of its own (``server_tasks``
at a time, the rest wait in order) under its own job group.  Messages in:
``("task", key, plan)`` and ``("cancel", key)``.  Messages out: ``("task", key, message)``
with the worker's usual task messages (log, progress, done, error) and last ``("end",)``;
``("driver", "up", text)`` once the session is up, or ``("driver", "broken", text)`` when it
could not start (the process then exits).  The server closing the pipe stops the session.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from graphmill.engine.base import Phase
from graphmill.spark.config import SparkConfig
from graphmill.worker import child
from graphmill.worker.plan import TaskPlan

#: How long a cancel waits for the group's running Spark jobs to end before it answers anyway.
_CANCEL_WAIT_S = 5.0


class Cancelled(Exception):
    """The task was cancelled: raised in its thread at its next progress report."""


class _Outbox:
    """The pipe to the server, shared by the task threads."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def send(self, *message: Any) -> None:
        with self._lock:
            self._conn.send(message)


@dataclass(slots=True)
class _TaskState:
    key: int
    group: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    #: Set once the cancel has answered: the task's end message comes after its cancel's log.
    cancel_done: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    ended: bool = False


class _TaskReporter(child._Reporter):
    """A task's ``Progress``, tagged with its key; quiet once the task is cancelled."""

    def __init__(self, outbox: _Outbox, state: _TaskState) -> None:
        self._outbox = outbox
        self._state = state
        self._last_progress = 0.0

    def send(self, *msg: Any) -> None:
        if self._state.cancelled.is_set() and msg[0] in ("error", "done"):
            return  # the cancel answers for the task; a failed Spark job is how it stopped
        self._outbox.send("task", self._state.key, msg)

    def log(self, message: str, level: str = "info") -> None:
        if not (self._state.cancelled.is_set() and level == "error"):
            super().log(message, level)

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        if self._state.cancelled.is_set():
            raise Cancelled("stopped by cancel")
        super().__call__(phase, done, message)


class DriverLoop:
    """The driver process's state: the session, the task threads and who is running."""

    def __init__(self, conn: Connection, config: SparkConfig, session: Any) -> None:
        self._conn = conn
        self.outbox = _Outbox(conn)
        self.session = session
        self._tasks: dict[int, _TaskState] = {}
        self._lock = threading.Lock()
        self._slots = config.server_tasks
        self._threads = ThreadPoolExecutor(config.server_tasks, thread_name_prefix="spark-task")

    def run(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                break  # the server closed the pipe: stop
            if message[0] == "task":
                self._accept(message[1], message[2])
            elif message[0] == "cancel":
                # In a thread: waiting for the jobs to end must not hold up other messages.
                threading.Thread(target=self._cancel, args=(message[1],), daemon=True).start()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _accept(self, key: int, plan: TaskPlan) -> None:
        from graphmill.spark.runner import job_group

        state = _TaskState(key, job_group(plan.task_id))
        with self._lock:
            self._tasks[key] = state
            ahead = len(self._tasks) - 1
        if ahead >= self._slots:
            _TaskReporter(self.outbox, state)(
                "loading", None, f"waiting for the Spark session ({ahead} task(s) ahead)"
            )
        self._threads.submit(self._run, state, plan)

    def _run(self, state: _TaskState, plan: TaskPlan) -> None:
        with self._lock:
            if state.cancelled.is_set():
                return  # cancelled while it waited: the cancel has answered
            state.started = True
        reporter = _TaskReporter(self.outbox, state)
        try:
            child.run_plan(plan, reporter, shared_spark=self.session)
        except Cancelled:  # raised outside run_plan's own handling (its last progress lines)
            pass
        finally:
            self._end(state)

    def _cancel(self, key: int) -> None:
        from graphmill.spark.session import cancel_group

        with self._lock:
            state = self._tasks.get(key)
            if state is None:
                return
            state.cancelled.set()
            started = state.started
        if started:
            left = cancel_group(self.session.spark, state.group, _CANCEL_WAIT_S)
            text = (
                f"cancelled Spark job group {state.group}: no job of it is running"
                if not left
                else f"cancelled Spark job group {state.group}: job(s) {left} still stopping"
            )
            self.outbox.send("task", key, ("log", "info", text))
            state.cancel_done.set()
        else:
            self.outbox.send("task", key, ("log", "info", "cancelled before it started in the Spark session"))
            state.cancel_done.set()
            self._end(state)

    def _end(self, state: _TaskState) -> None:
        from graphmill.spark.session import drop_cached

        if state.cancelled.is_set():
            state.cancel_done.wait(_CANCEL_WAIT_S + 1.0)
        with self._lock:
            if state.ended:
                return
            state.ended = True
            self._tasks.pop(state.key, None)
            idle = not any(s.started for s in self._tasks.values())
        if idle:  # nothing reads the cached graphs any more: give their memory back
            with contextlib.suppress(Exception):
                drop_cached(self.session.spark)
        self.outbox.send("task", state.key, ("end",))


def serve(conn: Connection, config: SparkConfig) -> None:
    """The driver process's life: start the session, run tasks until the server lets go."""
    from graphmill.spark.session import open_server_session

    child._die_with_parent()
    outbox = _Outbox(conn)
    try:
        session = open_server_session(config)
    except Exception as exc:
        with contextlib.suppress(OSError):
            outbox.send("driver", "broken", f"the Spark session did not start: {type(exc).__name__}: {exc}")
        return
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            outbox.send("driver", "up", session.describe())
            DriverLoop(conn, config, session).run()
    finally:
        with contextlib.suppress(Exception):
            session.spark.stop()
        if config.staging_dir is None:
            shutil.rmtree(session.staging, ignore_errors=True)
