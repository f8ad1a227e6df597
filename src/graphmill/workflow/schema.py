"""Explorer's workflow schema (api.md §7): parsing and validation.

The models keep every field they do not know (``extra="allow"``), so a workflow
exported from Explorer round-trips unchanged.  Validation collects *all* problems,
each naming the task and the field, instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import KeysView, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graphmill.errors import ParamError
from graphmill.types import JSONObject, JSONValue
from graphmill.workflow.dag import find_cycle, upstream_map

#: ``${name}``: Explorer allows any text as a parameter name (keywords, dates, quotes, CJK).
PLACEHOLDER = re.compile(r"\$\{([^{}]+)\}")
QUERY_TASK_TYPE = "nebula_ngql"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Column(_Open):
    name: str = ""
    dataType: str = "string"


class GraphParam(_Open):
    #: The canvas saves parameters before they are named; an unnamed one fills nothing.
    name: str = ""
    #: Explorer spells a parameter's default value in different ways across versions.
    value: Any = None
    defaultValue: Any = None
    default: Any = None

    def default_value(self) -> Any:
        for v in (self.value, self.defaultValue, self.default):
            if v is not None and v != "":
                return v
        return None


class TaskGraph(_Open):
    params: list[GraphParam] = Field(default_factory=list)
    input: list[Column] = Field(default_factory=list)
    output: list[Column] = Field(default_factory=list)


class Endpoint(_Open):
    type: str
    spec: dict[str, Any] = Field(default_factory=dict)


class NamedDatasource(Endpoint):
    name: str


class TaskDef(_Open):
    id: str = Field(min_length=1)
    name: str = ""
    type: str = Field(min_length=1)
    spec: dict[str, Any] = Field(default_factory=dict)
    graph: TaskGraph = Field(default_factory=TaskGraph)
    datasource: Endpoint | None = None
    datasink: Endpoint | None = None


class DepInput(_Open):
    srcField: int
    dstField: int


class DepParam(_Open):
    name: str
    columnIndex: int
    dataType: str = "string"


class DepSpec(_Open):
    input: DepInput | None = None
    params: list[DepParam] = Field(default_factory=list)


class Dep(_Open):
    src: str
    dst: str
    spec: DepSpec = Field(default_factory=DepSpec)


class WorkflowSchema(_Open):
    datasources: list[NamedDatasource] = Field(default_factory=list)
    tasks: list[TaskDef] = Field(default_factory=list)
    deps: list[Dep] = Field(default_factory=list)

    def task(self, task_id: str) -> TaskDef:
        """The task with id ``task_id`` (KeyError if none); O(1) after the first call."""
        return self._index[task_id]

    @cached_property
    def _index(self) -> dict[str, TaskDef]:
        # The first task of a repeated id wins, as a linear search would.
        return {t.id: t for t in reversed(self.tasks)}

    @cached_property
    def _deps_by_dst(self) -> dict[str, list[tuple[int, Dep]]]:
        by_dst: dict[str, list[tuple[int, Dep]]] = {}
        for i, dep in enumerate(self.deps):
            by_dst.setdefault(dep.dst, []).append((i, dep))
        return by_dst

    def with_specs(self, specs: list[dict[str, Any]]) -> WorkflowSchema:
        """This schema with each task's spec replaced (in task order), without validating again."""
        tasks = [t.model_copy(update={"spec": spec}) for t, spec in zip(self.tasks, specs, strict=True)]
        copy = self.model_copy(update={"tasks": tasks})
        copy.__dict__.pop("_index", None)  # a cached index of the old tasks must not carry over
        return copy

    def deps_into(self, task_id: str) -> list[Dep]:
        """The dependencies whose ``dst`` is ``task_id``, in schema order; O(1) after the first call."""
        return [dep for _, dep in self.numbered_deps_into(task_id)]

    def numbered_deps_into(self, task_id: str) -> list[tuple[int, Dep]]:
        """``(i, deps[i])`` for the dependencies whose ``dst`` is ``task_id``."""
        return self._deps_by_dst.get(task_id, [])

    def task_ids(self) -> KeysView[str]:
        return self._index.keys()

    def upstream(self) -> dict[str, list[str]]:
        return upstream_map((t.id for t in self.tasks), ((d.src, d.dst) for d in self.deps))


