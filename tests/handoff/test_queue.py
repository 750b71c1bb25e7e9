"""The hand-off queue: opening, ordering, claiming, reassigning, closing and notes."""

from datetime import datetime, timedelta

import pytest

from bot.handoff import queue
from bot.models.handoff import HandoffNote
from tests.handoff.factories import make_handoff, make_staff

NOW = datetime(2026, 11, 24, 12, 0)


def test_opening_twice_for_one_sender_returns_the_open_handoff(session):
    first = make_handoff(session, "telegram:555", reason="requested")
    again = queue.open_handoff(session, sender_id="telegram:555", channel="telegram", reason="fallback")
    assert again.id == first.id
    assert [item.id for item in queue.list_queue(session, NOW)] == [first.id]


def test_a_more_urgent_level_raises_the_priority_and_a_lesser_one_does_not(session):
    handoff = make_handoff(session, "sms:+447700900001", level="medium", reason="risk", category="stalking")
    raised = queue.open_handoff(
        session,
        sender_id="sms:+447700900001",
        channel="sms",
        reason="risk",
        level="imminent",
        category="domestic_abuse",
    )
    assert (raised.id, raised.level, raised.priority, raised.category) == (handoff.id, "imminent", 0, "domestic_abuse")
    kept = queue.open_handoff(session, sender_id="sms:+447700900001", channel="sms", reason="requested")
    assert (kept.level, kept.priority) == ("imminent", 0)


def test_queue_is_ordered_by_priority_then_longest_wait(session):
    old_normal = make_handoff(session, "sms:+447700900002", created_at=NOW - timedelta(minutes=30))
    new_high = make_handoff(
        session, "sms:+447700900003", level="high", reason="risk", created_at=NOW - timedelta(minutes=1)
    )
    old_high = make_handoff(session, "webchat:abc", level="high", reason="risk", created_at=NOW - timedelta(minutes=9))
    imminent = make_handoff(
        session,
        "telegram:77",
        level="imminent",
        reason="risk",
        category="suicide",
        created_at=NOW - timedelta(seconds=5),
    )
    items = queue.list_queue(session, NOW)
    assert [item.id for item in items] == [imminent.id, old_high.id, new_high.id, old_normal.id]
    assert items[0].to_dict() == {
        "id": imminent.id,
        "sender_id": "telegram:77",
        "channel": "telegram",
        "level": "imminent",
        "category": "suicide",
        "reason": "risk",
        "status": "waiting",
        "waiting_seconds": 5,
        "claimed_by": None,
        "opened_at": (NOW - timedelta(seconds=5)).isoformat(timespec="seconds"),
        "opened_out_of_hours": False,
    }


def test_one_worker_at_a_time_and_a_clear_error_for_the_second(session):
    handoff = make_handoff(session)
    jo, sam = make_staff(session, "jo.worker"), make_staff(session, "sam.worker")
    queue.claim(session, handoff_id=handoff.id, staff=jo)
    with pytest.raises(queue.ClaimConflict, match="Another worker is already handling this conversation"):
        queue.claim(session, handoff_id=handoff.id, staff=sam)
    assert queue.claim(session, handoff_id=handoff.id, staff=jo).claimed_by == jo.id  # claiming again is harmless
    [item] = queue.list_queue(session, NOW + timedelta(days=1))
    assert (item.status, item.claimed_by) == ("active", "jo.worker")


def test_supervisors_take_over_and_reassign(session):
    handoff = make_handoff(session)
    jo, sam = make_staff(session, "jo.worker"), make_staff(session, "sam.worker")
    lee = make_staff(session, "lee.super", role="supervisor")
    queue.claim(session, handoff_id=handoff.id, staff=jo)
    assert queue.claim(session, handoff_id=handoff.id, staff=lee).claimed_by == lee.id
    assert queue.reassign(session, handoff_id=handoff.id, supervisor=lee, to_staff=sam).claimed_by == sam.id
    with pytest.raises(queue.HandoffError, match="Only a supervisor"):
        queue.reassign(session, handoff_id=handoff.id, supervisor=jo, to_staff=jo)


def test_close_records_outcome_and_leaves_the_queue(session):
    handoff = make_handoff(session)
    jo, sam = make_staff(session, "jo.worker"), make_staff(session, "sam.worker")
    queue.claim(session, handoff_id=handoff.id, staff=jo)
    with pytest.raises(queue.ClaimConflict):
        queue.close(session, handoff_id=handoff.id, staff=sam, outcome="advice_given", resolution="handback")
    with pytest.raises(queue.HandoffError, match="Outcome must be one of"):
        queue.close(session, handoff_id=handoff.id, staff=jo, outcome="sorted", resolution="handback")
    closed = queue.close(session, handoff_id=handoff.id, staff=jo, outcome="referred_to_agency", resolution="end")
    assert (closed.status, closed.outcome, closed.resolution) == ("closed", "referred_to_agency", "end")
    assert closed.closed_at is not None
    assert queue.list_queue(session, NOW) == []
    assert queue.active_handoff(session, sender_id=handoff.sender_id) is None
    reopened = queue.open_handoff(session, sender_id=handoff.sender_id, channel="sms", reason="requested")
    assert reopened.id != handoff.id


def test_notes_are_kept_with_their_author(session):
    handoff = make_handoff(session)
    jo = make_staff(session, "jo.worker", name="Jo Bloggs")
    queue.add_note(session, handoff_id=handoff.id, staff=jo, body="  Called back, no answer.  ")
    with pytest.raises(queue.HandoffError, match="can't be empty"):
        queue.add_note(session, handoff_id=handoff.id, staff=jo, body="   ")
    [(note, author)] = queue.list_notes(session, handoff_id=handoff.id)
    assert (note.body, author) == ("Called back, no answer.", "Jo Bloggs")
    assert isinstance(note, HandoffNote)


def test_unknown_handoff_is_reported(session):
    jo = make_staff(session)
    with pytest.raises(queue.HandoffNotFound):
        queue.claim(session, handoff_id=999, staff=jo)
