"""A risk disclosed while a conversation waits for a person raises its priority and queues safety advice."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.handoff.paused_risk import react_to_risk_while_paused, unanswered_risk
from bot.handoff.queue import active_handoff, open_handoff
from bot.models import OutboxMessage

THREAT = {"escalate": True, "level": "imminent", "category": "imminent_danger", "matched": ["x"]}


def paused_tracker(sender_id: str, risk: dict | None) -> DialogueStateTracker:
    parse_data = {"intent": {"name": "risk_disclosure", "confidence": 1.0}, "entities": [], "risk": risk or {}}
    return DialogueStateTracker.from_events(sender_id, [
        ActionExecuted("action_request_human"), ConversationPaused(),
        UserUttered("he is here with a knife", parse_data=parse_data),
    ])


def test_only_a_new_escalating_message_of_a_paused_conversation_counts():
    assert unanswered_risk(paused_tracker("sms:+447700900001", THREAT)) == THREAT
    assert unanswered_risk(paused_tracker("sms:+447700900001", {"escalate": False})) is None
    not_paused = DialogueStateTracker.from_events("x", [UserUttered("knife", parse_data={"risk": THREAT})])
    assert unanswered_risk(not_paused) is None


async def test_waiting_normal_handoff_becomes_imminent_with_advice(session, db_url):
    open_handoff(session, sender_id="sms:+447700900001", channel="sms", reason="requested")
    session.commit()
    tracker = paused_tracker("sms:+447700900001", THREAT)

    await react_to_risk_while_paused(tracker)

    session.expire_all()
    handoff = active_handoff(session, sender_id="sms:+447700900001")
    assert (handoff.level, handoff.category, handoff.reason) == ("imminent", "imminent_danger", "risk")
    queued = session.scalars(select(OutboxMessage)).all()
    assert [(row.channel, row.recipient) for row in queued] == [("sms", "+447700900001")]
    assert "999" in queued[0].payload["text"]
    assert tracker.events[-1].metadata == {"safety_advice": True}


async def test_no_second_advice_when_the_level_does_not_rise(session, db_url):
    open_handoff(session, sender_id="sms:+447700900002", channel="sms", reason="risk", level="imminent")
    session.commit()
    await react_to_risk_while_paused(paused_tracker("sms:+447700900002", THREAT))
    assert session.scalars(select(OutboxMessage)).all() == []
