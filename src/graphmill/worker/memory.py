"""Per-task peak memory in a worker process that may run many tasks.

``ru_maxrss`` is a high-water mark over the process's whole life, so on a reused worker it
would report the largest task so far, not this one.  On Linux the mark can be reset
(``/proc/self/clear_refs``, value 5, since Linux 4.0) and read back as ``VmHWM``; where it
cannot, a worker runs one task only and ``ru_maxrss`` stays exact.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import resource
import sys
from pathlib import Path

_PROC = Path("/proc/self")


def reset_peak() -> bool:
    """Start a new resident high-water mark at the current RSS; whether that was possible."""
    try:
        (_PROC / "clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def peak_bytes() -> int:
    """The resident high-water mark since the last reset (or since the process started)."""
    kib = _status_kib("VmHWM")
    if kib is None:  # ru_maxrss is in KiB on Linux
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib * 1024


def rss_bytes() -> int:
    kib = _status_kib("VmRSS")
    return 0 if kib is None else kib * 1024


def give_back_free_memory() -> None:
    """Collect garbage and return freed heap pages to the OS, so the next task starts lean.

    Arrow's allocator (mimalloc or jemalloc) keeps freed pages too: about 100 MiB after an
    SSSP task on 16.8 M edges, which put every worker that ran a big task over its reuse slack.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:  # a process that never imported it has nothing there to give back
        pyarrow.default_memory_pool().release_unused()


def _status_kib(field: str) -> int | None:
    try:
        for line in (_PROC / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None
