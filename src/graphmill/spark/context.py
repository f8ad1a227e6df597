"""What a Spark algorithm is handed besides its graph: the session, progress and checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphmill.engine.base import Progress


@dataclass(slots=True)
class SparkRun:
    """One task's Spark handle.

    ``keep`` materialises an iteration's state and cuts its lineage: a plan that grew by
    one join per round would otherwise take longer to plan each round than to run.  Every
    ``checkpoint_every`` rounds the state goes to reliable storage (``staging_dir``, or a
    folder next to the result) so a lost executor recomputes from there, not from round 0;
    rounds in between use local checkpoints (executor memory/disk).
    """

    spark: Any
    progress: Progress
    partitions: int
    checkpoint_every: int = 5
    reliable: bool = False
    #: GraphX where it gives NA's answer (``[spark] graphx``); DataFrames only when False.
    graphx: bool = True
    _held: list[Any] = field(default_factory=list)

    def reliable_round(self, round_no: int) -> bool:
        """Whether round ``round_no``'s state goes to reliable storage (every ``checkpoint_every``)."""
        return self.reliable and round_no % self.checkpoint_every == 0

    def keep(self, frame: Any, round_no: int) -> Any:
        if self.reliable_round(round_no):
            kept = frame.checkpoint(eager=True)
        else:
            kept = frame.localCheckpoint(eager=True)
        self._held.append(kept)
        if len(self._held) > 2:  # the state two rounds back is no longer read by anything
            self._held.pop(0).unpersist()
        return kept

    def iteration(self, name: str, it: int, total: int | None, detail: str = "") -> None:
        done = None if total is None else min(1.0, it / total)
        of = f" of {total}" if total is not None else ""
        self.progress("computing", done, f"{name} iteration {it}{of}{', ' + detail if detail else ''}")
