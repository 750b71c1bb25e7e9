"""The console's live conversations: every conversation listed, filtered and sorted; transcripts audited; take-over."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, UserUttered
from sqlalchemy import select

from bot.handoff import wording
from bot.models.handoff import Handoff
from bot.models.live import LiveConversation
from bot.models.messaging import OutboxMessage
from bot.models.staff import AuditEntry
from bot.wording import response_text
from tests.console.conftest import csrf_from, log_in
from tests.handoff.factories import make_handoff, make_staff

CALM = "sms:+447700900111"
UNSURE = "webchat:7d3e9b21"
URGENT = "telegram:424242"


def said(text: str, **risk) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": "inform"}, "risk": risk})


async def seed_three(console) -> None:
    """A calm chat with the bot, one the risk model is unsure about, and an escalation."""
    await console.seed(CALM, [ActionExecuted("action_listen"), said("what happens at court?", score=0.02, band="none")])
    await console.seed(
        UNSURE,
        [
            ActionExecuted("action_listen"),
            said("I don't feel safe at home", score=0.41, band="uncertain", escalate=False, category="domestic_abuse"),
        ],
    )
    await console.seed(
        URGENT,
        [
            ActionExecuted("action_listen"),
            said(
                "he said he'll kill me", escalate=True, level="imminent", category="threat_to_life", matched=["kill me"]
            ),
        ],
    )


def ref_of(session, sender_id: str) -> str:
    session.expire_all()
    return session.scalar(select(LiveConversation.ref).where(LiveConversation.sender_id == sender_id))


async def feed(http, console, query: str = "") -> dict:
    async with http.get(f"{console.base_url}/console/live.json{query}") as response:
        assert response.status == 200
        return await response.json()


async def test_every_conversation_is_listed_highest_risk_first_with_state_and_no_text(console, http, session):
    make_staff(session)
    await seed_three(console)
    make_handoff(session, URGENT, level="imminent", reason="risk", category="threat_to_life")
    await log_in(http, console.base_url, "jo.worker")
    async with http.get(f"{console.base_url}/console/live") as response:
        html = await response.text()
    assert html.index("telegram …4242") < html.index("webchat …9b21") < html.index("sms …0111")
    data = await feed(http, console)
    assert [(i["contact"], i["state"], i["score_label"], i["category_label"]) for i in data["items"]] == [
        ("telegram …4242", "waiting", "1.00", "threat to life"),
        ("webchat …9b21", "watch", "0.41", "domestic abuse"),
        ("sms …0111", "bot", "0.02", ""),
    ]
    assert data["counts"] == {"with_staff": 0, "waiting": 1, "watch": 1, "bot": 1}
    body = str(data) + html
    assert "kill me" not in body and "+447700900111" not in body and "court" not in body
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "view_live")).all() == ["view_live"]


async def test_filters_and_sort_come_from_the_query_string(console, http, session):
    make_staff(session)
    await seed_three(console)
    await log_in(http, console.base_url, "jo.worker")
    assert [i["contact"] for i in (await feed(http, console, "?risk=escalated"))["items"]] == ["telegram …4242"]
    watch = await feed(http, console, "?risk=watch")
    assert [i["contact"] for i in watch["items"]] == ["telegram …4242", "webchat …9b21"] and watch["total"] == 3
    assert [i["contact"] for i in (await feed(http, console, "?state=bot"))["items"]] == ["sms …0111"]
    recent = await feed(http, console, "?sort=recent")
    assert [i["contact"] for i in recent["items"]] == ["telegram …4242", "webchat …9b21", "sms …0111"]
    async with http.get(f"{console.base_url}/console/live?risk=watch&state=watch") as response:
        html = await response.text()
    assert '<option value="watch" selected>Watch or higher</option>' in html and "sms …0111" not in html


async def test_opening_any_transcript_is_audited(console, http, session):
    make_staff(session)
    await seed_three(console)
    await log_in(http, console.base_url, "jo.worker")
    async with http.get(f"{console.base_url}/console/live/{ref_of(session, CALM)}") as response:
        assert response.status == 200
        html = await response.text()
    assert "what happens at court?" in html and "Take over this conversation" in html
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "read_transcript")).one()
    assert (audit.target, audit.staff_id, audit.detail["route"]) == (CALM, 1, "live_page")
    async with http.get(f"{console.base_url}/console/live/not-a-ref", allow_redirects=False) as response:
        assert response.status == 404


async def test_the_live_view_is_for_signed_in_staff_only(console, http, session):
    await seed_three(console)
    async with http.get(f"{console.base_url}/console/live.json") as response:
        assert response.status == 401
    async with http.get(f"{console.base_url}/console/live/{ref_of(session, CALM)}", allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"].endswith("/console/login")


async def test_take_over_hands_to_staff_tells_the_victim_and_the_usual_flow_follows(console, http, session):
    make_staff(session, "jo.worker", name="Jo Bloggs")
    await console.seed(CALM, [ActionExecuted("action_listen"), said("SP/10001/26"), ActiveLoop("case_update_form")])
    await log_in(http, console.base_url, "jo.worker")
    url = f"{console.base_url}/console/live/{ref_of(session, CALM)}"
    token = await csrf_from(http, url)
    response = await http.post(f"{url}/take-over", data={"csrf_token": token}, allow_redirects=False)
    handoff = session.scalars(select(Handoff)).one()
    assert response.status == 303
    assert response.headers["Location"] == f"/console/conversations/{handoff.id}?notice=claimed"
    assert (handoff.reason, handoff.status, handoff.claimed_by, handoff.channel) == (
        "staff_takeover",
        "active",
        1,
        "sms",
    )

    tracker = await console.agent.tracker_store.retrieve(CALM)
    assert not tracker.is_paused() and tracker.active_loop_name is None  # the open row keeps the bot quiet
    joined = [e for e in tracker.events if isinstance(e, BotUttered)][-1]
    staff_joined = response_text(wording.STAFF_JOINED, "sms")
    assert (joined.text, joined.metadata) == (staff_joined, {"staff": "Jo Bloggs"})
    outbox = session.scalars(select(OutboxMessage)).all()
    assert [(m.channel, m.recipient, m.payload["text"], m.origin) for m in outbox] == [
        ("sms", "+447700900111", staff_joined, "staff")
    ]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "take_over")).one()
    assert (audit.target, audit.detail["handoff_id"], audit.detail["already_open"]) == (CALM, handoff.id, False)
    assert [(i["state"], i["claimed_by"]) for i in (await feed(http, console))["items"]] == [
        ("with_staff", "jo.worker")
    ]

    conversation = f"{console.base_url}/console/conversations/{handoff.id}"
    for action, form in (
        ("reply", {"text": "Hello, I'm Jo."}),
        ("close", {"outcome": "advice_given", "resolution": "handback"}),
    ):
        response = await http.post(
            f"{conversation}/{action}", data={"csrf_token": token, **form}, allow_redirects=False
        )
        assert response.status == 303 and "error" not in response.headers["Location"], action
    assert [(i["state"]) for i in (await feed(http, console))["items"]] == ["bot"]


async def test_take_over_respects_a_colleagues_claim_unless_a_supervisor(console, http, session):
    make_staff(session, "jo.worker")
    sam = make_staff(session, "sam.worker")
    make_staff(session, "lee.super", role="supervisor")
    await seed_three(console)
    handoff = make_handoff(session, URGENT, level="imminent", reason="risk")
    handoff.claimed_by, handoff.status = sam.id, "active"
    session.commit()
    url = f"{console.base_url}/console/live/{ref_of(session, URGENT)}"
    await log_in(http, console.base_url, "jo.worker")
    response = await http.post(
        f"{url}/take-over", data={"csrf_token": await csrf_from(http, url)}, allow_redirects=False
    )
    assert response.headers["Location"].endswith("?error=conflict")
    async with http.get(console.base_url + response.headers["Location"]) as page:
        assert "Another worker is handling this conversation." in await page.text()
    response = await http.post(f"{url}/take-over", data={"csrf_token": "forged"}, allow_redirects=False)
    assert response.status == 403

    http.cookie_jar.clear()
    await log_in(http, console.base_url, "lee.super")
    response = await http.post(
        f"{url}/take-over", data={"csrf_token": await csrf_from(http, url)}, allow_redirects=False
    )
    assert response.headers["Location"] == f"/console/conversations/{handoff.id}?notice=claimed"
    session.expire_all()
    assert session.scalars(select(Handoff.claimed_by)).all() == [3]  # the same hand-off, now the supervisor's
    assert session.scalars(select(OutboxMessage)).all() == []  # already waiting: the victim was told at escalation
