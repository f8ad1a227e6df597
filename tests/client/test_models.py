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


def test_every_error_code_has_its_client_exception() -> None:
    """Each code the server can send maps to a client class that is also the server's class of that name."""
    from graphmill import errors
    from graphmill.client import errors as client_errors

    server_classes = {
        cls.code: cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.GraphmillError) and "code" in vars(cls)
    }
    for code in errors.ERROR_NAMES:
        if code not in server_classes:
            continue  # a name Explorer documents that graphmill never sends (license, unknown)
        raised = client_errors.error_for({"code": code, "message": errors.ERROR_NAMES[code]}, "/workflows/1")
        assert isinstance(raised, client_errors.ApiError)
        assert raised.code == code
        assert isinstance(raised, server_classes[code]), code
    job = client_errors.error_for({"code": 50004001, "message": "ErrInternalDatabase"}, "/jobs/7")
    assert isinstance(job, errors.JobNotFound)
