"""`python -m bot worker` for real: delivers to the (fake) Twilio API, shares the work, stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from tests.fakes import wait_until
from tests.worker.holding_twilio import queue, rows, sms_environment, statuses
from tests.worker_fixtures import STOPPED_LINE

pytestmark = pytest.mark.slow
ALICE, BOB = "+447700900101", "+447700900202"


async def test_the_worker_delivers_in_order_and_stops_cleanly_on_sigterm(db_url, twilio, worker_processes) -> None:
    worker = await worker_processes(sms_environment(db_url, twilio)).ready()
    queue((ALICE, "a1"), (BOB, "b1"), (ALICE, "a2"), (ALICE, "a3"))
    await twilio.wait_for(4, timeout=30)
    await wait_until(lambda: statuses() == ["sent"] * 4, timeout=30)
    assert await worker.stop(signal.SIGTERM, timeout=30) == 0
    assert STOPPED_LINE in worker.log()
    assert (twilio.bodies_to(ALICE), twilio.bodies_to(BOB)) == (["a1", "a2", "a3"], ["b1"])
    assert "a1" not in worker.log()  # message text is never logged


async def test_sigterm_during_a_send_finishes_it_and_leaves_no_claim_behind(db_url, twilio, worker_processes) -> None:
    twilio.hold_body = "held"
    environment = sms_environment(db_url, twilio, HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS="2")
    worker = await worker_processes(environment).ready()
    queue((ALICE, "held"))
    await wait_until(twilio.holding.is_set, timeout=30)
    assert await worker.stop(signal.SIGTERM, timeout=30) == 0  # waits for the send (it times out) and records it
    [(status, _text, attempts, token)] = rows()
    assert (status, attempts, token) == ("pending", 1, None)  # back in the queue, not stuck under a lease
    twilio.release()
    await worker_processes(environment).ready()
    await wait_until(lambda: statuses() == ["sent"], timeout=30)
    assert twilio.bodies_to(ALICE) == ["held", "held"]  # at least once: the provider had accepted the first


async def test_two_worker_processes_share_the_work_without_sending_anything_twice(
    db_url, twilio, worker_processes
) -> None:
    environment = sms_environment(db_url, twilio)
    workers = [await worker_processes(environment).ready() for _ in range(2)]
    numbers = [f"+4477009003{index:02d}" for index in range(6)]
    queue(*[(numbers[index % 6], f"m{index:03d}") for index in range(60)])
    await twilio.wait_for(60, timeout=60)
    await wait_until(lambda: statuses() == ["sent"] * 60, timeout=30)
    for worker in workers:
        assert await worker.stop() == 0
    assert max(Counter(twilio.bodies()).values()) == 1 and len(twilio.bodies()) == 60
    for number in numbers:
        assert twilio.bodies_to(number) == sorted(twilio.bodies_to(number))
    assert all(attempts == 1 for *_, attempts, _token in rows())


async def test_on_postgresql_a_message_queued_elsewhere_wakes_the_worker_at_once(
    db_url, engine, twilio, worker_processes
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite workers in other processes find new messages at their next poll")
    worker = await worker_processes(sms_environment(db_url, twilio, HAVEN_OUTBOX_POLL_MS="600000")).ready()
    for number in range(3):  # each one NOTIFYs on commit; the worker would otherwise look in 10 minutes
        queue((ALICE, f"woken {number}"))
        await twilio.wait_for(number + 1, timeout=15)
    assert await worker.stop() == 0
    assert twilio.bodies_to(ALICE) == ["woken 0", "woken 1", "woken 2"]
