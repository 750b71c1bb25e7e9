"""State and listing: with staff, waiting, watch or bot, from real hand-offs; 24-hour cut-off, filters and sorting."""

from __future__ import annotations

from datetime import timedelta

from bot.handoff.queue import claim, close
from bot.live.listing import conversation_state, list_live, matches
from bot.live.record import record_turn
from bot.models.base import utcnow
from tests.handoff.factories import make_handoff, make_staff


def risk(score: float, band: str = "none", category: str | None = None) -> dict:
    return {"escalate": band == "escalate", "level": None, "category": category, "score": score, "band": band}


def test_state_follows_the_open_handoff_then_the_watch_flag(session):
    jo = make_staff(session)
    waiting = make_handoff(session, "sms:+447700900001")
    assert conversation_state(waiting, watch=False) == "waiting"
    claim(session, handoff_id=waiting.id, staff=jo)
    assert conversation_state(waiting, watch=False) == "with_staff"
    assert conversation_state(None, watch=True) == "watch"
    assert conversation_state(None, watch=False) == "bot"


def seed(session, now):
    record_turn(session, sender_id="sms:+447700900001", channel="sms", risk=risk(0.1), at=now - timedelta(minutes=1))
    record_turn(
        session,
        sender_id="telegram:1002",
        channel="telegram",
        risk=risk(0.97, "escalate", "stalking"),
        at=now - timedelta(hours=3),
    )
    record_turn(
        session,
        sender_id="webchat:abc3",
        channel="webchat",
        risk=risk(0.2, "uncertain", "self_harm"),
        at=now - timedelta(minutes=30),
    )
    record_turn(session, sender_id="sms:+447700900004", channel="sms", risk=risk(0.9), at=now - timedelta(hours=30))
    session.commit()


def test_listing_is_the_last_24_hours_highest_risk_first_with_states(session):
    now = utcnow()
    seed(session, now)
    jo = make_staff(session)
    handoff = make_handoff(session, "telegram:1002", level="high", reason="risk")
    claim(session, handoff_id=handoff.id, staff=jo)
    session.commit()
    items = list_live(session, now=now)
    assert [(item.sender_id, item.state) for item in items] == [
        ("telegram:1002", "with_staff"),
        ("webchat:abc3", "watch"),
        ("sms:+447700900001", "bot"),
    ]
    assert (items[0].max_risk_category, items[0].claimed_by, items[0].handoff_id) == (
        "stalking",
        "jo.worker",
        handoff.id,
    )
    recent = [item.sender_id for item in list_live(session, now=now, sort="recent")]
    assert recent == ["sms:+447700900001", "webchat:abc3", "telegram:1002"]


def test_an_open_handoff_keeps_an_older_conversation_listed_until_it_is_closed(session):
    now = utcnow()
    seed(session, now)
    jo = make_staff(session)
    handoff = make_handoff(session, "sms:+447700900004")
    assert [item.state for item in list_live(session, now=now) if item.sender_id == "sms:+447700900004"] == ["waiting"]
    claim(session, handoff_id=handoff.id, staff=jo)
    close(session, handoff_id=handoff.id, staff=jo, outcome="advice_given", resolution="handback")
    session.commit()
    assert "sms:+447700900004" not in [item.sender_id for item in list_live(session, now=now)]


def test_risk_and_state_filters(session):
    now = utcnow()
    seed(session, now)
    items = list_live(session, now=now)
    assert [item.sender_id for item in items if matches(item, risk="watch")] == ["telegram:1002", "webchat:abc3"]
    assert [item.sender_id for item in items if matches(item, risk="escalated")] == ["telegram:1002"]
    assert [item.sender_id for item in items if matches(item, state="bot")] == ["sms:+447700900001"]
    assert len([item for item in items if matches(item, risk="bogus", state="bogus")]) == 3


def test_the_migration_builds_the_table_the_model_describes(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert [diff for diff in diffs if "live_conversations" in repr(diff)] == []
