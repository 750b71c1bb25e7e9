"""kill -9 of the worker mid-delivery, then a restart: nothing lost, order kept, one known duplicate at most."""

from __future__ import annotations

import signal

import pytest

from tests.fakes import wait_until
from tests.worker.holding_twilio import HoldingTwilioApi, queue, rows, sms_environment, statuses

pytestmark = pytest.mark.slow
ALICE, BOB = "+447700900111", "+447700900222"


async def test_a_worker_killed_mid_delivery_loses_nothing_and_resends_only_the_message_in_flight(
    db_url, twilio: HoldingTwilioApi, worker_processes
) -> None:
    twilio.hold_body = "a3"
    environment = sms_environment(db_url, twilio, HAVEN_OUTBOX_LEASE_SECONDS="9", HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS="3")
    alice, bob = [f"a{n}" for n in range(1, 6)], ["b1", "b2"]
    queue(*[(ALICE, text) for text in alice], *[(BOB, text) for text in bob])
    first = await worker_processes(environment).ready()
    await wait_until(twilio.holding.is_set, timeout=30)  # Twilio accepted "a3"; its answer is held open
    bob_done = lambda: [status for status, text, *_ in rows() if text in bob] == ["sent", "sent"]  # noqa: E731
    await wait_until(bob_done, timeout=2)  # a slow send holds up only its own recipient (and within send timeout)
    assert await first.stop(signal.SIGKILL, timeout=10) == -signal.SIGKILL
    assert statuses() == ["sent", "sent", "sending", "pending", "pending", "sent", "sent"]  # a3 under its lease

    second = await worker_processes(environment).ready()
    await wait_until(lambda: statuses() == ["sent"] * 7, timeout=40)
    assert await second.stop() == 0

    # The decision (README, "Worker process"): at least once. The message whose send was in flight when
    # the worker died is sent again once its lease runs out; every other message exactly once, in order.
    assert twilio.bodies_to(ALICE) == ["a1", "a2", "a3", "a3", "a4", "a5"]
    assert twilio.bodies_to(BOB) == bob
    assert {text: attempts for _status, text, attempts, _token in rows()} == {**dict.fromkeys(alice + bob, 1), "a3": 2}
