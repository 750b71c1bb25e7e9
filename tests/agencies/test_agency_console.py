"""Agency accounts over real HTTP: only their referrals, only consented data, 403 elsewhere, accept tells the victim."""

from __future__ import annotations

from sqlalchemy import select

from bot.agencies.models import ReferralDecision
from bot.console import api_tokens
from bot.console.staff_store import find_staff
from bot.handoff.contact_later import ContactAnswer, record_answer
from bot.models.directory import Referral
from bot.models.messaging import OutboxMessage
from bot.models.staff import AuditEntry
from tests.agencies.factories import make_agency, make_agency_user, make_referral
from tests.console.conftest import CSRF_FIELD, console, http, log_in  # noqa: F401  (fixtures)
from tests.handoff.factories import make_handoff, make_staff

VICTIM = "sms:+447700900555"
OTHER_VICTIM = "sms:+447700900666"


def two_agencies_with_referrals(session):
    make_agency(session, "southmoor-ida", "Southmoor Independent Domestic Abuse Service")
    make_agency(session, "other-service", "Other Service")
    make_agency_user(session, "ida.desk", "southmoor-ida")
    ours = make_referral(session, "southmoor-ida", VICTIM, first_name="Sam")
    theirs = make_referral(session, "other-service", OTHER_VICTIM, first_name="Alex")
    return ours, theirs


async def signed_in_agency(console, http):  # noqa: F811
    response = await log_in(http, console.base_url, "ida.desk")
    assert response.status == 303
    return response


async def page(http, url):  # noqa: F811
    async with http.get(url, allow_redirects=False) as response:
        return response.status, await response.text(), response.headers.get("Location")


async def test_an_agency_sees_only_its_referrals_with_only_the_consented_details(console, http, session):  # noqa: F811
    two_agencies_with_referrals(session)
    make_handoff(session, VICTIM, level="high", reason="risk", category="domestic_abuse")
    await signed_in_agency(console, http)

    status, html, _ = await page(http, f"{console.base_url}/console/referrals")

    assert status == 200
    assert "Referrals to Southmoor Independent Domestic Abuse Service" in html
    assert "Sam" in html and "+447700900555" in html and "Southmoor" in html
    assert "Alex" not in html and "+447700900666" not in html
    assert "Queue" not in html and "Live conversations" not in html
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "referrals_viewed")).one()
    assert len(audit.detail["referrals"]) == 1


async def test_every_other_console_page_and_the_api_refuse_an_agency_account(console, http, session):  # noqa: F811
    two_agencies_with_referrals(session)
    handoff = make_handoff(session, VICTIM, level="high", reason="risk", category="domestic_abuse")
    response = await signed_in_agency(console, http)
    assert response.headers["Location"] == "/console/"

    status, _, location = await page(http, f"{console.base_url}/console/")
    assert (status, location) == (303, "/console/referrals")
    for path in (f"/conversations/{handoff.id}", f"/conversations/{handoff.id}/dash", "/live", "/locks", "/account"):
        status, html, _ = await page(http, f"{console.base_url}/console{path}")
        assert status == 403, path
        assert "Agency accounts can only use the Referrals page." in html
    token = CSRF_FIELD.search((await page(http, f"{console.base_url}/console/referrals"))[1]).group(1)
    async with http.post(f"{console.base_url}/console/conversations/{handoff.id}/claim", data={"csrf_token": token},
                         allow_redirects=False) as refused:
        assert refused.status == 403
    secret, _ = api_tokens.issue(session, owner=find_staff(session, username="ida.desk"), label="tried",
                                 role="staff", created_by=None)
    session.commit()
    async with http.get(f"{console.base_url}/console/api/queue", headers={"Authorization": f"Bearer {secret}"}) as api:
        assert api.status == 403
        assert (await api.json()) == {"error": "agency accounts cannot use the console API"}


async def test_gateway_staff_cannot_open_the_agency_page(console, http, session):  # noqa: F811
    make_staff(session, "jo.worker")
    await log_in(http, console.base_url, "jo.worker")
    status, _, _ = await page(http, f"{console.base_url}/console/referrals")
    assert status == 403


async def decide(console, http, referral_id, decision, note):  # noqa: F811
    _, html, _ = await page(http, f"{console.base_url}/console/referrals")
    token = CSRF_FIELD.search(html).group(1)
    async with http.post(
        f"{console.base_url}/console/referrals/{referral_id}/decision",
        data={"csrf_token": token, "decision": decision, "note": note},
        allow_redirects=False,
    ) as response:
        return response.status, response.headers.get("Location")


async def test_accepting_with_a_note_tells_the_victim_in_neutral_words(console, http, session):  # noqa: F811
    ours, theirs = two_agencies_with_referrals(session)
    await signed_in_agency(console, http)

    assert await decide(console, http, ours.id, "accepted", "Caseworker Kim will call on Monday") == (
        303, "/console/referrals?notice=accepted")

    session.expire_all()
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "+447700900555")).all()
    assert [row.payload["text"] for row in rows] == [
        "The service you agreed we could pass your details to has replied. They will get in touch with you soon."
    ]
    assert rows[0].status == "pending" and rows[0].origin == "notification"
    decision = session.scalars(select(ReferralDecision)).one()
    assert (decision.decision, decision.note, decision.decided_at is not None) == (
        "accepted", "Caseworker Kim will call on Monday", True)
    assert session.get(Referral, ours.id).status == "accepted"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "referral_accepted")).one()
    assert audit.detail["victim_told"] is True and "Kim" not in str(audit.detail)
    _, html, _ = await page(http, f"{console.base_url}/console/referrals")
    assert "Accepted" in html and "Caseworker Kim will call on Monday" in html
    assert await decide(console, http, theirs.id, "accepted", "") == (303, "/console/referrals?error=1")
    assert session.get(Referral, theirs.id).status == "new"


async def test_declining_or_not_safe_to_message_sends_nothing(console, http, session):  # noqa: F811
    ours, _ = two_agencies_with_referrals(session)
    second = make_referral(session, "southmoor-ida", "sms:+447700900777")
    make_handoff(session, "sms:+447700900777")
    record_answer(session, sender_id="sms:+447700900777", answer=ContactAnswer("no", "no"))
    session.commit()
    await signed_in_agency(console, http)

    assert (await decide(console, http, ours.id, "declined", "Outside our area"))[1].endswith("notice=declined")
    assert (await decide(console, http, second.id, "accepted", ""))[1].endswith("notice=accepted_untold")

    session.expire_all()
    assert session.scalars(select(OutboxMessage)).all() == []
    assert session.get(Referral, ours.id).status == "declined"
    told = session.scalars(select(AuditEntry).where(AuditEntry.action == "referral_accepted")).one()
    assert told.detail["victim_told"] is False
