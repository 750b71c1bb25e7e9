"""The inbox processor: each sender's messages one at a time and in order, failures retried, none lost."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db import session_scope
from bot.inbox.processor import InboxProcessor
from bot.inbox.store import ClaimedInbound, receive
from bot.models import StaffAlert
from bot.models.inbox import InboxMessage
from tests.fakes import wait_until


def _store(provider_id: str, address: str, body: str) -> None:
    with session_scope() as session:
        receive(session, provider="twilio", provider_id=provider_id, channel="sms", address=address,
                content={"body": body})


def _statuses() -> dict[str, tuple[str, str | None]]:
    with session_scope() as session:
        return {row.provider_id: (row.status, row.outcome) for row in session.scalars(select(InboxMessage))}


async def test_each_sender_in_order_senders_side_by_side(db_url) -> None:
    seen: list[tuple[str, str]] = []
    second_sender_started = asyncio.Event()

    async def handle(claim: ClaimedInbound) -> str:
        seen.append((claim.address, claim.content["body"]))
        if claim.address == "+2":
            second_sender_started.set()
        else:  # sender +1's first turn is slow: +2 must not wait for it, +1's next message must
            await asyncio.wait_for(second_sender_started.wait(), 10)
        return "replied"

    for index, (address, body) in enumerate([("+1", "a1"), ("+1", "a2"), ("+2", "b1"), ("+1", "a3")]):
        _store(f"SM{index}", address, body)
    processor = InboxProcessor({"sms": handle}, lease_seconds=15, poll_ms=50, max_attempts=3)
    await processor.start()
    try:
        await wait_until(lambda: len(seen) == 4, timeout=20)
    finally:
        await processor.stop()
    assert [body for address, body in seen if address == "+1"] == ["a1", "a2", "a3"]
    assert seen.index(("+2", "b1")) < seen.index(("+1", "a2"))
    assert {status for status, _ in _statuses().values()} == {"handled"}


async def test_a_failing_turn_is_retried_and_then_set_aside_with_a_staff_alert(db_url) -> None:
    attempts: list[str] = []

    async def handle(claim: ClaimedInbound) -> str:
        attempts.append(claim.provider_id)
        if claim.provider_id == "SM-bad":
            raise ConnectionError("database went away")
        return "replied"

    _store("SM-bad", "+1", "first")
    _store("SM-next", "+1", "second")
    processor = InboxProcessor({"sms": handle}, lease_seconds=15, poll_ms=50, max_attempts=2)
    await processor.start()
    try:
        await wait_until(lambda: "SM-next" in attempts, timeout=20)  # the retry waits 2 s, then it is set aside
        await wait_until(lambda: _statuses().get("SM-next", ("",))[0] == "handled", timeout=10)
    finally:
        await processor.stop()
    assert attempts == ["SM-bad", "SM-bad", "SM-next"]
    assert _statuses()["SM-bad"] == ("failed", "ConnectionError")
    with session_scope() as session:
        [alert] = session.scalars(select(StaffAlert)).all()
        assert alert.kind == "inbound_message_failed" and alert.detail["attempts"] == 2
        assert "first" not in str(alert.detail)  # never the message text


async def test_stopping_ends_the_loop_even_when_a_turn_finishes_at_that_moment(db_url) -> None:
    """A turn finishing wakes the loop; a stop at that same moment used to be swallowed (Python 3.10's
    asyncio.wait_for), leaving the processor claiming forever and its server unable to shut down."""
    handled: list[str] = []

    async def handle(claim: ClaimedInbound) -> str:
        handled.append(claim.provider_id)
        return "replied"

    processor = InboxProcessor({"sms": handle}, lease_seconds=15, poll_ms=60_000, max_attempts=3)
    for round_number in range(20):
        _store(f"SM-stop-{round_number}", "+1", "hello")
        await processor.start()
        await wait_until(lambda: f"SM-stop-{round_number}" in handled, timeout=20)  # noqa: B023
        loop_task = next(task for task in asyncio.all_tasks() if task.get_name() == "haven-inbox")
        processor.wake()  # what a finishing turn does, just as the server stops
        stopped, _ = await asyncio.wait({asyncio.ensure_future(processor.stop(grace_seconds=30))}, timeout=20)
        if not stopped:  # end the runaway loop so the failure is reported instead of hanging the run
            while not loop_task.done():
                loop_task.cancel()
                await asyncio.wait({loop_task}, timeout=1)
        assert stopped, f"round {round_number}: the processor did not stop"
