"""Bounded counts and the check budget: no query text can make the API process block or balloon."""

from __future__ import annotations

import asyncio
import resource
import time

import pytest

from graphmill.query import (
    Budget,
    BudgetExceeded,
    QueryError,
    bind,
    check_query,
    check_query_async,
    check_query_budgeted,
    parse,
    translate,
)
from graphmill.query.limits import MAX_GO_STEPS, MAX_LIST_ITEMS, MAX_PATH_HOPS

HUGE_GO = 'GO 100000000 STEPS FROM "player100" OVER follow YIELD dst(edge)'


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def _hog(mebibytes: int) -> int:
    return len(bytearray(mebibytes * 2**20))


def _boom() -> None:
    raise ValueError("inside")


def test_go_steps_are_bounded_without_translating() -> None:
    """The finding: GO 100000000 STEPS is refused at once, naming the bound, whether written or bound."""
    started = time.perf_counter()
    problems = check_query(HUGE_GO, [])
    assert time.perf_counter() - started < 5
    assert problems == [
        f"the step count of GO … STEPS is 100000000, more than the {MAX_GO_STEPS} graphmill allows (line 1, column 4)"
    ]
    bound = bind('GO ${n} STEPS FROM "player100" OVER follow YIELD dst(edge)', {"n": 10**8})
    with pytest.raises(QueryError, match="step count of GO … STEPS is 100000000"):
        translate(bound, None)
    with pytest.raises(QueryError, match="step count"):
        translate(parse('GO 1 TO 1000 STEPS FROM "a" OVER e YIELD dst(edge)'), None)
    assert translate(parse(f'GO {MAX_GO_STEPS} STEPS FROM "a" OVER e YIELD dst(edge)'), None).text


def test_path_lengths_lists_and_rows_are_bounded() -> None:
    """Variable-length edges, list literals and bound lists, LIMIT and SKIP have bounds with clear refusals."""
    with pytest.raises(
        QueryError, match=f"length of a variable-length edge is 100000000, more than the {MAX_PATH_HOPS}"
    ):
        parse("MATCH (a)-[e*1..100000000]->(b) RETURN id(b)")
    with pytest.raises(QueryError, match="length of a variable-length edge is 31"):
        parse(f"MATCH (a)-[e*{MAX_PATH_HOPS + 1}]->(b) RETURN id(b)")
    assert parse(f"MATCH (a)-[e*1..{MAX_PATH_HOPS}]->(b) RETURN id(b)")
    with pytest.raises(QueryError, match="number of items of parameter \\$\\{ids\\}"):
        bind("GO FROM ${ids} OVER follow YIELD dst(edge)", {"ids": ["x"] * (MAX_LIST_ITEMS + 1)})
    with pytest.raises(QueryError, match="out of range"):
        parse("MATCH (v) RETURN id(v) LIMIT 9223372036854775808")
    with pytest.raises(QueryError, match="used as a count and must be a whole number ≥ 0, not -1"):
        translate(bind("MATCH (v) RETURN id(v) LIMIT ${n}", {"n": -1}), None)


def test_budget_kills_a_check_that_runs_too_long() -> None:
    """Past its time the helper is killed and replaced: the next call works."""
    budget = Budget(timeout_s=1.0)
    try:
        assert budget.run(_sleep, 0.0) == "slept"
        started = time.perf_counter()
        with pytest.raises(BudgetExceeded, match="longer than 1 s"):
            budget.run(_sleep, 30.0)
        assert time.perf_counter() - started < 10
        assert budget.run(_sleep, 0.0) == "slept"
        with pytest.raises(RuntimeError, match="ValueError: inside"):
            budget.run(_boom)
    finally:
        budget.close()


def test_budget_bounds_memory_in_the_helper_not_here() -> None:
    """A check that needs more than its memory budget fails there; this process does not grow."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    budget = Budget(memory_bytes=64 * 2**20, timeout_s=30)
    try:
        assert budget.run(_hog, 8) == 8 * 2**20
        with pytest.raises(BudgetExceeded, match="more than 64 MiB"):
            budget.run(_hog, 1024)
        assert budget.run(_hog, 1) == 2**20
    finally:
        budget.close()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 256 * 1024  # KiB


def test_budgeted_check_reports_problems_and_budget_failures() -> None:
    """check_query_budgeted gives check_query's problems; a budget failure is a problem too."""
    assert check_query_budgeted(HUGE_GO, [])[0].startswith("the step count of GO … STEPS is 100000000")
    assert check_query_budgeted('GO FROM "a" OVER e YIELD dst(edge) AS d', []) == []
    tiny = Budget(timeout_s=0.001)
    try:
        problems = check_query_budgeted('GO FROM "a" OVER e YIELD dst(edge) AS d', [], budget=tiny)
    finally:
        tiny.close()
    assert problems == ["checking the query took longer than 0.001 s: simplify it"]


def test_async_check_leaves_the_event_loop_free() -> None:
    """While a check runs, other coroutines keep running."""
    budget = Budget(timeout_s=30)

    async def main() -> tuple[list[str], int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        problems = await check_query_async(HUGE_GO, [], budget=budget)
        task.cancel()
        return problems, ticks

    try:
        problems, ticks = asyncio.run(main())
    finally:
        budget.close()
    assert problems[0].startswith("the step count of GO … STEPS")
    assert ticks > 0
