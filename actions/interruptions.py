"""Which intents interrupt a form, read from the domain (slot mappings' not_intent, forms' ignored_intents)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def interrupting_intents(domain: Mapping[str, Any], *, slot: str, form: str) -> frozenset[str]:
    """The intents whose messages never fill `slot`: its mappings' not_intent plus `form`'s ignored_intents.

    These are the domain's own conditions (Rasa applies them to its slot mappings); custom extract_ and
    validate_ methods read them here so the list is written once, in domain.yml.
    """
    mappings = ((domain.get("slots") or {}).get(slot) or {}).get("mappings") or []
    intents = {intent for mapping in mappings for intent in _as_list(mapping.get("not_intent"))}
    intents.update(_as_list(((domain.get("forms") or {}).get(form) or {}).get("ignored_intents")))
    return frozenset(intents)


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU gave the latest user message, if any."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def interrupts(tracker: Tracker, domain: Mapping[str, Any], *, slot: str, form: str) -> bool:
    """True when the latest message's intent is one the domain keeps out of `slot` (see interrupting_intents)."""
    return latest_intent(tracker) in interrupting_intents(domain, slot=slot, form=form)
