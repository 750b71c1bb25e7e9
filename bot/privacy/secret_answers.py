"""Find the user messages of a conversation that answered a secret question, and how each must be stored.

Rasa saves a tracker after the turn's actions have run (rasa.core.processor.MessageProcessor.handle_message:
prediction loop, then save_tracker), so the action server has already checked the answer when it is
redacted here. One thing crosses turns: a partial answer ("01/02/1980", then "SX1 2AB" next turn). Its
parsed part is kept as `PENDING_KEY` inside the encrypted row, restored to the text of that event when
Rasa reads the conversation back for the next turn, and removed from the row as soon as a newer message
is saved (or by the scheduled job, if the victim never writes again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rasa.shared.core.events import (
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from bot.cases.conversation import ANSWER_SLOT, answer_so_far, is_partial_prompt
from bot.privacy.redaction import (
    PENDING_KEY,
    SECRET_SLOTS,
    is_secret_slot_value,
    mask_message,
    redact_answer,
    redact_leaked_slot,
    redact_slot_event,
    typed_texts,
)

REQUESTED_SLOT = "requested_slot"


@dataclass(frozen=True)
class SecretAnswer:
    """A user message sent while a form asked for a secret slot."""

    slot: str
    taken: bool = False  # the slot was filled from it (so it is the answer, not "cancel" or a risk message)


def secret_answers(events: Sequence[Event]) -> dict[int, SecretAnswer]:
    """Index of each user message sent while a form asked for a secret slot, and whether it was taken."""
    found: dict[int, SecretAnswer] = {}
    requested: Any = None
    loop_active = False
    latest: int | None = None
    for index, event in enumerate(events):
        if isinstance(event, (SessionStarted, Restarted, AllSlotsReset)):
            requested, loop_active, latest = None, False, None
        elif isinstance(event, ActiveLoop):
            loop_active = bool(event.name)
            requested = requested if event.name else None
        elif isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
            requested = event.value
        elif isinstance(event, SlotSet) and latest is not None and is_secret_slot_value(event.key, event.value):
            found[latest] = replace(found[latest], taken=True)
        elif isinstance(event, UserUttered):
            latest = None
            if loop_active and requested in SECRET_SLOTS:
                found[index], latest = SecretAnswer(slot=str(requested)), index
    return found


def _latest_user_index(events: Sequence[Event]) -> int | None:
    return next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)


def pending_answer(events: Sequence[Event], answers: dict[int, SecretAnswer]) -> str | None:
    """The partial verification answer the next turn needs ('1980-02-01', 'SX12AB'), if the bot asked for the rest."""
    latest = _latest_user_index(events)
    answer = answers.get(latest) if latest is not None else None
    if answer is None or not answer.taken or answer.slot != ANSWER_SLOT:
        return None
    asked_rest = any(isinstance(e, BotUttered) and is_partial_prompt(e.as_dict()) for e in events[latest + 1 :])
    if not asked_rest:
        return None
    so_far = answer_so_far([event.as_dict() for event in events])
    if so_far is None or so_far.is_empty or so_far.is_complete:
        return None
    parts = (so_far.dob.isoformat() if so_far.dob else None, so_far.postcode)
    return " ".join(part for part in parts if part) or None


def stored_events(events: Sequence[Event], first_new: int) -> list[dict[str, Any]]:
    """The dicts to store for events[first_new:]: secret slot values dropped, answers redacted."""
    answers = secret_answers(events)
    pending = pending_answer(events, answers)
    latest = _latest_user_index(events)
    stored, answer_texts = [], []  # answer_texts: what the answer of the current turn said, if it was one
    for index, event in enumerate(events):
        answer = answers.get(index)
        if isinstance(event, UserUttered):
            answer_texts = typed_texts(event.as_dict()) if answer is not None and answer.taken else []
        if index < first_new:
            continue
        data = redact_leaked_slot(redact_slot_event(event.as_dict()), answer_texts)
        if answer is not None and answer.taken:
            data = redact_answer(data, slot=answer.slot, pending=pending if index == latest else None)
        elif answer is not None:
            data = mask_message(data)
        stored.append(data)
    return stored


def superseded_pending(events: Sequence[Event], stored_count: int) -> list[int]:
    """Indexes of stored user messages still holding a pending answer that a newer message has replaced."""
    latest = _latest_user_index(events)
    return [
        index
        for index, event in enumerate(events[:stored_count])
        if isinstance(event, UserUttered) and (event.metadata or {}).get(PENDING_KEY) and index != latest
    ]


def restore_pending(dicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event dicts read back for the next turn: the newest message's pending answer becomes its text again.

    Every message that held one keeps `PENDING_KEY: True` (never the answer), so the next save removes it.
    """
    users = [i for i, data in enumerate(dicts) if data.get("event") == "user"]
    restored = list(dicts)
    for index in users:
        metadata = restored[index].get("metadata") or {}
        pending = metadata.get(PENDING_KEY)
        if not isinstance(pending, str):
            continue
        text = pending if index == users[-1] else restored[index].get("text")
        restored[index] = {**restored[index], "text": text, "metadata": {**metadata, PENDING_KEY: True}}
    return restored


def without_pending(data: dict[str, Any]) -> dict[str, Any]:
    """A stored event dict with its pending answer removed."""
    metadata = data.get("metadata")
    if not isinstance(metadata, dict) or PENDING_KEY not in metadata:
        return data
    return {**data, "metadata": {key: value for key, value in metadata.items() if key != PENDING_KEY}}
