"""The console JSON API: bearer token only, and staff actions write the tracker, the outbox and the audit log."""

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy import select

from bot.handoff import wording
from bot.models.handoff import Handoff, HandoffNote
from bot.models.messaging import OutboxMessage
from bot.models.staff import AuditEntry
from bot.settings import get_settings
from tests.handoff.factories import make_handoff, make_staff

TOKEN = "console-api-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SENDER = "sms:+447700900123"


@pytest.fixture
def api_enabled(monkeypatch):
    monkeypatch.setenv("HAVEN_CONSOLE_API_TOKEN", TOKEN)
    get_settings.cache_clear()


@pytest.fixture
async def paused_conversation(console, session):
    """A victim whose risky message paused the conversation, waiting in the queue."""
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
            SlotSet("handoff_active", True),
            ConversationPaused(),
        ],
    )
    return make_handoff(session, SENDER, level="high", reason="risk", category="domestic_abuse")


async def post(http, url, body):
    async with http.post(url, json=body, headers=AUTH) as response:
        return response.status, await response.json()


async def test_api_is_off_without_a_configured_token(console, http):
    async with http.get(f"{console.base_url}/console/api/queue", headers=AUTH) as response:
        assert response.status == 404


async def test_wrong_token_is_refused(console, http, api_enabled):
    async with http.get(f"{console.base_url}/console/api/queue", headers={"Authorization": "Bearer nope"}) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_queue_lists_open_conversations(console, http, api_enabled, paused_conversation):
    async with http.get(f"{console.base_url}/console/api/queue", headers=AUTH) as response:
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


async def test_transcript_shows_messages_and_risk(console, http, api_enabled, paused_conversation):
    url = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    async with http.get(url, headers=AUTH) as response:
        view = await response.json()
    user, bot, paused = view["transcript"]
    assert (user["kind"], user["text"], user["risk"]["category"]) == (
        "user",
        "he said he will hurt me tonight",
        "domestic_abuse",
    )
    assert (bot["kind"], paused["kind"]) == ("bot", "system")


async def test_claim_reply_note_and_hand_back(console, http, session, api_enabled, paused_conversation):
    jo = make_staff(session, "jo.worker", name="Jo Bloggs")
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    assert await post(http, f"{base}/claim", {"staff": "jo.worker"}) == (200, {"ok": True})
    assert await post(http, f"{base}/reply", {"staff": "jo.worker", "text": "Are you safe right now?"}) == (
        200,
        {"ok": True},
    )
    assert await post(http, f"{base}/notes", {"staff": "jo.worker", "body": "Advised 999."}) == (200, {"ok": True})
    assert await post(
        http, f"{base}/close", {"staff": "jo.worker", "outcome": "advice_given", "resolution": "handback"}
    ) == (200, {"ok": True})

    events = await console.events(SENDER)
    staff_reply, handback, resumed, slot, listen = events[-5:]
    assert (staff_reply.text, staff_reply.metadata) == ("Are you safe right now?", {"staff": "Jo Bloggs"})
    assert isinstance(staff_reply, BotUttered) and isinstance(handback, BotUttered)
    assert handback.text == wording.HANDBACK_MESSAGE
    assert isinstance(resumed, ConversationResumed)
    assert (slot.key, slot.value) == ("handoff_active", False)
    assert isinstance(listen, ActionExecuted) and listen.action_name == "action_listen"
    tracker = await console.agent.tracker_store.retrieve(SENDER)
    assert not tracker.is_paused() and tracker.get_slot("handoff_active") is False

    session.expire_all()
    handoff = session.get(Handoff, paused_conversation.id)
    assert (handoff.status, handoff.outcome, handoff.resolution, handoff.claimed_by) == (
        "closed",
        "advice_given",
        "handback",
        jo.id,
    )
    assert session.scalars(select(HandoffNote.body)).all() == ["Advised 999."]
    outbox = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.channel, m.recipient, m.payload["text"], m.origin) for m in outbox] == [
        ("sms", "+447700900123", "Are you safe right now?", "staff"),
        ("sms", "+447700900123", wording.HANDBACK_MESSAGE, "staff"),
    ]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.staff_id == jo.id).order_by(AuditEntry.id)).all()
    assert [(entry.action, entry.detail["via"]) for entry in audit] == [
        ("claim", "api"),
        ("reply", "api"),
        ("add_note", "api"),
        ("close", "api"),
    ]
    assert "Are you safe" not in str([entry.detail for entry in audit])  # no message text in the audit log


async def test_ending_restarts_the_conversation(console, http, session, api_enabled, paused_conversation):
    make_staff(session, "jo.worker")
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    await post(http, f"{base}/claim", {"staff": "jo.worker"})
    status, _ = await post(
        http, f"{base}/close", {"staff": "jo.worker", "outcome": "safeguarding_referral", "resolution": "end"}
    )
    assert status == 200
    events = await console.events(SENDER)
    assert events[-5].text == wording.END_MESSAGE
    assert isinstance(events[-4], ConversationResumed) and isinstance(events[-1], Restarted)


async def test_second_worker_gets_a_conflict(console, http, session, api_enabled, paused_conversation):
    make_staff(session, "jo.worker")
    make_staff(session, "sam.worker")
    base = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    await post(http, f"{base}/claim", {"staff": "jo.worker"})
    status, body = await post(http, f"{base}/claim", {"staff": "sam.worker"})
    assert (status, body["error"]) == (409, "Another worker is already handling this conversation.")
    status, body = await post(http, f"{base}/reply", {"staff": "sam.worker", "text": "hello"})
    assert status == 409
    status, body = await post(http, f"{base}/claim", {"staff": "nobody"})
    assert status == 400
    status, body = await post(http, f"{base}/close", {"staff": "jo.worker", "outcome": "done", "resolution": "end"})
    assert status == 400 and "Outcome must be one of" in body["error"]


async def test_unknown_conversation_is_404(console, http, api_enabled):
    async with http.get(f"{console.base_url}/console/api/conversations/999", headers=AUTH) as response:
        assert response.status == 404


async def test_undelivered_messages_to_the_victim_are_shown_to_staff(console, http, session, api_enabled,
                                                                     paused_conversation):
    session.add_all([
        OutboxMessage(channel="sms", recipient="+447700900123", payload={"text": "x"}, origin="staff",
                      status="sent", provider_message_id="SM1", delivery_status="undelivered",
                      last_error="provider reported undelivered (error 30003)"),
        OutboxMessage(channel="sms", recipient="+447700900999", payload={"text": "y"}, status="failed"),
    ])
    session.commit()
    url = f"{console.base_url}/console/api/conversations/{paused_conversation.id}"
    async with http.get(url, headers=AUTH) as response:
        problems = (await response.json())["delivery_problems"]
    assert [(problem["origin"], problem["status"]) for problem in problems] == [("staff", "undelivered")]
    assert "30003" in problems[0]["error"]
    assert "x" not in str(problems)  # never the message body
