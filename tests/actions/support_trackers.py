"""Helpers for the support-finder action tests: trackers, running an action, and directories to search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.directory.importer import import_directory
from bot.settings import PROJECT_ROOT
from tests.directory.factories import AGENCIES_FILE
from tests.handoff.dispatched import shown

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
SENDER = "telegram:123456"
ANSWERED_AT = 1_795_000_000.0  # the user's message timestamp (2026-11-18 11:06:40 UTC)


def make_tracker(
    text: str,
    *,
    intent: str = "inform_need",
    slots: dict | None = None,
    candidates: dict | None = None,
    requested_slot: str | None = None,
    active_loop: str | None = None,
    sender: str = SENDER,
) -> Tracker:
    """A tracker whose latest event is the user's `text`, followed by Rasa's slot candidates."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(candidates or {})
    all_slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    events = [{"event": "user", "timestamp": ANSWERED_AT, "text": text, "parse_data": latest}]
    events += [SlotSet(name, value) for name, value in (candidates or {}).items()]
    return Tracker(
        sender, all_slots, latest, events, False, None, {"name": active_loop} if active_loop else {}, "action_listen"
    )


async def run(action: Action, tracker: Tracker) -> tuple[list[dict], list[dict[str, Any]]]:
    """The action's events and its messages as the sender's channel shows them ({"text", "buttons"})."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    channel = tracker.sender_id.partition(":")[0]
    return events, [shown(message, channel) for message in dispatcher.messages]


def real_directory(session: Session) -> Session:
    """The session, with the real agencies.yml imported and committed."""
    import_directory(session, AGENCIES_FILE)
    session.commit()
    return session


def _agency(slug: str, name: str, **fields: Any) -> dict[str, Any]:
    record = {"slug": slug, "name": name, "summary": f"{name} helps.", "needs": ["stalking"],
              "phone": "01632 960001", "opening_hours": {}}  # fmt: skip
    return {**record, **fields}


def small_directory(session: Session, tmp_path: Path) -> Session:
    """One local agency that never says it is open, one national line open 24/7, and Victim Support."""
    agencies = [
        _agency("local-stalking", "Local Stalking Team", sample=True, areas=["Oakhollow"]),
        _agency("national-stalking", "National Stalking Line", national=True, phone="0808 802 0300",
                opening_hours={"always": True}),
        _agency("victim-support-supportline", "Victim Support Supportline", national=True, needs=["general"],
                phone="08 08 16 89 111", website="https://www.victimsupport.org.uk", opening_hours={"always": True}),
    ]  # fmt: skip
    path = tmp_path / "small.yml"
    path.write_text(yaml.safe_dump({"agencies": agencies}), encoding="utf-8")
    import_directory(session, path)
    session.commit()
    return session
