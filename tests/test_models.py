from __future__ import annotations

import itertools

import pytest

from graphmill.models import TERMINAL, TRANSITIONS, Status, can_transition

ALLOWED = {
    (Status.PREPARING, Status.RUNNING),
    (Status.PREPARING, Status.STOPPING),
    (Status.PREPARING, Status.INTERRUPTED),
    (Status.PREPARING, Status.FAILED),
    (Status.RUNNING, Status.SUCCESS),
    (Status.RUNNING, Status.FAILED),
    (Status.RUNNING, Status.STOPPING),
    (Status.RUNNING, Status.INTERRUPTED),
    (Status.STOPPING, Status.INTERRUPTED),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(Status, Status)))
def test_transition_table(old: Status, new: Status) -> None:
    """Exactly the listed moves are allowed; every other pair is refused."""
    assert can_transition(old, new) == ((old, new) in ALLOWED)


def test_terminal_states_have_no_exit() -> None:
    """Success, Failed and Interrupted are final."""
    assert {Status.SUCCESS, Status.FAILED, Status.INTERRUPTED} == TERMINAL
    for s in TERMINAL:
        assert not TRANSITIONS[s]
        assert s.is_terminal


def test_status_numbers_are_explorers() -> None:
    """The numbers are api.md §4's."""
    assert [int(s) for s in Status] == [0, 1, 2, 3, 4, 5]


def test_log_lines_carry_job_and_task_ids() -> None:
    """Text and JSON log formats both carry the job and task ids bound with extra=."""
    import json
    import logging

    from graphmill.log import JSONFormatter, TextFormatter

    record = logging.LogRecord(
        "graphmill.scheduler", logging.INFO, __file__, 1, "task %s", ("running",), None
    )
    record.job_id = 7
    record.task_id = "ab" * 16
    assert " job=7 task=" + "ab" * 16 + ": task running" in TextFormatter().format(record)
    data = json.loads(JSONFormatter().format(record))
    assert (data["job_id"], data["task_id"], data["message"], data["level"]) == (
        7,
        "ab" * 16,
        "task running",
        "info",
    )
