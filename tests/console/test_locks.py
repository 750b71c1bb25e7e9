"""Locked references in the console: every staff member sees them; a supervisor clears one after a phone check."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cases.lockout import locked_references
from bot.cases.verification import GRANTED, LOCKED, check_knowledge
from bot.models.base import utcnow
from bot.models.security import StaffAlert
from bot.models.staff import AuditEntry
from bot.models.verification import VerificationLockClear
from tests.cases.factories import CONTACT_NUMBER, make_case
from tests.cases.test_verification import RIGHT, WRONG_ANSWER
from tests.console.conftest import csrf_from, log_in
from tests.console.test_api import bearer
from tests.console.test_pages import page
from tests.handoff.factories import make_staff

REF = "SP/20001/26"
OWN = f"sms:{CONTACT_NUMBER}"
GUESSERS = ["webchat:a1b2", "rest:guesser", "telegram:1001"]
CONFIRMED = {"reference": REF, "identity_checked": "yes", "note": "Called the number on the case; PIN confirmed."}


@pytest.fixture
def locked(session):
    """REF locked by three wrong answers from three senders over the last quarter of an hour."""
    make_case(session, reference=REF)
    start = utcnow() - timedelta(minutes=15)
    outcomes = []
    for i, sender in enumerate(GUESSERS):
        outcome = check_knowledge(
            session, reference=REF, sender_key=sender, answer=WRONG_ANSWER, now=start + i * timedelta(minutes=5)
        )
        session.commit()
        outcomes.append(outcome.status)
    assert outcomes[-1] == LOCKED
    return REF


@pytest.fixture
def staff(session):
    make_staff(session, "jo.worker", name="Jo Bloggs")
    make_staff(session, "lee.super", role="supervisor", name="Lee Chen")


def _verify_now(session):
    outcome = check_knowledge(session, reference=REF, sender_key=OWN, answer=RIGHT, now=utcnow())
    session.commit()
    return outcome.status


def _clears(session):
    session.expire_all()
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "clear_verification_lock")).all()
    return session.scalars(select(VerificationLockClear)).all(), audited


async def test_a_worker_sees_the_lock_but_cannot_clear_it(console, http, session, staff, locked):
    await log_in(http, console.base_url, "jo.worker")
    assert 'href="/console/locks"' in await page(http, f"{console.base_url}/console/")
    html = await page(http, f"{console.base_url}/console/locks")
    row = html[html.index("<code>SP/20001/26</code>"):html.index("</tr>", html.index("<code>SP/20001/26</code>"))]
    assert row.count("<td>3</td>") == 2  # three failed tries, from three different senders
    assert "Only a supervisor can clear a lock" in html
    assert "Clear lock" not in html and "/locks/clear" not in html
    assert not any(sender in html for sender in [*GUESSERS, CONTACT_NUMBER])
    token = await csrf_from(http, f"{console.base_url}/console/locks")
    response = await http.post(
        f"{console.base_url}/console/locks/clear", data={"csrf_token": token, **CONFIRMED}, allow_redirects=False
    )
    assert response.status == 403
    assert _clears(session) == ([], [])
    assert _verify_now(session) == LOCKED


def _lock_alerts_open(session) -> list[str]:
    session.expire_all()
    alerts = session.scalars(
        select(StaffAlert).where(StaffAlert.kind == "verification_locked", StaffAlert.acknowledged_at.is_(None))
    )
    return [alert.detail["reference"] for alert in alerts]


async def test_a_supervisor_clears_the_lock_and_the_victim_can_verify_again(console, http, session, staff, locked):
    assert _lock_alerts_open(session) == [REF]
    await log_in(http, console.base_url, "lee.super")
    url = f"{console.base_url}/console/locks"
    token = await csrf_from(http, url)
    response = await http.post(f"{url}/clear", data={"csrf_token": token, **CONFIRMED}, allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/console/locks?notice=cleared")
    html = await page(http, console.base_url + response.headers["Location"])
    assert "Lock cleared. The victim can try to verify again now." in html
    assert "No references are locked." in html
    cleared = html[html.index("Cleared in the last 24 hours"):]
    assert "SP/20001/26" in cleared and "Lee Chen" in cleared
    rows, (audited,) = _clears(session)
    supervisor_id = audited.staff_id
    assert [(row.reference, row.staff_id) for row in rows] == [(REF, supervisor_id)]
    detail = audited.detail
    assert (audited.target, detail["identity_checked_by_phone"], detail["via"]) == (REF, True, "console")
    assert audited.detail["note"] == CONFIRMED["note"]
    assert _lock_alerts_open(session) == []  # settled by the clear: a new lock alerts staff again
    assert _verify_now(session) == GRANTED


@pytest.mark.parametrize(
    "form, error",
    [
        ({"identity_checked": ""}, "Confirm that you checked the victim&#39;s identity by phone"),
        ({"note": "  "}, "Add a short note saying how you checked"),
    ],
)
async def test_without_the_confirmation_nothing_changes(console, http, session, staff, locked, form, error):
    await log_in(http, console.base_url, "lee.super")
    url = f"{console.base_url}/console/locks"
    token = await csrf_from(http, url)
    response = await http.post(f"{url}/clear", data={"csrf_token": token, **CONFIRMED, **form}, allow_redirects=False)
    assert response.status == 400
    html = await response.text()
    assert error in html and "<code>SP/20001/26</code>" in html
    assert _clears(session) == ([], [])
    assert [reference for reference, _state in locked_references(session, now=utcnow())] == [REF]


async def test_a_clear_without_the_session_csrf_token_is_refused(console, http, session, staff, locked):
    await log_in(http, console.base_url, "lee.super")
    response = await http.post(f"{console.base_url}/console/locks/clear", data=CONFIRMED, allow_redirects=False)
    assert response.status == 403
    assert _clears(session) == ([], [])


async def test_the_api_lists_locks_and_only_a_supervisor_token_clears_one(console, http, session, staff, locked):
    worker, supervisor = bearer(session, "jo.worker"), bearer(session, "lee.super")
    clear = f"{console.base_url}/console/api/locks/clear"
    async with http.get(f"{console.base_url}/console/api/locks", headers=worker) as response:
        items = (await response.json())["items"]
    assert [(item["reference"], item["failures"], item["senders"]) for item in items] == [(REF, 3, 3)]
    body = {"reference": "sp 20001 26", "identity_checked": True, "note": "Phoned the victim."}
    async with http.post(clear, json=body, headers=worker) as response:
        assert response.status == 403
    unconfirmed = {**body, "identity_checked": "yes"}  # must be JSON true
    async with http.post(clear, json=unconfirmed, headers=supervisor) as refused:
        assert refused.status == 400
    assert _clears(session) == ([], [])
    async with http.post(clear, json=body, headers=supervisor) as response:
        assert (response.status, await response.json()) == (200, {"ok": True, "reference": REF})
    async with http.post(clear, json=body, headers=supervisor) as response:
        assert response.status == 409  # not locked any more
    rows, (audited,) = _clears(session)
    assert len(rows) == 1 and audited.detail["via"] == "api" and "token_id" in audited.detail
    assert _verify_now(session) == GRANTED
