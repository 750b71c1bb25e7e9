"""Staff see whether it is safe to message the victim later: after NO nothing is sent until the victim writes again,
and a safe time is shown before they reply."""

from __future__ import annotations

import time

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sqlalchemy import select

from bot.handoff.contact_later import ContactAnswer, record_answer
from bot.models.messaging import OutboxMessage
from tests.console.conftest import csrf_from, log_in
from tests.console.test_api import bearer, post
from tests.handoff.factories import make_handoff, make_staff

SENDER = "sms:+447700900654"
ASKED = "Is it safe for us to message you here later? Reply YES, NO, or a safe time."


async def answered(console, session, words: str, choice: str) -> tuple[int, float]:
    """A waiting victim was asked whether it is safe to message them later and answered a minute ago."""
    at = time.time() - 60
    await console.seed(SENDER, [
        ActionExecuted("action_listen", timestamp=at - 10),
        UserUttered("can I talk to someone", parse_data={"intent": {"name": "talk_to_human"}}, timestamp=at - 9),
        BotUttered(ASKED, timestamp=at - 8),
        ActionExecuted("action_listen", timestamp=at - 7),
        UserUttered(words, parse_data={"intent": {"name": "inform"}}, timestamp=at),
    ])  # fmt: skip
    handoff = make_handoff(session, SENDER, reason="requested")
    record_answer(session, sender_id=SENDER, answer=ContactAnswer(choice, words), at=at)
    session.commit()
    return handoff.id, at


def queued(session) -> list[str]:
    session.expire_all()
    return [row.payload["text"] for row in session.scalars(select(OutboxMessage)).all()]


async def test_after_no_a_reply_is_refused_with_the_reason_until_they_write_again(console, http, session):
    headers = bearer(session, "jo.worker")
    handoff_id, at = await answered(console, session, "NO", "no")
    base = f"{console.base_url}/console/api/conversations/{handoff_id}"
    assert await post(http, f"{base}/claim", {}, headers) == (200, {"ok": True})

    status, body = await post(http, f"{base}/reply", {"text": "Hi, are you OK?"}, headers)
    assert status == 409 and "not safe to message them" in body["error"]
    assert queued(session) == []  # nothing goes to their phone
    async with http.get(base, headers=headers) as response:
        view = await response.json()
    assert view["contact_later"] == {"answer": "no", "blocked": True, "safe_time": None}
    assert "Hi, are you OK?" not in str(view["transcript"])

    await console.seed(SENDER, [UserUttered("he's gone out, I can talk now", timestamp=at + 120)])
    assert await post(http, f"{base}/reply", {"text": "Hi, are you OK?"}, headers) == (200, {"ok": True})
    assert queued(session) == ["Hi, are you OK?"]  # their own message was the prompt


async def test_the_conversation_page_says_why_nothing_can_be_sent(console, http, session):
    make_staff(session, "jo.worker", name="Jo Bloggs")
    handoff_id, _at = await answered(console, session, "no it isn't", "no")
    await log_in(http, console.base_url, "jo.worker")
    url = f"{console.base_url}/console/conversations/{handoff_id}"
    token = await csrf_from(http, url)
    await http.post(f"{url}/claim", data={"csrf_token": token}, allow_redirects=False)

    response = await http.post(f"{url}/reply", data={"csrf_token": token, "text": "Hello?"}, allow_redirects=False)
    assert response.headers["Location"].endswith("?error=not_safe")
    async with http.get(console.base_url + response.headers["Location"]) as page:
        html = await page.text()
    assert "Do not message them" in html and "they have not written since" in html
    assert queued(session) == []

    response = await http.post(f"{url}/close", data={"csrf_token": token, "outcome": "no_further_action",
                                                     "resolution": "handback"}, allow_redirects=False)  # fmt: skip
    assert response.headers["Location"].endswith("?notice=closed_untold")
    async with http.get(console.base_url + response.headers["Location"]) as page:
        assert "Nothing was sent to them" in await page.text()
    assert queued(session) == []


async def test_a_safe_time_is_shown_before_staff_reply_and_does_not_block(console, http, session):
    make_staff(session, "jo.worker", name="Jo Bloggs")
    handoff_id, _at = await answered(console, session, "only after 6pm", "time")
    await log_in(http, console.base_url, "jo.worker")
    url = f"{console.base_url}/console/conversations/{handoff_id}"
    async with http.get(url) as page:
        html = await page.text()
    assert "only safe to message them at this time" in html and "only after 6pm" in html
    token = await csrf_from(http, url)
    await http.post(f"{url}/claim", data={"csrf_token": token}, allow_redirects=False)
    response = await http.post(f"{url}/reply", data={"csrf_token": token, "text": "Hello"}, allow_redirects=False)
    assert response.headers["Location"].endswith("?notice=sent")
    assert queued(session) == ["Hello"]


async def test_an_api_close_after_no_says_the_victim_was_not_told(console, http, session):
    headers = bearer(session, "jo.worker")
    handoff_id, _at = await answered(console, session, "NO", "no")
    base = f"{console.base_url}/console/api/conversations/{handoff_id}"
    assert await post(http, f"{base}/claim", {}, headers) == (200, {"ok": True})
    closed = await post(http, f"{base}/close", {"outcome": "no_further_action", "resolution": "handback"}, headers)
    assert closed == (200, {"ok": True, "told_victim": False})
    assert queued(session) == []
