"""The feed's OpenAPI 3.0 document, built from the pydantic models (never written out field by field)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from bot.feed.schema import KINDS, CaseEventBody, EventAccepted, Problem

EVENTS_PATH = "/api/v1/case-events"
REF_TEMPLATE = "#/components/schemas/{model}"
REFUSALS = {
    "400": "The body is not a JSON object",
    "401": "No valid 'Authorization: Bearer <token>' header",
    "404": "No case has this reference (field: reference)",
    "409": "A new case whose reference exists, or an event id reused for a different event",
    "413": "The body is too large",
    "422": "A field is missing or not valid; each problem names its field",
}


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """Each model's JSON schema and the models it refers to, as OpenAPI components."""
    components: dict[str, Any] = {}
    for model in models:
        schema = model.schema(ref_template=REF_TEMPLATE)
        components.update(schema.pop("definitions", {}))
        components[model.__name__] = schema
    return components


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=model)}}}


def _answer(description: str, model: str) -> dict[str, Any]:
    return {"description": description, "content": _json(model)}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    accepted = _answer("Accepted and stored; a repeat of the same event gets this answer again", "EventAccepted")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Haven case feed",
            "version": "1",
            "description": (
                "Case events from a police records system. Each integration has its own bearer token "
                "(`python -m bot feed add-integration NAME`). Events are idempotent by `event_id` within the "
                "integration. Kinds: " + ", ".join(KINDS) + "."
            ),
        },
        "paths": {
            EVENTS_PATH: {
                "post": {
                    "summary": "Send one case event",
                    "operationId": "postCaseEvent",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {"required": True, "content": _json("CaseEventBody")},
                    "responses": {
                        "201": accepted,
                        **{status: _answer(text, "Problem") for status, text in REFUSALS.items()},
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(CaseEventBody, EventAccepted, Problem),
        },
    }
