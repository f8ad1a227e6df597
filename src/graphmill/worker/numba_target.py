"""numba's CPU target, set up in the worker processes' forkserver (one of its preloads).

numba builds its CPU target context (the LLVM code generator, the registries of typing and
lowering functions) on a process's first compiled call.  That was most of a spare worker's
first warm-up step (the graph build's kernels), and a task handed to a spare still warming up
waits for the step under way.  Set up once in the forkserver, every worker forked from it
inherits it ready.  It starts no thread (forking after threads have started is unsafe) and runs
no kernel: numba's thread pool starts on a worker's first parallel kernel, as before.
"""

from __future__ import annotations

from numba.core.registry import cpu_target

cpu_target.target_context.refresh()
