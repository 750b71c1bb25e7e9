"""Console pages: the queue, a conversation (transcript, risk, case summary) and staff actions by form."""

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from sqlalchemy import select

from bot.models.handoff import Handoff
from bot.models.security import StaffAlert
from bot.models.staff import AuditEntry
from tests.cases.factories import make_case
from tests.console.conftest import csrf_from, log_in
from tests.handoff.factories import make_handoff, make_staff

SENDER = "telegram:424242"
RISKY = {"escalate": True, "level": "imminent", "category": "suicide", "matched": ["end it all"]}


async def seed_conversation(console, *, verified_reference=None):
    events = [
        ActionExecuted("action_listen"),
        UserUttered("I want to end it all", parse_data={"intent": {"name": "risk_disclosure"}, "risk": RISKY}),
        BotUttered("Please call Samaritans on 116 123."),
    ]
    if verified_reference:
        events += [SlotSet("verified", True), SlotSet("verified_reference", verified_reference)]
    await console.seed(SENDER, events)


async def page(http, url):
    async with http.get(url, allow_redirects=False) as response:
        assert response.status == 200, response.status
        return await response.text()


async def test_queue_page_lists_conversations_most_urgent_first(console, http, session):
    make_staff(session)
    make_handoff(session, "sms:+447700900001", reason="requested")
    make_handoff(session, SENDER, level="imminent", reason="risk", category="suicide")
    await log_in(http, console.base_url, "jo.worker")
    html = await page(http, f"{console.base_url}/console/")
    assert html.index("Imminent risk") < html.index("Asked for a person")
    assert "telegram …4242" in html and "+447700900001" not in html
    async with http.get(f"{console.base_url}/console/queue.json") as response:
        items = (await response.json())["items"]
    assert [item["level"] for item in items] == ["imminent", "normal"]
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "view_queue")).all() == ["view_queue"]


async def test_conversation_page_shows_transcript_with_risk_and_hides_unverified_case(console, http, session):
    make_staff(session)
    handoff = make_handoff(session, SENDER, level="imminent", reason="risk", category="suicide")
    await seed_conversation(console)
    await log_in(http, console.base_url, "jo.worker")
    html = await page(http, f"{console.base_url}/console/conversations/{handoff.id}")
    assert "I want to end it all" in html and "msg-risk" in html and "Risk: imminent · suicide" in html
    assert "Please call Samaritans on 116 123." in html
    assert "Not verified: no case details are shown." in html
    assert "Claim this conversation" in html
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "read_transcript")).one()
    assert (audit.target, audit.detail["via"], audit.detail["route"]) == (SENDER, "console", "conversation_page")


async def test_verified_conversation_shows_the_case_summary(console, http, session):
    make_staff(session)
    make_case(session, reference="SP/20001/26")
    handoff = make_handoff(session, SENDER)
    await seed_conversation(console, verified_reference="SP/20001/26")
    await log_in(http, console.base_url, "jo.worker")
    html = await page(http, f"{console.base_url}/console/conversations/{handoff.id}")
    assert "SP/20001/26" in html and "Burglary of a home" in html


async def test_claim_reply_note_and_close_through_the_forms(console, http, session):
    make_staff(session, "jo.worker", name="Jo Bloggs")
    handoff = make_handoff(session, SENDER, level="imminent", reason="risk", category="suicide")
    await seed_conversation(console)
    await log_in(http, console.base_url, "jo.worker")
    url = f"{console.base_url}/console/conversations/{handoff.id}"
    token = await csrf_from(http, url)
    for action, form in (
        ("claim", {}),
        ("reply", {"text": "I'm here. Are you safe?"}),
        ("notes", {"body": "Gave Samaritans number."}),
        ("close", {"outcome": "advice_given", "resolution": "handback"}),
    ):
        response = await http.post(f"{url}/{action}", data={"csrf_token": token, **form}, allow_redirects=False)
        assert response.status == 303, action
        assert "error" not in response.headers["Location"], action
    html = await page(http, url)
    assert "Jo Bloggs (staff)" in html and "I&#39;m here. Are you safe?" in html
    assert "Gave Samaritans number." in html and "Conversation handed back to the bot" in html
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "closed"
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a not in ("read_transcript", "login", "totp_enrolled")] == [
        "claim", "reply", "add_note", "close"
    ]


async def test_a_second_worker_is_told_someone_else_has_it(console, http, session):
    jo = make_staff(session, "jo.worker")
    make_staff(session, "sam.worker")
    handoff = make_handoff(session)
    handoff.claimed_by, handoff.status = jo.id, "active"
    session.commit()
    await log_in(http, console.base_url, "sam.worker")
    url = f"{console.base_url}/console/conversations/{handoff.id}"
    token = await csrf_from(http, url)
    response = await http.post(f"{url}/claim", data={"csrf_token": token}, allow_redirects=False)
    html = await page(http, console.base_url + response.headers["Location"])
    assert "Another worker is handling this conversation." in html


async def test_supervisors_see_and_acknowledge_alerts_workers_cannot(console, http, session):
    make_staff(session, "lee.super", role="supervisor")
    make_staff(session, "jo.worker")
    session.add(StaffAlert(kind="verification_failures", detail={"reference": "SP/12345/26", "senders": 3}))
    session.commit()
    await log_in(http, console.base_url, "jo.worker")
    assert "verification failures" not in await page(http, f"{console.base_url}/console/")
    token = await csrf_from(http, f"{console.base_url}/console/")
    response = await http.post(
        f"{console.base_url}/console/alerts/1/acknowledge", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 403
    http.cookie_jar.clear()
    await log_in(http, console.base_url, "lee.super")
    html = await page(http, f"{console.base_url}/console/")
    assert "verification failures" in html and "reference: SP/12345/26, senders: 3" in html
    token = await csrf_from(http, f"{console.base_url}/console/")
    await http.post(f"{console.base_url}/console/alerts/1/acknowledge", data={"csrf_token": token})
    assert "No open alerts." in await page(http, f"{console.base_url}/console/")
