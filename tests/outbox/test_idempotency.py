"""Idempotent enqueue: a message queued twice under one key (again, later, or concurrently) is stored once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.db import session_factory
from bot.models import OutboxMessage
from bot.outbox import senders
from bot.outbox.store import enqueue, enqueue_all

SPLIT = "split-key-test"


@pytest.fixture
def splitting_channel():
    senders.register_sender(SPLIT, _never_called, split=lambda payload: [{"text": "part 1"}, {"text": "part 2"}])
    yield SPLIT
    senders.unregister_sender(SPLIT)


async def _never_called(recipient: str, payload: dict) -> str:
    raise AssertionError("not sent in this test")


def count_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_same_key_twice_stores_one_set_of_rows(session, splitting_channel: str) -> None:
    first = enqueue_all(
        session, channel=splitting_channel, recipient="alice", payload={"text": "long"}, idempotency_key="reply:7:0"
    )
    session.commit()
    again = enqueue_all(
        session, channel=splitting_channel, recipient="alice", payload={"text": "long"}, idempotency_key="reply:7:0"
    )
    session.commit()
    assert [row.id for row in again] == [row.id for row in first] and len(first) == 2
    assert [row.idempotency_key for row in first] == ["reply:7:0#0", "reply:7:0#1"]
    assert count_rows(session) == 2


def test_a_repeat_in_the_same_transaction_is_stored_once(session) -> None:
    first = enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "a"}, idempotency_key="k1")
    again = enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "a"}, idempotency_key="k1")
    session.commit()
    assert again.id == first.id and count_rows(session) == 1


def test_different_keys_and_no_key_store_separate_messages(session) -> None:
    enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "a"}, idempotency_key="reply:1:0")
    enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "b"}, idempotency_key="reply:1:1")
    plain = [enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "c"}) for _ in range(2)]
    session.commit()
    assert count_rows(session) == 4
    assert plain[0].idempotency_key != plain[1].idempotency_key and plain[0].idempotency_key.endswith("#0")


def test_a_concurrent_enqueue_with_the_same_key_waits_and_returns_the_first_rows(engine, session) -> None:
    first = enqueue(session, channel="sms", recipient="+447700900001", payload={"text": "a"}, idempotency_key="k2")
    other = session_factory(engine)()
    result: list[int] = []

    def second_writer() -> None:
        row = enqueue(other, channel="sms", recipient="+447700900001", payload={"text": "a"}, idempotency_key="k2")
        other.commit()
        result.append(row.id)

    thread = threading.Thread(target=second_writer)  # blocks on the key (PostgreSQL) or the writer lock (SQLite)
    try:
        thread.start()
        session.commit()
        thread.join(timeout=30)
    finally:
        other.close()
    assert result == [first.id] and count_rows(session) == 1


def test_a_key_too_long_for_the_column_is_refused(session) -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        enqueue(session, channel="sms", recipient="x", payload={"text": "a"}, idempotency_key="k" * 191)
