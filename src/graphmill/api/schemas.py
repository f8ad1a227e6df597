"""Typed request bodies and response shapes of the API, as pydantic models.

Request bodies are parsed into these models before the service sees them.  The response
models describe what ``graphmill.views`` builds; they feed the OpenAPI document, and a test
checks real responses against them.  Field order is wire order: Explorer's clients may
depend on it, so every schema also carries it as ``x-key-order``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graphmill.errors import ParamError

JSONObject = dict[str, Any]


def _note_key_order(schema: dict[str, Any]) -> None:
    properties = schema.get("properties")
    if properties:
        schema["x-key-order"] = list(properties)


class Body(BaseModel):
    """A JSON request body: unknown keys are accepted and ignored, as Explorer does."""

    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)


class Shape(BaseModel):
    """A response shape, keys in wire order."""

    model_config = ConfigDict(json_schema_extra=_note_key_order, populate_by_name=True)


def parse_body(model: type[Body], raw: JSONObject) -> Any:
    """``raw`` as ``model``; every mismatch becomes one ``ParamError`` listing the problems."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [
            {"task": None, "field": ".".join(str(p) for p in err["loc"]) or "body", "reason": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)
        ]
        detail = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
        raise ParamError(f"invalid body: {detail}", data={"problems": problems}) from None  # type: ignore[dict-item]


# -- request bodies ------------------------------------------------------------------------------
class ConnectBody(Body):
    address: str = Field(description="graphd address of the graph database", examples=["127.0.0.1"])
    port: int | str = Field(description="graphd port (a number, or digits)", examples=[9669])


class WorkflowCreateBody(Body):
    name: str | None = Field(None, description="defaults to a generated name")
    schema_: JSONObject | str = Field(
        alias="schema", description="Explorer's canvas format (tasks, deps), an object or its JSON text"
    )
    webhook: str | None = Field(None, description="graphmill: URL notified when a job of it ends")
    strict: Any = Field(
        None,
        description="graphmill: refuse a schema with problems instead of saving it",
        json_schema_extra={"type": ["boolean", "null"]},
    )


class WorkflowUpdateBody(Body):
    name: str | None = None
    schema_: JSONObject | str | None = Field(None, alias="schema")
    webhook: str | None = None
    strict: Any = Field(
        None,
        description="graphmill: refuse a schema with problems instead of saving it",
        json_schema_extra={"type": ["boolean", "null"]},
    )


class CloneBody(Body):
    name: str | None = Field(None, description='defaults to "<name>_copy"')


class AddJobBody(Body):
    id: str | int | None = Field(None, description="the workflow id, as Explorer's clients send it; ignored")
    # Typed for the document; checked by the service, which words its refusals as Explorer does.
    input: Any = Field(
        None,
        description="parameter values per task id: {task id: {parameter: value}}",
        json_schema_extra={"type": ["object", "null"]},
    )
    webhook: str | None = Field(None, description="graphmill: overrides the workflow's webhook")
    strict: Any = Field(
        None,
        description="graphmill: refuse what Explorer would accept (default: the server's)",
        json_schema_extra={"type": ["boolean", "null"]},
    )


class RerunBody(Body):
    input: Any = Field(
        None, description="new input; default: the old job's", json_schema_extra={"type": ["object", "null"]}
    )
    fromFailure: bool | None = Field(None, description="keep unchanged successful tasks' results")
    strict: Any = Field(
        None,
        description="graphmill: refuse what Explorer would accept (default: the server's)",
        json_schema_extra={"type": ["boolean", "null"]},
    )


class ShareBody(Body):
    share: list[str] | None = Field(None, description="account names to share the workflow with")
    unshare: list[str] | None = Field(None, description="account names to stop sharing with")


# -- response data -------------------------------------------------------------------------------
class Success(Shape):
    success: bool


class Created(Shape):
    id: int


class Health(Shape):
    status: Literal["ok"]


class WorkflowItem(Shape):
    id: int
    name: str
    createTime: int = Field(description="epoch ms")
    updateTime: int = Field(description="epoch ms")


