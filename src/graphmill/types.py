"""Shared type aliases. Imports nothing from graphmill."""

from __future__ import annotations

from typing import TypeAlias

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]

JobId: TypeAlias = int
WorkflowId: TypeAlias = int
#: 32 lowercase hex characters, fresh for every job (Explorer's task ids in job details).
TaskRunId: TypeAlias = str
#: The id a task has inside a workflow schema (``analytics_pagerank_1``).
SchemaTaskId: TypeAlias = str
