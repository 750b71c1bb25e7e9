"""Staff set a victim's safe-contact choices on their conversation's page, over real HTTP: saved, checked, audited."""

from __future__ import annotations

from sqlalchemy import select

from bot.contact import preferences
from bot.models.staff import AuditEntry
from tests.console.conftest import CSRF_FIELD, console, http, log_in  # noqa: F401  (fixtures)
from tests.contact.factories import NUMBER, victim_with_an_update
from tests.handoff.factories import make_handoff, make_staff


async def form_page(console, http, handoff_id):  # noqa: F811
    async with http.get(f"{console.base_url}/console/conversations/{handoff_id}/contact") as page:
        return page.status, await page.text()


async def post(console, http, handoff_id, form, *, with_token=True):  # noqa: F811
    _status, page = await form_page(console, http, handoff_id)
    token = [("csrf_token", CSRF_FIELD.search(page).group(1))] if with_token else []
    url = f"{console.base_url}/console/conversations/{handoff_id}/contact"
    async with http.post(url, data=token + list(form), allow_redirects=False) as reply:
        return reply.status, reply.headers.get("Location"), await reply.text()


async def test_staff_save_channels_times_and_weekends_and_it_is_audited(console, http, session):  # noqa: F811
    victim = victim_with_an_update(session)
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, f"sms:{NUMBER}", level="medium", reason="asked")
    await log_in(http, console.base_url, "jo.worker")

    form = [("channels", "telegram"), ("channels", "sms"), ("window", "18:00-21:00"), ("no_weekends", "yes")]
    status, location, _body = await post(console, http, handoff.id, form)
    assert (status, location) == (303, f"/console/conversations/{handoff.id}/contact?saved=1")
    _status, page = await form_page(console, http, handoff.id)
    assert "Safe-contact choices saved." not in page  # only after saving
    session.expire_all()
    stored = preferences.load(session, victim)
    assert (stored.channels, str(stored.window), stored.no_weekends, stored.ask_first) == (
        ("telegram", "sms"), "18:00-21:00", True, False,
    )
    async with http.get(f"{console.base_url}/console/conversations/{handoff.id}/contact?saved=1") as page:
        text = await page.text()
    assert "Safe-contact choices saved." in text and 'value="18:00-21:00"' in text
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "save_contact_preferences")).all()
    expected = {"channels": "telegram,sms", "window": "18:00-21:00", "no_weekends": True, "ask_first": False}
    assert {key: entry.detail[key] for key in expected} == expected
    assert NUMBER not in str(entry.detail)


async def test_a_bad_time_range_is_explained_and_nothing_is_saved(console, http, session):  # noqa: F811
    victim = victim_with_an_update(session)
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, f"sms:{NUMBER}", level="medium", reason="asked")
    await log_in(http, console.base_url, "jo.worker")

    status, _location, body = await post(console, http, handoff.id, [("window", "after tea")])
    assert status == 400 and "Not saved: give the times like" in body
    status, _location, _body = await post(console, http, handoff.id, [("ask_first", "yes")], with_token=False)
    assert status == 403
    session.expire_all()
    assert preferences.load(session, victim) == preferences.Preferences()


async def test_an_unverified_conversation_has_nothing_to_set(console, http, session):  # noqa: F811
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, "sms:+447700900999", level="medium", reason="asked")
    await log_in(http, console.base_url, "jo.worker")
    status, page = await form_page(console, http, handoff.id)
    assert status == 200 and "has not proved who they are yet" in page and 'id="contact-form"' not in page
    assert (await form_page(console, http, handoff.id + 100))[0] == 404
