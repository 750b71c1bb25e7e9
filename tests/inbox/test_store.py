"""The durable inbox: stored once, claimed in order per sender by one processor, re-driven after a crash."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db import session_factory
from bot.inbox import store
from bot.models.base import utcnow
from bot.models.inbox import InboxMessage

LEASE = timedelta(seconds=15)


def _receive(session, provider_id: str, *, address: str = "+447700900123", body: str = "he is here") -> store.Received:
    return store.receive(
        session, provider="twilio", provider_id=provider_id, channel="sms", address=address, content={"body": body}
    )


def test_a_retried_delivery_finds_the_stored_message_and_is_not_stored_twice(session) -> None:
    first = _receive(session, "SM1")
    again = _receive(session, "SM1")
    assert (first.new, again.new, again.id == first.id, again.handled) == (True, False, True, False)
    assert len(session.scalars(select(InboxMessage)).all()) == 1


def test_message_text_is_encrypted_at_rest_and_forgotten_once_handled(session) -> None:
    received = _receive(session, "SM1", body="he has a knife")
    stored = session.get(InboxMessage, received.id)
    assert "knife" not in stored.content
    [claim] = store.claim_due(session, lease=LEASE)
    assert claim.content == {"body": "he has a knife"}
    assert store.mark_handled(session, inbox_id=claim.id, lease_token=claim.lease_token, outcome="replied")
    session.commit()
    session.expire_all()
    assert session.get(InboxMessage, received.id).content is None
    assert _receive(session, "SM1").handled is True  # a retry after handling is recognised as done


def test_one_sender_is_handled_in_order_while_senders_run_side_by_side(session) -> None:
    _receive(session, "SM1", address="+447700900001")
    _receive(session, "SM2", address="+447700900001")
    _receive(session, "SM3", address="+447700900002")
    claims = store.claim_due(session, lease=LEASE)
    session.commit()
    assert [claim.provider_id for claim in claims] == ["SM1", "SM3"]  # SM2 waits for SM1
    assert store.claim_due(session, lease=LEASE) == []
    first = claims[0]
    store.mark_handled(session, inbox_id=first.id, lease_token=first.lease_token, outcome="replied")
    session.commit()
    assert [claim.provider_id for claim in store.claim_due(session, lease=LEASE)] == ["SM2"]


def test_two_processors_never_both_claim_a_message(engine, session) -> None:
    _receive(session, "SM1")
    other = session_factory(engine)()
    try:
        mine = store.claim_due(session, lease=LEASE)
        session.commit()
        theirs = store.claim_due(other, lease=LEASE)
        other.commit()
    finally:
        other.close()
    assert (len(mine), theirs) == (1, [])


def test_a_crashed_processors_message_is_redriven_after_its_lease_and_its_late_outcome_is_refused(session) -> None:
    _receive(session, "SM1")
    [crashed] = store.claim_due(session, lease=LEASE)
    session.commit()
    assert store.claim_due(session, lease=LEASE, now=utcnow() + LEASE / 2) == []  # still held
    [redriven] = store.claim_due(session, lease=LEASE, now=utcnow() + LEASE * 2)
    session.commit()
    assert (redriven.id, redriven.attempts, redriven.redriven, crashed.redriven) == (crashed.id, 2, True, False)
    # the first holder comes back too late: fencing refuses its outcome and lease renewal
    assert not store.mark_handled(session, inbox_id=crashed.id, lease_token=crashed.lease_token, outcome="replied")
    assert not store.extend_lease(session, inbox_id=crashed.id, lease_token=crashed.lease_token, lease=LEASE)
    assert store.mark_handled(session, inbox_id=redriven.id, lease_token=redriven.lease_token, outcome="replied")


def test_a_failed_attempt_waits_then_is_tried_again_and_a_message_given_up_frees_the_sender(session) -> None:
    _receive(session, "SM1")
    _receive(session, "SM2")
    [claim] = store.claim_due(session, lease=LEASE)
    store.release(session, inbox_id=claim.id, lease_token=claim.lease_token, retry_after=timedelta(seconds=30),
                  reason="OperationalError")
    session.commit()
    assert store.claim_due(session, lease=LEASE) == []  # the retry waits, and SM2 waits behind it
    [retry] = store.claim_due(session, lease=LEASE, now=utcnow() + timedelta(seconds=31))
    assert (retry.provider_id, retry.attempts) == ("SM1", 2)
    assert store.give_up(session, inbox_id=retry.id, lease_token=retry.lease_token, reason="OperationalError")
    session.commit()
    assert [claim.provider_id for claim in store.claim_due(session, lease=LEASE)] == ["SM2"]
    assert store.unhandled_count(session) == 1
