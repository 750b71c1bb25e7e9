"""Why an event was refused, as an HTTP status and a list of (field, message), from pydantic or from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.feed.schema import AnyCaseEvent

MODEL_NAMES = frozenset(model.__name__ for model in AnyCaseEvent.__args__)  # type: ignore[attr-defined]
WHOLE_EVENT = "body"


@dataclass
class Refusal(Exception):
    """An event that cannot be applied; nothing of it is stored."""

    status: int
    error: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    def answer(self) -> dict[str, Any]:
        """The JSON answer (the OpenAPI document's Problem)."""
        return {"error": self.error, "errors": [{"field": name, "message": text} for name, text in self.problems]}

    def __str__(self) -> str:
        return "; ".join(f"{name}: {text}" for name, text in self.problems) or self.error


def field_name(location: tuple[Any, ...]) -> str:
    """pydantic's error location as a field name: ('__root__', 'StatusChange', 'status') -> 'status'."""
    parts = [str(part) for part in location if part != "__root__"]
    if parts and parts[0] in MODEL_NAMES:
        parts = parts[1:]
    return ".".join(parts) or WHOLE_EVENT


def invalid(error: ValidationError) -> Refusal:
    """A 422 naming each field pydantic refused (a missing or unknown `kind` is named as `kind`)."""
    problems = []
    for item in error.errors():
        name = field_name(item["loc"])
        if item["type"].startswith("value_error.discriminated_union"):
            name = "kind"
        problems.append((name, item["msg"]))
    return Refusal(422, "the event is not valid", problems)


def malformed(message: str) -> Refusal:
    """A 400 for a body that is not a JSON object at all."""
    return Refusal(400, "the request body is not a JSON object", [(WHOLE_EVENT, message)])


def unknown_reference(reference: str) -> Refusal:
    return Refusal(404, "no case has this reference", [("reference", f"no case {reference}")])


def case_exists(reference: str) -> Refusal:
    return Refusal(409, "a case with this reference already exists", [("reference", f"{reference} already exists")])


def event_id_reused(event_id: str) -> Refusal:
    return Refusal(
        409,
        "this event id was already used for a different event",
        [("event_id", f"{event_id} was already used for a different event; send a new event id")],
    )
