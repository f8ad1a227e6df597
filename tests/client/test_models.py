"""The client's models mirror the OpenAPI document's schemas, so the two cannot drift apart."""

from __future__ import annotations

import pytest

from graphmill.api.openapi import build_document
from graphmill.client.models import MIRRORS, Model

SCHEMAS = build_document()["components"]["schemas"]


@pytest.mark.parametrize("model", list(MIRRORS), ids=lambda m: m.__name__)
def test_model_matches_the_document(model: type[Model]) -> None:
    """Same keys on the wire, and every key the server always sends is required by the client too."""
    component = SCHEMAS[MIRRORS[model]]
    wire_names = {f.alias or name for name, f in model.model_fields.items()}
    assert wire_names == set(component["properties"]), MIRRORS[model]
    always_sent = set(component.get("required", []))
    client_required = {f.alias or name for name, f in model.model_fields.items() if f.is_required()}
    assert client_required <= always_sent


def test_every_response_shape_the_client_reads_is_mirrored() -> None:
    """Components holding objects the client turns into models all have a client model."""
    mirrored = set(MIRRORS.values())
    for name in (
        "WorkflowItem",
        "WorkflowDetail",
        "JobItem",
        "TaskItem",
        "JobProgress",
        "LogLine",
        "Algorithm",
    ):
        assert name in mirrored
