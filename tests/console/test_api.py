"""The console JSON API: a per-staff bearer token; staff actions write the tracker, the outbox and the audit log."""

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    UserUttered,
)
from sqlalchemy import select

from bot.console import api_tokens
from bot.handoff import wording
from bot.models.handoff import Handoff, HandoffNote
from bot.models.messaging import OutboxMessage
from bot.models.staff import AuditEntry, Staff
from bot.wording import response_text
from tests.handoff.factories import make_handoff, make_staff

SENDER = "sms:+447700900123"


def bearer(session, username: str, role: str = "staff") -> dict:
    """Authorization headers with a new token of `username`'s (created as a worker if needed)."""
    from bot.console.staff_store import find_staff

    owner = find_staff(session, username=username) or make_staff(session, username, name="Jo Bloggs")
    secret, _row = api_tokens.issue(session, owner=owner, label="tests", role=role, created_by=None)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def jo(session) -> dict:
    """jo.worker's full ("staff") token."""
    return bearer(session, "jo.worker")


@pytest.fixture
async def paused_conversation(console, session):
    """A victim whose risky message handed the conversation to a person: waiting in the queue."""
    await console.seed(
        SENDER,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                "he said he will hurt me tonight",
                parse_data={
                    "intent": {"name": "risk_disclosure", "confidence": 1.0},
                    "entities": [],
                    "risk": {"escalate": True, "level": "high", "category": "domestic_abuse", "matched": ["hurt me"]},
                },
            ),
            BotUttered("If you are in danger now, call 999."),
        ],
    )
    return make_handoff(session, SENDER, level="high", reason="risk", category="domestic_abuse")


async def post(http, url, body, headers):
    async with http.post(url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_without_a_token_of_its_own_nobody_gets_in(console, http, session):
    make_staff(session)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer hvn_" + "x" * 43}):
        async with http.get(f"{console.base_url}/console/api/queue", headers=headers) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_queue_lists_open_conversations(console, http, jo, paused_conversation):
    async with http.get(f"{console.base_url}/console/api/queue", headers=jo) as response:
        [item] = (await response.json())["items"]
    assert {key: item[key] for key in ("id", "sender_id", "channel", "level", "category", "status")} == {
        "id": paused_conversation.id,
        "sender_id": SENDER,
        "channel": "sms",
        "level": "high",
        "category": "domestic_abuse",
        "status": "waiting",
    }
    assert item["waiting_seconds"] >= 0


async def test_transcript_shows_messages_and_risk(console, http, jo, paused_conversation):
    url = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    async with http.get(url, headers=jo) as response:
        view = await response.json()
    user, bot, paused = view["transcript"]
    assert (user["kind"], user["text"], user["risk"]["category"]) == (
        "user",
        "he said he will hurt me tonight",
        "domestic_abuse",
    )
    assert (bot["kind"], paused["kind"]) == ("bot", "system")


async def test_claim_reply_note_and_hand_back(console, http, session, jo, paused_conversation):
    worker = session.scalars(select(Staff).where(Staff.username == "jo.worker")).one()
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    assert await post(http, f"{base}/claim", {}, jo) == (200, {"ok": True})
    assert await post(http, f"{base}/reply", {"text": "Are you safe right now?"}, jo) == (200, {"ok": True})
    assert await post(http, f"{base}/notes", {"body": "Advised 999."}, jo) == (200, {"ok": True})
    assert await post(http, f"{base}/close", {"outcome": "advice_given", "resolution": "handback"}, jo) == (
        200,
        {"ok": True, "told_victim": True},
    )

    events = await console.events(SENDER)
    staff_reply, handback = events[-2:]  # the transcript; nothing else in Rasa mirrors the hand-off
    assert (staff_reply.text, staff_reply.metadata) == ("Are you safe right now?", {"staff": "Jo Bloggs"})
    assert isinstance(staff_reply, BotUttered) and isinstance(handback, BotUttered)
    assert handback.text == response_text(wording.CLOSING["handback"], "sms")
    assert not (await console.agent.tracker_store.retrieve(SENDER)).is_paused()

    session.expire_all()
    handoff = session.get(Handoff, paused_conversation.id)
    assert (handoff.status, handoff.outcome, handoff.resolution, handoff.claimed_by) == (
        "closed",
        "advice_given",
        "handback",
        worker.id,
    )
    assert session.scalars(select(HandoffNote.body)).all() == ["Advised 999."]
    outbox = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.channel, m.recipient, m.payload["text"], m.origin) for m in outbox] == [
        ("sms", "+447700900123", "Are you safe right now?", "staff"),
        ("sms", "+447700900123", response_text(wording.CLOSING["handback"], "sms"), "staff"),
    ]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.staff_id == worker.id).order_by(AuditEntry.id)).all()
    assert [(entry.action, entry.detail["via"]) for entry in audit] == [
        ("claim", "api"),
        ("reply", "api"),
        ("add_note", "api"),
        ("close", "api"),
    ]
    assert "Are you safe" not in str([entry.detail for entry in audit])  # no message text in the audit log


async def test_ending_restarts_the_conversation(console, http, session, jo, paused_conversation):
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    await post(http, f"{base}/claim", {}, jo)
    status, _ = await post(http, f"{base}/close", {"outcome": "safeguarding_referral", "resolution": "end"}, jo)
    assert status == 200
    events = await console.events(SENDER)
    assert events[-3].text == response_text(wording.CLOSING["end"], "sms")
    assert isinstance(events[-2], ActionExecuted) and isinstance(events[-1], Restarted)


async def test_second_worker_gets_a_conflict(console, http, session, jo, paused_conversation):
    sam = bearer(session, "sam.worker")
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    await post(http, f"{base}/claim", {}, jo)
    status, body = await post(http, f"{base}/claim", {}, sam)
    assert (status, body["error"]) == (409, "Another worker is already handling this conversation.")
    status, body = await post(http, f"{base}/reply", {"text": "hello"}, sam)
    assert status == 409
    status, body = await post(http, f"{base}/close", {"outcome": "done", "resolution": "end"}, jo)
    assert status == 400 and "Outcome must be one of" in body["error"]


async def test_unknown_conversation_is_404(console, http, jo):
    async with http.get(f"{console.base_url}/console/api/conversations/999", headers=jo) as response:
        assert response.status == 404


async def test_undelivered_messages_to_the_victim_are_shown_to_staff(console, http, session, jo, paused_conversation):
    session.add_all([
        OutboxMessage(channel="sms", recipient="+447700900123", payload={"text": "x"}, origin="staff",
                      status="sent", provider_message_id="SM1", delivery_status="undelivered",
                      last_error="provider reported undelivered (error 30003)"),
        OutboxMessage(channel="sms", recipient="+447700900999", payload={"text": "y"}, status="failed"),
    ])
    session.commit()
    url = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    async with http.get(url, headers=jo) as response:
        problems = (await response.json())["delivery_problems"]
    assert [(problem["origin"], problem["status"]) for problem in problems] == [("staff", "undelivered")]
    assert "30003" in problems[0]["error"]
    assert "x" not in str(problems)  # never the message body
