"""The task-type catalogue validation uses: the engine's algorithms plus the query component."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphmill.engine.registry import ALGORITHMS
from graphmill.errors import ParamError
from graphmill.query import check_query_budgeted, query_columns_budgeted
from graphmill.workflow.schema import PLACEHOLDER, QUERY_TASK_TYPE


class EngineCatalog:
    """Implements ``workflow.schema.TaskCatalog`` over ``engine.registry``."""

    def is_known(self, task_type: str) -> bool:
        return task_type in ALGORITHMS or task_type == QUERY_TASK_TYPE

    def is_runnable(self, task_type: str) -> bool:
        return task_type in ALGORITHMS

    def param_names(self, task_type: str) -> frozenset[str]:
        spec = ALGORITHMS.get(task_type)
        return frozenset(p.name for p in spec.params) if spec else frozenset()

    def ignored_keys(self, task_type: str, spec: Mapping[str, Any]) -> list[str]:
        """Spec keys an algorithm keeps but does not use (for the task log)."""
        algo = ALGORITHMS.get(task_type)
        return algo.ignored_keys(spec) if algo else []

    def check_params(
        self, task_type: str, spec: Mapping[str, Any], *, allow_missing_required: bool
    ) -> list[tuple[str, str]]:
        if task_type == QUERY_TASK_TYPE:
            return self._check_query(spec)
        algo = ALGORITHMS.get(task_type)
        if algo is None:
            return []
        # Values still holding a ${placeholder} are checked once the job fills them.
        values = {k: v for k, v in spec.items() if not (isinstance(v, str) and PLACEHOLDER.search(v))}
        deferred = set(spec) - set(values)
        try:
            algo.parse_params(values)
        except ParamError as exc:
            problems: list[tuple[str, str]] = []
            items = exc.data if isinstance(exc.data, list) else []
            for item in items:
                if not isinstance(item, dict):
                    continue
                field, reason = str(item.get("field", "")), str(item.get("reason", ""))
                if field in deferred:
                    continue
                if reason.startswith("required") and allow_missing_required:
                    continue
                problems.append((f"spec.{field}", reason))
            if not items:
                problems.append(("spec", exc.detail))
            return problems
        return []

    @staticmethod
    def _check_query(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
        text = spec.get("ngql")
        if not isinstance(text, str) or not text.strip():
            return [("spec.ngql", "a query component needs its nGQL text in spec.ngql")]
        # Whether each placeholder is declared is checked for every field by the schema itself.
        names = PLACEHOLDER.findall(text)
        # In the query helper process, with its time and memory budget: a saved query can be
        # arbitrarily large, and the API process must not pay for parsing it.
        return [("spec.ngql", problem) for problem in check_query_budgeted(text, names)]

    def output_columns(self, task_type: str, spec: Mapping[str, Any]) -> list[str] | None:
        if task_type == QUERY_TASK_TYPE:
            # In the query helper too, like the check: parsing a large query is not the API's work.
            return query_columns_budgeted(str(spec.get("ngql", "")))
        algo = ALGORITHMS.get(task_type)
        if algo is None:
            return None
        values = {k: v for k, v in spec.items() if not (isinstance(v, str) and PLACEHOLDER.search(v))}
        try:
            params = algo.parse_params(values)
        except ParamError:
            return None  # invalid or incomplete parameters: the width is not known yet
        return [c.name for c in algo.output_columns(params)]

    def describe_all(self) -> list[dict[str, Any]]:
        """The algorithm catalogue: every task type with its parameters' JSON Schema."""
        out: list[dict[str, Any]] = []
        for task_type in sorted(ALGORITHMS):
            algo = ALGORITHMS[task_type]
            try:
                columns: list[str] | None = [c.name for c in algo.output_columns(algo.parse_params({}))]
            except ParamError:
                columns = None  # depends on a required parameter
            out.append(
                {
                    "type": task_type,
                    "name": algo.name,
                    "group": algo.group,
                    "needsWeight": algo.needs_weight,
                    "outputColumns": columns,
                    "parameters": algo.json_schema(),
                }
            )
        return out
