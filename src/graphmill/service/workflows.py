"""Workflow use cases: save, read, update, delete and clone.

Saving follows Explorer's canvas, which saves drafts as they are: a schema is stored
verbatim whatever its content, and what is wrong with it comes back as a list of
problems (``{task, field, reason}``).  Only a body without a usable name or schema (not a
JSON object), or a workflow over the task cap, is refused.  ``strict`` saving (our own
clients) refuses any problem, as graphmill did before.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import Any

from graphmill.config import Settings
from graphmill.errors import BadRequest, ParamError
from graphmill.models import DEFAULT_OWNER, Workflow
from graphmill.scheduler.runner import wall_clock_ms
from graphmill.service.catalog import EngineCatalog
from graphmill.service.planning import Planner
from graphmill.service.webhooks import check_allowed
from graphmill.store.base import MetadataStore
from graphmill.types import JSONObject, WorkflowId
from graphmill.workflow.schema import Problem, parse_schema, problems_error, validate_schema

_NAME_ALPHABET = string.ascii_lowercase + string.digits
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def default_workflow_name() -> str:
    return "workflow_" + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(5))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class WorkflowUseCases:
    """The workflow half of :class:`graphmill.service.core.Service`."""

    settings: Settings
    store: MetadataStore
    catalog: EngineCatalog
    planner: Planner

    # -- checks --------------------------------------------------------------------------------
    def stored_schema(self, raw: dict[str, Any] | str) -> JSONObject:
        """The schema to store: a JSON object (or a JSON string of one) within the task cap."""
        decoded: object = raw
        if isinstance(raw, str):
            try:
                decoded = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ParamError(f"schema is not valid JSON: {exc}") from None
        if not isinstance(decoded, dict):
            raise ParamError("schema must be a JSON object", data={"field": "schema"})
        self.check_task_cap(decoded)
        return decoded

    def check_task_cap(self, raw: JSONObject) -> None:
        tasks = raw.get("tasks")
        cap = self.settings.max_tasks_per_workflow
        if isinstance(tasks, list) and len(tasks) > cap:
            raise ParamError(
                f"the workflow has {len(tasks)} tasks; at most {cap} are allowed "
                "(GRAPHMILL_MAX_TASKS_PER_WORKFLOW)",
                data={"field": "schema.tasks", "tasks": len(tasks), "limit": cap},
            )

    def schema_problems(self, raw: JSONObject) -> list[Problem]:
        """Everything that would stop a job of ``raw`` from running as saved (``[]``: valid)."""
        try:
            schema = parse_schema(raw)
        except ParamError as exc:
            items = exc.data.get("problems") if isinstance(exc.data, dict) else None
            return [
                Problem(_text_or_none(i.get("task")), str(i.get("field")), str(i.get("reason")))
                for i in (items if isinstance(items, list) else [])
                if isinstance(i, dict)
            ]
        problems = validate_schema(schema, self.catalog)
        problems += [Problem(t, f, r) for t, f, r in self.planner.check_paths(schema)]
        return problems

    def _checked(self, schema: dict[str, Any] | str, strict: bool) -> tuple[JSONObject, list[Problem]]:
        raw = self.stored_schema(schema)
        problems = self.schema_problems(raw)
        if strict and problems:
            raise problems_error("invalid workflow schema", problems)
        return raw, problems

    def _webhook(self, value: str | None) -> str:
        if not value:
            return ""
        check_allowed(value, self.settings.webhook_allow)
        return value

    # -- use cases -----------------------------------------------------------------------------
    def create_workflow(
        self,
        name: str | None,
        schema: dict[str, Any] | str,
        webhook: str | None = None,
        *,
        strict: bool = False,
        owner: str = DEFAULT_OWNER,
    ) -> tuple[WorkflowId, list[Problem]]:
        hook = self._webhook(webhook)
        raw, problems = self._checked(schema, strict)
        now = wall_clock_ms()
        for _ in range(20):
            wid = secrets.randbelow(2**32 - 1) + 1
            if not self.store.workflow_exists(wid):
                break
        else:  # pragma: no cover - 20 collisions below 2^32 do not happen
            raise BadRequest("could not allocate a workflow id")
        self.store.create_workflow(
            Workflow(wid, name or default_workflow_name(), raw, 1, now, now, hook, owner=owner)
        )
        return wid, problems

    def get_workflow(self, workflow_id: WorkflowId) -> Workflow:
        return self.store.get_workflow(workflow_id)

    def list_workflows(
        self, name: str | None, page: Page, *, visible_to: str | None = None
    ) -> tuple[list[Workflow], int]:
        return self.store.list_workflows(
            name=name, offset=page.offset, limit=page.size, visible_to=visible_to
        )

    def workflow_problems(self, workflow: Workflow) -> list[Problem]:
        return self.schema_problems(workflow.schema)

    def update_workflow(
        self,
        workflow_id: WorkflowId,
        name: str | None,
        schema: dict[str, Any] | str | None,
        webhook: str | None = None,
        *,
        strict: bool = False,
    ) -> tuple[Workflow, list[Problem]]:
        if name is None and schema is None and webhook is None:
            raise ParamError("nothing to update: give name, schema and/or webhook")
        hook = None if webhook is None else self._webhook(webhook)
        if name is not None and not name:
            raise ParamError("name must be a non-empty string")
        raw, problems = self._checked(schema, strict) if schema is not None else (None, None)
        workflow = self.store.update_workflow(
            workflow_id, name=name, schema=raw, now_ms=wall_clock_ms(), webhook=hook
        )
        return workflow, problems if problems is not None else self.workflow_problems(workflow)

    def workflow_versions(self, workflow_id: WorkflowId) -> list[tuple[int, str, int, JSONObject]]:
        """Every saved version of a live workflow, oldest first (jobs run the version they were added on)."""
        self.store.get_workflow(workflow_id)  # unknown or deleted → NotFound
        return self.store.list_workflow_versions(workflow_id)

    def delete_workflow(self, workflow_id: WorkflowId) -> None:
        self.store.delete_workflow(workflow_id)

    def clone_workflow(
        self, workflow_id: WorkflowId, name: str | None = None, *, owner: str = DEFAULT_OWNER
    ) -> WorkflowId:
        source = self.store.get_workflow(workflow_id)
        wid, _ = self.create_workflow(
            name or f"{source.name}_copy", source.schema, source.webhook or None, owner=owner
        )
        return wid
