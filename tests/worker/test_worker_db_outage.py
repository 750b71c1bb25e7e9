"""The database unavailable to the worker for 10 seconds, with a send in flight: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from tests.fakes import wait_until
from tests.worker.holding_twilio import HoldingTwilioApi, queue, rows, sms_environment, statuses
from tests.worker.tcp_cut import CuttableProxy

pytestmark = pytest.mark.slow
NUMBER = "+447700900333"
OUTAGE_SECONDS = 10.0


@pytest.fixture
async def proxy(db_url: str) -> AsyncIterator[CuttableProxy]:
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a SQLite file cannot be cut off from one process")
    running = await CuttableProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield running
    await running.close()


async def test_a_ten_second_database_outage_loses_and_duplicates_nothing(
    db_url: str, proxy: CuttableProxy, twilio: HoldingTwilioApi, worker_processes
) -> None:
    proxied = str(make_url(db_url).set(host="127.0.0.1", port=proxy.port))
    twilio.hold_body = "m2"
    environment = sms_environment(db_url, twilio, DATABASE_URL=proxied)
    queue((NUMBER, "m1"), (NUMBER, "m2"))
    worker = await worker_processes(environment).ready()
    await wait_until(twilio.holding.is_set, timeout=90, explain=lambda: worker.log()[-3000:])

    proxy.cut()  # Twilio has "m2"; the worker cannot record it, nor claim anything, until the database is back
    twilio.release()
    loop = asyncio.get_running_loop()
    back_at = loop.time() + OUTAGE_SECONDS
    queue((NUMBER, "m3"), (NUMBER, "m4"))  # queued by another process meanwhile (this test, directly)
    await wait_until(lambda: proxy.refused >= 3 and loop.time() >= back_at, timeout=OUTAGE_SECONDS + 20, interval=0.2)
    proxy.restore()

    await wait_until(lambda: statuses() == ["sent"] * 4, timeout=60, explain=lambda: worker.log()[-3000:])
    assert await worker.stop() == 0
    assert twilio.bodies_to(NUMBER) == ["m1", "m2", "m3", "m4"]
    assert [attempts for _status, _text, attempts, _token in rows()] == [1, 1, 1, 1]
    assert "outbox claims failing" in worker.log()  # the worker did see the outage
