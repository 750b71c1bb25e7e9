"""Shared helpers for the privacy tests: Haven's tracker store on the test database, and verification turns."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.handoff.event_broker import HavenEventBroker
from bot.tracker_store import HavenTrackerStore
from tests.cases.replies import bot_uttered

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
REFERENCE = "SP/10002/26"
LISTEN = "action_listen"
FORM = "case_update_form"


@pytest.fixture(scope="session")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


@pytest.fixture
def store(db_url, domain) -> HavenTrackerStore:
    return HavenTrackerStore(domain=domain, event_broker=HavenEventBroker())  # as endpoints.yml configures it


def said(words: str, intent: str = "inform", at: float | None = None, **parse: object) -> UserUttered:
    """A user message as Rasa logs it (the normaliser's typed text in the metadata when it differs)."""
    parse_data = {"text": words, "intent": {"name": intent, "confidence": 0.9}, "entities": [], **parse}
    return UserUttered(words, parse_data=parse_data, timestamp=at, metadata={"typed_text": f" {words} "})


def asked_for_verification() -> list[Event]:
    """The turn in which the form took a reference and asked for the verification answer."""
    return [
        ActionExecuted(LISTEN),
        said(f"any news on my case {REFERENCE}?", "ask_case_update"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        SlotSet("crime_ref", REFERENCE),
        SlotSet("requested_slot", "verification_answer"),
        Event.from_parameters(bot_uttered("utter_ask_verification")),
        ActionExecuted(LISTEN),
    ]


def answered(answer: str, *, verified: bool) -> list[Event]:
    """The turn of an answer: Rasa fills the slot from the text, then validation replaces it with a marker."""
    events: list[Event] = [
        said(answer, entities=[{"entity": "number", "value": answer}]),
        SlotSet("verification_answer", answer),
        ActionExecuted(FORM),
    ]
    if verified:
        return [
            *events,
            SlotSet("verification_answer", "verified"),
            SlotSet("verified", True),
            SlotSet("verified_reference", REFERENCE),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            ActionExecuted("action_give_case_update"),
            BotUttered(f"{REFERENCE}: Status: reported"),
            ActionExecuted(LISTEN),
        ]
    return [*events, SlotSet("verification_answer", None), Event.from_parameters(bot_uttered("utter_ask_postcode")),
            ActionExecuted(LISTEN)]


async def save_turn(store: HavenTrackerStore, sender_id: str, events: list[Event]) -> DialogueStateTracker:
    """Retrieve the conversation as Rasa does at the start of a turn, add the turn's events, save it."""
    tracker = await store.retrieve(sender_id) or DialogueStateTracker(sender_id, store.domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    if store.event_broker is not None:
        await store.event_broker.flush()  # the live view has counted the turn's messages
    return tracker


def raw_rows(engine) -> list[str]:
    """The `data` column of every stored event, as it sits in the database."""
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT data FROM events ORDER BY id"))]
