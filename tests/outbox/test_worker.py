"""The outbox worker: in-order delivery with retries, immediate wake-up, several workers at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.models import OutboxMessage
from bot.outbox import senders
from bot.outbox.policy import RetryPolicy
from bot.outbox.senders import PermanentDeliveryError
from bot.outbox.store import enqueue
from bot.outbox.worker import OutboxWorker
from tests.fakes import wait_until

FAST = RetryPolicy(base_seconds=0.02, cap_seconds=0.1, max_attempts=4)
CHANNEL = "test-worker"


class FlakyChannel:
    """A test channel sender: fails its first `failures` calls, records what it delivered."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ConnectionError("provider down")
        self.delivered: list[tuple[str, str]] = []
        self.calls = 0

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> str:
        self.calls += 1
        await asyncio.sleep(0)
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        self.delivered.append((recipient, payload["text"]))
        return f"id-{self.calls}"


@pytest.fixture
def channel(db_url: str):
    sender = FlakyChannel()
    senders.register_sender(CHANNEL, sender)
    yield sender
    senders.unregister_sender(CHANNEL)


def queue(*messages: tuple[str, str]) -> None:
    with session_scope() as session:
        for recipient, text in messages:
            enqueue(session, channel=CHANNEL, recipient=recipient, payload={"text": text})


def statuses() -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


async def test_failures_are_retried_and_each_recipient_gets_messages_in_order(channel: FlakyChannel) -> None:
    channel.failures = 3
    queue(*[("alice", f"a{n}") for n in range(5)], *[("bob", f"b{n}") for n in range(5)])
    worker = OutboxWorker(policy=FAST, poll_interval=0.02)
    await worker.start()
    try:
        await wait_until(lambda: statuses() == ["sent"] * 10)
    finally:
        await worker.stop()
    assert [text for who, text in channel.delivered if who == "alice"] == [f"a{n}" for n in range(5)]
    assert [text for who, text in channel.delivered if who == "bob"] == [f"b{n}" for n in range(5)]
    assert len(channel.delivered) == 10


async def test_enqueue_wakes_the_worker_without_waiting_for_the_poll(channel: FlakyChannel) -> None:
    worker = OutboxWorker(policy=FAST, poll_interval=60)
    await worker.start()
    try:
        await asyncio.sleep(0.05)  # let the worker go idle on its (long) poll
        await asyncio.to_thread(queue, ("alice", "now"))
        await wait_until(lambda: channel.delivered, timeout=5)
    finally:
        await worker.stop()
    assert channel.delivered == [("alice", "now")]


async def test_a_permanent_refusal_fails_at_once_and_later_messages_still_go(channel: FlakyChannel) -> None:
    channel.failures, channel.error = 1, PermanentDeliveryError("number not reachable")
    queue(("alice", "first"), ("alice", "second"))
    worker = OutboxWorker(policy=FAST, poll_interval=0.02)
    await worker.start()
    try:
        await wait_until(lambda: statuses() == ["failed", "sent"])
    finally:
        await worker.stop()
    assert channel.delivered == [("alice", "second")]


async def test_giving_up_after_the_last_attempt_leaves_a_failed_row(channel: FlakyChannel) -> None:
    channel.failures = 100
    queue(("alice", "never"))
    worker = OutboxWorker(policy=FAST, poll_interval=0.02)
    await worker.start()
    try:
        await wait_until(lambda: statuses() == ["failed"])
    finally:
        await worker.stop()
    assert channel.calls == FAST.max_attempts


async def test_two_workers_deliver_every_message_exactly_once_in_order(channel: FlakyChannel) -> None:
    queue(*[(f"person{n % 7}", f"m{n:03d}") for n in range(140)])
    workers = [OutboxWorker(policy=FAST, poll_interval=0.02, batch_size=5) for _ in range(2)]
    for worker in workers:
        await worker.start()
    try:
        await wait_until(lambda: len(channel.delivered) >= 140, timeout=60)
    finally:
        for worker in workers:
            await worker.stop()
    assert max(Counter(channel.delivered).values()) == 1 and len(channel.delivered) == 140
    for person in range(7):
        texts = [text for who, text in channel.delivered if who == f"person{person}"]
        assert texts == sorted(texts)


async def test_a_slow_send_holds_up_only_its_own_recipient(channel: FlakyChannel) -> None:
    release = asyncio.Event()
    fast_sender = channel.__call__

    async def slow_for_alice(recipient: str, payload: dict[str, Any]) -> str:
        if recipient == "alice":
            await release.wait()
        return await fast_sender(recipient, payload)

    senders.register_sender(CHANNEL, slow_for_alice)
    queue(("alice", "a0"), *[("bob", f"b{n}") for n in range(5)])
    worker = OutboxWorker(policy=FAST, poll_interval=0.02, batch_size=2)
    await worker.start()
    try:
        await wait_until(lambda: len(channel.delivered) == 5, timeout=10)
        assert [who for who, _ in channel.delivered] == ["bob"] * 5  # while alice's send is still in flight
        release.set()
        await wait_until(lambda: statuses() == ["sent"] * 6)
    finally:
        release.set()
        await worker.stop()


async def test_a_worker_restricted_to_channels_leaves_the_others_alone(channel: FlakyChannel) -> None:
    senders.register_sender("test-other", channel)
    try:
        with session_scope() as session:
            enqueue(session, channel="test-other", recipient="carol", payload={"text": "not mine"})
        queue(("alice", "mine"))
        worker = OutboxWorker(policy=FAST, poll_interval=0.02, channels=[CHANNEL])
        await worker.start()
        try:
            await wait_until(lambda: channel.delivered == [("alice", "mine")])
            assert await worker.run_once() == 0
        finally:
            await worker.stop()
        assert statuses() == ["pending", "sent"]
    finally:
        senders.unregister_sender("test-other")
