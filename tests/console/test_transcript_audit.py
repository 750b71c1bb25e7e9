"""Every read of a transcript is audited, whichever route reads it: pages, JSON feeds, the live view, the API."""

from __future__ import annotations

import re

from rasa.shared.core.events import ActionExecuted, UserUttered
from sqlalchemy import func, select

from bot.console import api_tokens
from bot.models.live import LiveConversation
from bot.models.staff import AuditEntry
from tests.console.conftest import log_in
from tests.handoff.factories import make_handoff, make_staff

SENDER = "sms:+447700900555"
MARKER = "the blue door behind the bakery"  # only the transcript holds these words
PARAMETER = re.compile(r"<(\w+):\w+>")


def reads(session, target: str) -> int:
    """How many transcript reads the audit log counts for a conversation (entries plus their repeats)."""
    session.expire_all()
    entries = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "read_transcript",
                                                            AuditEntry.target == target)
    )
    repeats = session.scalar(
        select(func.coalesce(func.sum(AuditEntry.repeats), 0)).where(
            AuditEntry.action == "read_transcript", AuditEntry.target == target
        )
    )
    return entries + repeats


def console_get_routes(app) -> list[tuple[str, str]]:
    """(name, path) of every GET route the console mounts, static files aside."""
    return sorted(
        (route.name.rsplit(".", 1)[-1], "/" + route.path)
        for route in app.router.routes
        if route.path.startswith("console") and "GET" in route.methods and "static" not in route.name
    )


async def test_every_route_that_shows_a_transcript_audits_each_read(console, http, session):
    jo = make_staff(session, "jo.worker")
    handoff = make_handoff(session, SENDER, level="high", reason="risk", category="stalking")
    await console.seed(SENDER, [ActionExecuted("action_listen"), UserUttered(f"he waits at {MARKER}")])
    secret, _row = api_tokens.issue(session, owner=jo, label="tests", role="reader", created_by=None)
    session.commit()
    ref = session.scalar(select(LiveConversation.ref).where(LiveConversation.sender_id == SENDER))
    values = {"handoff_id": str(handoff.id), "ref": ref, "alert_id": "1", "token_id": "1"}
    await log_in(http, console.base_url, "jo.worker")

    showing = []
    for name, path in console_get_routes(console.app):
        url = console.base_url + PARAMETER.sub(lambda match: values[match.group(1)], path)
        for _twice in range(2):  # a second read soon after (polling) must be counted too
            before = reads(session, SENDER)
            async with http.get(url, headers={"Authorization": f"Bearer {secret}"}, allow_redirects=False) as response:
                body = await response.text()
            if MARKER not in body:
                assert reads(session, SENDER) == before, name
                break
            assert reads(session, SENDER) == before + 1, f"{name} showed the transcript without an audit entry"
        else:
            showing.append(name)
    assert showing == sorted(
        ["api_conversation", "conversation_page", "live_conversation_page", "live_transcript_feed", "transcript_feed"]
    )
    routes = session.scalars(select(AuditEntry).where(AuditEntry.action == "read_transcript")).all()
    assert {(entry.detail["route"], entry.staff_id, entry.repeats) for entry in routes} == {
        ("conversation_page", jo.id, 1),
        ("transcript_feed", jo.id, 1),
        ("live_page", jo.id, 1),
        ("live_feed", jo.id, 1),
        ("api_conversation", jo.id, 1),
    }
    api_read = next(entry for entry in routes if entry.detail["route"] == "api_conversation")
    assert api_read.detail["via"] == "api" and api_read.detail["token_id"] == _row.id
    assert MARKER not in str([entry.detail for entry in routes])  # what was read is never copied into the log


def test_polling_reads_share_an_entry_for_five_minutes_then_start_another(session):
    from datetime import timedelta

    from bot.console import audit

    jo, sam = make_staff(session, "jo.worker"), make_staff(session, "sam.worker")
    first = audit.record_read(session, staff_id=jo.id, target=SENDER, route="transcript_feed", via="console")
    audit.record_read(session, staff_id=jo.id, target=SENDER, route="transcript_feed", via="console")
    audit.record_read(session, staff_id=sam.id, target=SENDER, route="transcript_feed", via="console")
    audit.record_read(session, staff_id=jo.id, target=SENDER, route="live_feed", via="console")
    session.commit()
    session.refresh(first)
    assert (first.repeats, first.last_at is not None) == (1, True)
    first.at -= timedelta(minutes=6)
    session.commit()
    audit.record_read(session, staff_id=jo.id, target=SENDER, route="transcript_feed", via="console")
    session.commit()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(entry.staff_id, entry.detail["route"], entry.repeats) for entry in entries] == [
        (jo.id, "transcript_feed", 1),
        (sam.id, "transcript_feed", 0),
        (jo.id, "live_feed", 0),
        (jo.id, "transcript_feed", 0),
    ]
