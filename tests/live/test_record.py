"""record_turn on a real database: insert then update one row per sender, risk folded over 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.live.record import record_turn
from bot.models.live import LiveConversation

SENDER = "sms:+447700900123"
T0 = datetime(2026, 11, 24, 9, 0)
THREAT = {"escalate": True, "level": "imminent", "category": "domestic_abuse", "matched": ["kill me"]}


def row(session) -> LiveConversation:
    session.expire_all()
    return session.scalars(select(LiveConversation).where(LiveConversation.sender_id == SENDER)).one()


def test_first_message_creates_the_row_with_an_opaque_reference(session):
    record_turn(session, sender_id=SENDER, channel="sms", risk=None, at=T0)
    session.commit()
    saved = row(session)
    assert (saved.channel, saved.last_message_at, saved.message_count) == ("sms", T0, 1)
    assert (saved.max_risk_score, saved.max_risk_category, saved.last_risk_band, saved.watch) == (
        0.0,
        None,
        "none",
        False,
    )
    assert len(saved.ref) >= 16 and "447700900123" not in saved.ref


def test_later_messages_update_the_same_row_and_keep_the_highest_risk(session):
    record_turn(session, sender_id=SENDER, channel="sms", risk=THREAT, at=T0)
    session.commit()
    calm = {"escalate": False, "level": None, "category": None, "matched": [], "score": 0.05, "band": "none"}
    record_turn(session, sender_id=SENDER, channel="sms", risk=calm, at=T0 + timedelta(hours=2))
    session.commit()
    saved = row(session)
    assert saved.message_count == 2
    assert saved.last_message_at == T0 + timedelta(hours=2)
    assert (saved.max_risk_score, saved.max_risk_category) == (1.0, "domestic_abuse")  # old data: escalate = 1.0
    assert (saved.last_risk_band, saved.watch) == ("none", True)
    assert session.scalars(select(LiveConversation)).all() == [saved]


def test_risk_older_than_24_hours_no_longer_counts(session):
    record_turn(session, sender_id=SENDER, channel="sms", risk=THREAT, at=T0)
    record_turn(session, sender_id=SENDER, channel="sms", risk={"escalate": False}, at=T0 + timedelta(hours=25))
    session.commit()
    saved = row(session)
    assert (saved.max_risk_score, saved.max_risk_category, saved.watch) == (0.0, None, False)


def test_uncertain_band_sets_watch_and_aware_times_are_stored_as_utc(session):
    uncertain = {"escalate": False, "level": None, "category": "self_harm", "score": 0.22, "band": "uncertain"}
    at = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    record_turn(session, sender_id=SENDER, channel="sms", risk=uncertain, at=at)
    session.commit()
    saved = row(session)
    assert saved.last_message_at == T0
    assert (saved.watch, saved.last_risk_band, saved.max_risk_score, saved.max_risk_category) == (
        True,
        "uncertain",
        0.22,
        "self_harm",
    )


def test_a_late_arriving_older_message_counts_but_does_not_move_the_last_message(session):
    record_turn(session, sender_id=SENDER, channel="sms", risk=None, at=T0 + timedelta(hours=1))
    record_turn(session, sender_id=SENDER, channel="sms", risk=THREAT, at=T0)
    session.commit()
    saved = row(session)
    assert (saved.message_count, saved.last_message_at, saved.last_risk_band) == (2, T0 + timedelta(hours=1), "none")
    assert saved.max_risk_score == 1.0


def test_another_session_updates_the_existing_row_instead_of_inserting_a_second(engine):
    from bot.db import session_factory

    first, second = session_factory(engine)(), session_factory(engine)()
    try:
        record_turn(first, sender_id=SENDER, channel="sms", risk=None, at=T0)
        first.commit()
        record_turn(second, sender_id=SENDER, channel="sms", risk=THREAT, at=T0 + timedelta(minutes=1))
        second.commit()
    finally:
        first.close()
        second.close()
    reader = session_factory(engine)()
    try:
        saved = row(reader)
        assert (saved.message_count, saved.max_risk_score) == (2, 1.0)
    finally:
        reader.close()


def test_concurrent_turns_of_one_sender_are_all_counted(engine):
    from concurrent.futures import ThreadPoolExecutor

    from bot.db import session_scope

    def worker(offset: int) -> None:
        for step in range(5):
            with session_scope(engine) as own:
                record_turn(
                    own, sender_id=SENDER, channel="sms", risk=None, at=T0 + timedelta(seconds=offset * 10 + step)
                )

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(worker, range(4)))
    with session_scope(engine) as reader:
        assert row(reader).message_count == 20