@dataclass(frozen=True, slots=True)
class Problem:
    task: str | None
    field: str
    reason: str

    def as_json(self) -> dict[str, str | None]:
        return {"task": self.task, "field": self.field, "reason": self.reason}


class TaskCatalog(Protocol):
    """What validation needs to know about task types; the service supplies it."""

    def is_known(self, task_type: str) -> bool: ...

    def param_names(self, task_type: str) -> frozenset[str]: ...

    def check_params(
        self, task_type: str, spec: Mapping[str, Any], *, allow_missing_required: bool
    ) -> list[tuple[str, str]]:
        """(field, reason) for every problem; values holding ``${…}`` are not checked."""
        ...

    def output_columns(self, task_type: str, spec: Mapping[str, Any]) -> list[str] | None: ...


def problems_error(message: str, problems: list[Problem]) -> ParamError:
    detail = "; ".join(f"{p.task + ': ' if p.task else ''}{p.field}: {p.reason}" for p in problems)
    items: list[JSONValue] = [p.as_json() for p in problems]  # type: ignore[misc]
    return ParamError(f"{message}: {detail}", data={"problems": items})


def _located_problems(
    exc: ValidationError, prefix: tuple[str | int, ...], raw: dict[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = [*prefix, *err["loc"]]
        task: str | None = None
        if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
            tasks = raw.get("tasks")
            if isinstance(tasks, list) and loc[1] < len(tasks) and isinstance(tasks[loc[1]], dict):
                tid = tasks[loc[1]].get("id")
                task = tid if isinstance(tid, str) else None
        problems.append(Problem(task, ".".join(str(p) for p in loc), err["msg"]))
    return problems


#: The schema's lists, validated item by item: one validator call per task rather than one for
#: the whole schema, so a workflow of thousands of tasks never holds the interpreter for long.
_ITEM_MODELS: dict[str, type[BaseModel]] = {"datasources": NamedDatasource, "tasks": TaskDef, "deps": Dep}


def parse_schema(raw: object) -> WorkflowSchema:
    """Structure only: a JSON object with the right shapes.  Raises ParamError."""
    if not isinstance(raw, dict):
        raise problems_error("invalid workflow schema", [Problem(None, "schema", "must be a JSON object")])
    problems: list[Problem] = []
    lists: dict[str, list[Any]] = {}
    for key, model in _ITEM_MODELS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, list):
            problems.append(Problem(None, key, "Input should be a valid list"))
            continue
        lists[key] = []
        for i, item in enumerate(value):
            try:
                lists[key].append(model.model_validate(item))
            except ValidationError as exc:
                problems += _located_problems(exc, (key, i), raw)
    try:
        shell = WorkflowSchema.model_validate({k: v for k, v in raw.items() if k not in _ITEM_MODELS})
    except ValidationError as exc:
        problems += _located_problems(exc, (), raw)
    if problems:
        raise problems_error("invalid workflow schema", problems)
    return shell.model_copy(update=lists)


def _output_width(task: TaskDef, catalog: TaskCatalog) -> int | None:
    if task.graph.output:
        return len(task.graph.output)
    cols = catalog.output_columns(task.type, task.spec) if catalog.is_known(task.type) else None
    return None if cols is None else len(cols)


def _task_problems(task: TaskDef, catalog: TaskCatalog) -> list[Problem]:
    """The problems of one task on its own: its type, placeholders and parameter values."""
    if not catalog.is_known(task.type):
        return [Problem(task.id, "type", f"unknown task type {task.type!r}")]
    problems: list[Problem] = []
    declared = {p.name for p in task.graph.params}
    for field, value in task.spec.items():
        if isinstance(value, str):
            for name in PLACEHOLDER.findall(value):
                if name not in declared:
                    problems.append(
                        Problem(
                            task.id,
                            f"spec.{field}",
                            f"placeholder ${{{name}}} is not declared in graph.params",
                        )
                    )
    for field, reason in catalog.check_params(task.type, task.spec, allow_missing_required=True):
        problems.append(Problem(task.id, field, reason))
    return problems


def _dep_problems(schema: WorkflowSchema, i: int, dep: Dep, catalog: TaskCatalog) -> list[Problem]:
    """The problems of ``deps[i]``: its ends, and the upstream columns it names."""
    problems: list[Problem] = []
    ids = schema.task_ids()
    for end in ("src", "dst"):
        tid = getattr(dep, end)
        if tid not in ids:
            problems.append(Problem(tid, f"deps[{i}].{end}", f"no task with id {tid!r}"))
    if problems:
        return problems
    if dep.src == dep.dst:
        return [Problem(dep.dst, f"deps[{i}]", "a task cannot depend on itself")]
    width = _output_width(schema.task(dep.src), catalog)
    columns: list[tuple[str, int]] = []
    if dep.spec.input is not None:
        columns += [
            ("spec.input.srcField", dep.spec.input.srcField),
            ("spec.input.dstField", dep.spec.input.dstField),
        ]
    dst_task = schema.task(dep.dst)
    known = {gp.name for gp in dst_task.graph.params} | catalog.param_names(dst_task.type)
    for j, p in enumerate(dep.spec.params):
        columns.append((f"spec.params[{j}].columnIndex", p.columnIndex))
        if p.name not in known:
            problems.append(
                Problem(dep.dst, f"deps[{i}].spec.params[{j}].name", f"task has no parameter {p.name!r}")
            )
    for field, index in columns:
        if index < 1 or (width is not None and index > width):
            bound = f"1..{width}" if width is not None else "≥ 1"
            problems.append(
                Problem(
                    dep.dst, f"deps[{i}].{field}", f"column {index} is out of range ({bound}) of {dep.src!r}"
                )
            )
    return problems


def structure_problems(schema: WorkflowSchema) -> list[Problem]:
    """What makes a schema no job at all: no tasks, a repeated task id, a dangling or cyclic dependency.

    Submission refuses these (40004001) even when it is lenient: there is no DAG to run.
    """
    if not schema.tasks:
        return [Problem(None, "tasks", "the workflow has no tasks")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, task in enumerate(schema.tasks):
        if task.id in seen:
            problems.append(Problem(task.id, f"tasks[{i}].id", f"duplicate task id {task.id!r}"))
        seen.add(task.id)
    for i, dep in enumerate(schema.deps):
        for end in ("src", "dst"):
            tid = getattr(dep, end)
            if tid not in seen:
                problems.append(Problem(tid, f"deps[{i}].{end}", f"no task with id {tid!r}"))
    cycle = find_cycle(schema.upstream())
    if cycle:
        problems.append(Problem(cycle[0], "deps", "the dependencies form a cycle: " + " -> ".join(cycle)))
    return problems


def validate_schema(schema: WorkflowSchema, catalog: TaskCatalog) -> list[Problem]:
    """Every problem of a parsed schema, in O(tasks + deps)."""
    problems = [p for p in structure_problems(schema) if not p.field.startswith("deps[")]
    for task in schema.tasks:
        problems += _task_problems(task, catalog)
    for i, dep in enumerate(schema.deps):
        problems += _dep_problems(schema, i, dep, catalog)
    return problems


def task_problems(schema: WorkflowSchema, task_id: str, catalog: TaskCatalog) -> list[Problem]:
    """The problems that stop one task from running: its own and those of the deps feeding it."""
    problems = _task_problems(schema.task(task_id), catalog)
    for i, dep in schema.numbered_deps_into(task_id):
        problems += _dep_problems(schema, i, dep, catalog)
    return problems


def check_schema(raw: object, catalog: TaskCatalog) -> WorkflowSchema:
    schema = parse_schema(raw)
    problems = validate_schema(schema, catalog)
    if problems:
        raise problems_error("invalid workflow schema", problems)
    return schema


def schema_json(schema: WorkflowSchema) -> JSONObject:
    """The schema as stored: what the client sent, unknown fields included."""
    dumped: JSONObject = schema.model_dump(mode="json", exclude_unset=True, by_alias=True)
    return dumped
