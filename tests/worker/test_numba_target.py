"""The forkserver's numba set-up must leave it safe to fork (issue 13: first job of a fresh server)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from multiprocessing.connection import Connection

from graphmill.worker.process import WorkerProcess

_PROBE = """
import json, os
import graphmill.worker.child, graphmill.engine.algorithms._kernels
before = sorted(os.listdir("/proc/self/task"))
from numba.core.registry import cpu_target
import numba.np.ufunc.parallel as parallel
registries_before = len(cpu_target.target_context._registries)
import graphmill.worker.numba_target
print(json.dumps({
    "threads_before": before,
    "threads_after": sorted(os.listdir("/proc/self/task")),
    "pool_started": bool(parallel._is_initialized),
    "registries_before": registries_before,
    "registries_after": len(cpu_target.target_context._registries),
}))
"""


def test_the_forkserver_preload_sets_up_numba_without_starting_threads() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["threads_after"] == seen["threads_before"]  # forking stays safe
    assert not seen["pool_started"]  # numba's thread pool starts in a worker, not here
    # The kernels' import leaves the set-up to the first compiled call; the preload does it.
    assert seen["registries_before"] == 0 < seen["registries_after"]


def _report_numba_set_up(conn: Connection) -> None:
    from numba.core.registry import cpu_target

    conn.send(("registries", len(cpu_target.target_context._registries)))
    conn.close()


def test_a_worker_is_forked_with_numba_set_up() -> None:
    async def scenario() -> tuple[object, ...] | None:
        worker = WorkerProcess(reusable=False, target=_report_numba_set_up)
        message = await worker.receive()
        await worker.exited(10)
        return message

    assert _registries_seen(asyncio.run(scenario())) > 0  # set up before the worker's first call


def _registries_seen(message: tuple[object, ...] | None) -> int:
    assert message is not None
    assert message[0] == "registries", message
    count = message[1]
    assert isinstance(count, int)
    return count
