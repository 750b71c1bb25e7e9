"""Fixtures of the worker tests: the fake Twilio API that can hold one answer open."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.worker.holding_twilio import HoldingTwilioApi


@pytest.fixture
async def twilio() -> AsyncIterator[HoldingTwilioApi]:
    fake = HoldingTwilioApi()
    await fake.start()
    yield fake
    await fake.stop()
