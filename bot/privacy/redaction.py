"""What a verification answer looks like once redacted: stored event dicts without the secret, masked log text."""

from __future__ import annotations

import re
from typing import Any

# Slots whose values are secrets: a victim's answer to them (knowledge, one-time code) never reaches storage
# or logs in plaintext. A new secret slot added here is redacted like these.
SECRET_SLOTS = frozenset({"verification_answer", "verification_code"})
# Values a secret slot holds that say how the check went, never what was typed (kept, so a form resumes at the
# right step): actions/case_update.py's VERIFIED_MARK and KNOWLEDGE_MARK.
SLOT_MARKERS = frozenset({"verified", "checked"})
REDACTED_TEXT = "[verification answer]"
REDACTED_KEY = "haven_redacted"  # in a stored user event's metadata: the secret slot it answered
PENDING_KEY = "haven_pending_answer"  # the part of an answer still needed next turn (in the encrypted row only)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Anything a verification answer could be read from: dates (ISO, day-first numeric, with month words),
# UK postcodes, 4-8 digit PINs and codes, codes typed as "123 456" (not digits of a reference like SP/10001/26).
ANSWER_TOKENS = re.compile(
    r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:\d{4}|\d{2})(?!\d)"
    rf"|(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:\d{{4}}|\d{{2}})(?!\d)"
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
    r"|(?<![\d/.\-])\d{3}[ \-]\d{3}(?![\d/.\-])"
    r"|(?<![\d/.\-])\d{4,8}(?![\d/.\-])",
    re.IGNORECASE,
)


def mask_answer_tokens(text: str) -> str:
    """`text` with every date, postcode and 4-8 digit code replaced by REDACTED_TEXT."""
    return ANSWER_TOKENS.sub(REDACTED_TEXT, text)


def is_secret_slot_value(name: str | None, value: Any) -> bool:
    """True when a slot event would store a secret: a secret slot holding anything but a status marker."""
    return name in SECRET_SLOTS and isinstance(value, str) and value not in SLOT_MARKERS


def redact_slot_event(data: dict[str, Any]) -> dict[str, Any]:
    """A stored slot event: a secret value becomes None (so a form asks again rather than trust it)."""
    if data.get("event") == "slot" and is_secret_slot_value(data.get("name"), data.get("value")):
        return {**data, "value": None}
    return data


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def redact_leaked_slot(data: dict[str, Any], answer_texts: list[str]) -> dict[str, Any]:
    """A slot event of an answer's turn: a value taken from the answer (say, its postcode filling a support
    form's `area` slot from an entity) becomes None; other values (the crime reference, markers) stay."""
    value = data.get("value")
    if data.get("event") != "slot" or not isinstance(value, str) or not ANSWER_TOKENS.search(value):
        return data
    if any(_squeezed(value) in _squeezed(text) for text in answer_texts):
        return {**data, "value": None}
    return data


def _replace_everywhere(value: Any, secrets: list[str], replacement: str) -> Any:
    """`value` with each of `secrets` replaced by `replacement` in every string, however deeply nested."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, replacement)
        return value
    if isinstance(value, dict):
        return {key: _replace_everywhere(item, secrets, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_everywhere(item, secrets, replacement) for item in value]
    return value


def typed_texts(data: dict[str, Any]) -> list[str]:
    """What the victim typed and what Rasa read (after normalising), longest first."""
    metadata = data.get("metadata") or {}
    found = {data.get("text"), (data.get("parse_data") or {}).get("text"), metadata.get("typed_text")}
    return sorted((text for text in found if isinstance(text, str) and text.strip()), key=len, reverse=True)


def redact_answer(data: dict[str, Any], *, slot: str, pending: str | None = None) -> dict[str, Any]:
    """A stored user event that answered `slot`: its text gone everywhere, entities dropped, marked redacted.

    `pending` (the part of an answer the next turn still needs) is kept in the metadata; it is only ever
    written inside an encrypted row and is removed again on the next turn.
    """
    redacted = _replace_everywhere(data, typed_texts(data), REDACTED_TEXT)
    metadata = {key: value for key, value in (redacted.get("metadata") or {}).items() if key != "typed_text"}
    metadata[REDACTED_KEY] = slot
    if pending:
        metadata[PENDING_KEY] = pending
    parse_data = dict(redacted.get("parse_data") or {})
    parse_data.update(text=REDACTED_TEXT, entities=[])
    return {**redacted, "text": REDACTED_TEXT, "parse_data": parse_data, "metadata": metadata}


def mask_message(data: dict[str, Any]) -> dict[str, Any]:
    """A user event sent while a secret was asked for but not taken as the answer (a risk message, "cancel"):
    its words stay for staff, any date, postcode or code in it is masked."""
    masked = data
    for original in typed_texts(data):
        masked = _replace_everywhere(masked, [original], mask_answer_tokens(original))
    parse_data = dict(masked.get("parse_data") or {})
    parse_data["entities"] = [
        {**entity, "value": mask_answer_tokens(entity["value"])} if isinstance(entity.get("value"), str) else entity
        for entity in parse_data.get("entities") or []
        if isinstance(entity, dict)
    ]
    return {**masked, "parse_data": parse_data}


def is_redacted(metadata: dict[str, Any] | None) -> bool:
    """True for a user event whose text was a verification answer."""
    return bool((metadata or {}).get(REDACTED_KEY))
