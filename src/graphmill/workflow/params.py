"""Applying a job's ``input`` to a workflow: open parameters and ``${param}`` placeholders.

Rules (api.md §3.1):
- ``input`` keys are schema task ids; each inner key is a placeholder declared in the
  task's ``graph.params`` or a parameter of the task's type (an "open parameter").
  Anything else refuses the job (ErrParam) and nothing is created.
- ``${name}`` may stand in any spec value, and ``name`` may be any text.  A placeholder
  takes the job's value, else the declared default.  One that still has no value, and is
  not fed from an upstream column, refuses the job with Explorer's code for missing
  required parameters (50004002).
- Values arrive as JSON strings, numbers or booleans and are written as Explorer writes
  spec values: text (``10``, ``0.85``, ``true``; an integral number without ``.0``, so it
  also reads as an integer vertex id).
- Parameter values themselves (ranges, types, a required ``root`` left empty) are checked
  here only when ``strict``; otherwise a bad value fails its task at run time, as on Explorer.
"""

from __future__ import annotations

import re
from typing import Any

from graphmill.errors import MissingRequiredParams
from graphmill.types import JSONObject
from graphmill.workflow.schema import (
    PLACEHOLDER,
    QUERY_TASK_TYPE,
    Problem,
    TaskCatalog,
    WorkflowSchema,
    problems_error,
)

#: Where the values of a query component's placeholders are kept in the job's schema.
QUERY_PARAMS_KEY = "ngql_params"


def _query_values(
    task_id: str,
    spec: dict[str, Any],
    given: dict[str, Any],
    declared: dict[str, Any],
    fed_by_dep: set[tuple[str, str]],
    missing: list[Problem],
) -> dict[str, Any]:
    """Typed values for the placeholders of ``spec["ngql"]``: input, else default, else upstream."""
    values: dict[str, Any] = {}
    for name in dict.fromkeys(PLACEHOLDER.findall(str(spec.get("ngql", "")))):
        if name in given:
            values[name] = given[name]
        elif declared.get(name) is not None:
            values[name] = declared[name]
        elif (task_id, name) not in fed_by_dep:
            missing.append(Problem(task_id, "spec.ngql", f"parameter ${{{name}}} has no value"))
    return values


def _literal_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    return str(value)


def check_input(
    schema: WorkflowSchema, job_input: dict[str, Any] | None, catalog: TaskCatalog
) -> dict[str, Any]:
    """``job_input`` as an object of objects naming known tasks and parameters; ErrParam if not.

    That it is an object at all is the API's to check (``api.inputs.job_input``).
    """
    if job_input is None:
        return {}
    problems: list[Problem] = []
    task_ids = {t.id for t in schema.tasks}
    for tid, values in job_input.items():
        if tid not in task_ids:
            problems.append(Problem(tid, "input", f"the workflow has no task {tid!r}"))
            continue
        if not isinstance(values, dict):
            problems.append(Problem(tid, f"input.{tid}", "must be an object of parameter values"))
            continue
        task = schema.task(tid)
        allowed = {p.name for p in task.graph.params} | catalog.param_names(task.type)
        for name, value in values.items():
            if name not in allowed:
                problems.append(
                    Problem(tid, f"input.{tid}.{name}", f"task {tid!r} has no parameter {name!r}")
                )
            elif not isinstance(value, str | int | float):
                problems.append(
                    Problem(tid, f"input.{tid}.{name}", "value must be a string, a number or a boolean")
                )
    if problems:
        raise problems_error("invalid job input", problems)
    return job_input


def apply_input(
    schema: WorkflowSchema,
    raw_schema: JSONObject,
    job_input: dict[str, Any] | None,
    catalog: TaskCatalog,
    *,
    strict: bool = False,
) -> JSONObject:
    """The schema a job runs: ``raw_schema`` with ``job_input`` applied.  Raises on bad input."""
    values_by_task = check_input(schema, job_input, catalog)
    # Only the tasks' specs change: copy the task objects, share everything beneath them.
    given_tasks: list[Any] = raw_schema.get("tasks", [])  # type: ignore[assignment]
    raw_tasks: list[Any] = [dict(t) for t in given_tasks]
    effective: JSONObject = {**raw_schema, "tasks": raw_tasks}
    fed_by_dep = {(d.dst, p.name) for d in schema.deps for p in d.spec.params}
    missing: list[Problem] = []
    invalid: list[Problem] = []
    for task, raw_task in zip(schema.tasks, raw_tasks, strict=True):
        given: dict[str, Any] = dict(values_by_task.get(task.id, {}))
        declared = {p.name: p.default_value() for p in task.graph.params}
        spec: dict[str, Any] = dict(raw_task.get("spec") or {})
        for name, value in given.items():
            if name not in declared:
                spec[name] = _literal_text(value)

        if task.type == QUERY_TASK_TYPE:
            # Query text is never spliced: its values travel typed, beside it, and the query
            # layer binds them as literals at the token level.
            spec[QUERY_PARAMS_KEY] = _query_values(task.id, spec, given, declared, fed_by_dep, missing)
            raw_task["spec"] = spec
            continue
        for field, value in list(spec.items()):
            if isinstance(value, str) and PLACEHOLDER.search(value):
                spec[field] = _fill(value, task.id, f"spec.{field}", given, declared, fed_by_dep, missing)
        raw_task["spec"] = spec
        if strict and catalog.is_known(task.type):
            for field, reason in catalog.check_params(task.type, spec, allow_missing_required=False):
                target = missing if reason.startswith("required") else invalid
                target.append(Problem(task.id, field, reason))
    if missing:
        err = problems_error("missing required parameters", missing)
        raise MissingRequiredParams(err.detail, data=err.data)
    if invalid:
        raise problems_error("invalid parameters", invalid)
    return effective


def _fill(
    text: str,
    task_id: str,
    field: str,
    given: dict[str, Any],
    declared: dict[str, Any],
    fed_by_dep: set[tuple[str, str]],
    missing: list[Problem],
) -> str:
    """``text`` with its ``${name}`` placeholders filled; unfillable ones are added to ``missing``."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in given:
            return _literal_text(given[name])
        if declared.get(name) is not None:
            return _literal_text(declared[name])
        if (task_id, name) not in fed_by_dep:  # else: filled at run time from the upstream column
            missing.append(Problem(task_id, field, f"parameter ${{{name}}} has no value"))
        return match.group(0)

    return PLACEHOLDER.sub(one, text)
