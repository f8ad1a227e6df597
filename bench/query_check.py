"""Time the nGQL front end (parse + checks + translation) on long but legal query texts.

    .venv/bin/python bench/query_check.py

Prints one line per input: its size and the seconds check_query took in this process, then the
same through the budgeted helper process (whose first call includes starting it).  Growth should
be about linear in the text's size (vertex id lists were quadratic before being deduplicated by set).
"""

from __future__ import annotations

import time

from graphmill.query import Budget, check_query, check_query_budgeted


def _inputs() -> list[tuple[str, str]]:
    cases = []
    for n in (1_000, 10_000, 40_000):
        ids = ", ".join(f'"p{i}"' for i in range(n))
        cases.append((f"GO FROM {n} ids", f"GO FROM {ids} OVER follow YIELD dst(edge) AS d"))
    cases.append(("GO 100000000 STEPS", 'GO 100000000 STEPS FROM "a" OVER follow YIELD dst(edge)'))
    cases.append(("a + chain of 900", "RETURN " + " + ".join(["1"] * 900) + " AS x"))
    return cases


def main() -> None:
    check_query("RETURN 1 AS x", [])  # build the parsers once
    budget = Budget(timeout_s=120)
    try:
        for name, text in _inputs():
            started = time.perf_counter()
            problems = check_query(text, [])
            local = time.perf_counter() - started
            started = time.perf_counter()
            check_query_budgeted(text, [], budget=budget)
            helper = time.perf_counter() - started
            print(
                f"{name:22} {len(text):>9} chars  in-process {local:7.3f} s  helper {helper:7.3f} s  problems {len(problems)}"
            )
    finally:
        budget.close()


if __name__ == "__main__":
    main()