class WorkflowDetail(Shape):
    id: int
    name: str
    schema_: JSONObject = Field(alias="schema")
    createTime: int
    updateTime: int
    valid: bool = Field(description="graphmill: the schema would run as saved")
    problems: list[Problem] = Field(description="graphmill: what stops it (task, field, reason)")


class WorkflowCreated(Shape):
    id: int
    problems: list[Problem] = Field(description="graphmill: a draft's problems (saved anyway unless strict)")


class WorkflowVersion(Shape):
    version: int
    name: str
    createTime: int = Field(description="when this version was saved, epoch ms")
    schema_: JSONObject = Field(alias="schema")
    current: bool = Field(description="whether this is the workflow's current version")


class WorkflowVersions(Shape):
    items: list[WorkflowVersion]
    total: int


class ConsoleView(Shape):
    """A view the web console reads; its fields are listed in the README's console section."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_note_key_order, populate_by_name=True)


class WorkflowPage(Shape):
    items: list[WorkflowItem]
    total: int
    Page: int
    PageSize: int


class TaskItem(Shape):
    id: str
    name: str
    runBeginTime: str = Field(description='RFC 3339, "" before the task starts')
    runEndTime: str = Field(description='RFC 3339, "" before the task ends')
    status: int = Field(ge=0, le=5)


class JobItem(Shape):
    id: int
    name: str
    workflowId: str = Field(description="the workflow id, as a string (as Explorer sends it)")
    workflowName: str
    status: int = Field(
        ge=0, le=5, description="0 Preparing, 1 Running, 2 Success, 3 Failed, 4 Interrupted, 5 Stopping"
    )
    tasks: list[TaskItem] | None = Field(description="null in lists, the tasks in the detail")
    runBeginTime: int = Field(description="epoch ms, 0 before the job starts")
    runEndTime: int = Field(description="epoch ms, 0 before the job ends")
    createTime: int = Field(description="epoch ms")


class JobPage(Shape):
    items: list[JobItem]
    total: int
    Page: int
    PageSize: int


class SampleResult(Shape):
    items: list[list[str]] = Field(description="result rows, every cell a string")


class TaskProgress(Shape):
    id: str
    taskId: str = Field(description="the task's id in the workflow schema")
    name: str
    status: int
    percent: float
    phase: str = Field(description="waiting, loading, computing, writing or done")
    message: str
    rowsWritten: int
    reusedFrom: str
    estimatedBytes: int
    peakBytes: int


class JobProgress(Shape):
    id: int
    status: int
    percent: float
    elapsedMs: int
    remainingMs: int | None
    reason: str
    rerunOf: int | None
    tasks: list[TaskProgress]


class LogLine(Shape):
    seq: int
    time: int = Field(description="epoch ms")
    level: str
    message: str


class TaskLogs(Shape):
    items: list[LogLine]
    nextOffset: int


class ResultSlice(Shape):
    columns: list[str]
    types: list[str]
    total: int
    offset: int
    limit: int
    items: list[list[Any]]


class Delivery(Shape):
    url: str
    attempt: int
    time: int
    statusCode: int | None
    error: str | None
    delivered: bool


class Deliveries(Shape):
    items: list[Delivery]


class Algorithm(Shape):
    type: str
    name: str
    group: str
    needsWeight: bool
    outputColumns: list[str] | None
    parameters: JSONObject = Field(description="JSON Schema of the task's spec")


class Algorithms(Shape):
    items: list[Algorithm]
    total: int


class Estimate(Shape):
    type: str
    vertices: int
    edges: int
    weighted: bool
    estimatedBytes: int
    budgetBytes: int
    fits: bool


class Account(Shape):
    name: str
    role: str = Field(description="admin or user")
    address: str = Field(description="the graph database the token is for")


class WorkflowAccess(Shape):
    owner: str
    sharedWith: list[str]


class JobAccess(Shape):
    owner: str
    workflowId: str


class Problem(Shape):
    task: str | None
    field: str
    reason: str


class ErrorEnvelope(Shape):
    """Every error: the code embeds the HTTP status (40004001 → 400)."""

    code: int = Field(description="Explorer's error code")
    data: JSONObject | None = Field(description='validation errors: {"problems": [Problem, …]}')
    message: str = Field(description="the code's name, e.g. ErrParam")
    detail: str = Field("", description="what went wrong, for people")
