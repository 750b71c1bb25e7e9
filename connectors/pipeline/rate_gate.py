"""Messages over a rate limit: a disclosure still goes through; anything else is kept, not answered."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import UserUttered
from sanic import Blueprint

from bot.off_loop import run_blocking
from bot.rate_limits import RateLimits
from bot.risk import default_screener, screen
from bot.wording import domain_responses, response_text
from connectors.pipeline.inbound_text import prepare_typed_text

logger = logging.getLogger(__name__)

HELD_FLAG = "rate_limited"  # UserUttered metadata of a held message
WAIT_RESPONSE = "utter_rate_wait"  # the domain response telling the sender to wait (with 999)


def wait_notice(channel: str | None = None) -> str:
    """Told, at most once a minute, to a sender whose messages are held: wait, and call 999 in danger."""
    return response_text(WAIT_RESPONSE, channel)


def __getattr__(name: str) -> str:
    """WAIT_NOTICE (the notice without a channel variation), read from the domain."""
    if name == "WAIT_NOTICE":
        return wait_notice()
    raise AttributeError(f"module {__name__} has no attribute {name}")


class RateGate:
    """One channel's limits, applied to each message on its way to Rasa.

    A held message is added to the conversation as the victim's message (staff see it in the transcript and
    the live view) without a bot turn, and the sender is told, at most once a minute, to wait, with 999.
    Nothing the victim sent is dropped; the bot just does not reply to a flood.
    """

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._app: Any = None
        self._warming: asyncio.Future | None = None  # loading the phrase screen in the background
        self._wording: asyncio.Future | None = None  # loading the domain's responses in the background

    @classmethod
    def for_channel(cls, channel: str, blueprint: Blueprint) -> RateGate:
        """The gate of `channel`, bound to the app its blueprint is served by (for Rasa's tracker store)."""
        gate = cls(RateLimits.for_endpoint(channel))

        async def bind(app: Any, _loop: Any) -> None:
            gate._app = app
            gate._warming = asyncio.ensure_future(run_blocking(default_screener))  # before a flood needs it
            # The fixed replies' domain (about 1 s to load): read off the loop before a reply needs it.
            gate._wording = asyncio.ensure_future(run_blocking(domain_responses))

        blueprint.listener("before_server_start")(bind)
        return gate

    async def held_back(
        self,
        *,
        sender_id: str,
        channel: str,
        text: str | None,
        output: OutputChannel,
        address: str | None = None,
        message_id: str | None = None,
    ) -> bool:
        """True when the message is over a limit and was held (kept, sender told); False: hand it to Rasa
        (also when the gate itself fails: the message then goes on rather than being lost)."""
        try:
            return await self._hold_if_over(sender_id, channel, text, output, address, message_id)
        except Exception as error:
            logger.error("the rate limit failed on a %s message (%s): it goes on", channel, type(error).__name__)
            return False

    async def _hold_if_over(
        self,
        sender_id: str,
        channel: str,
        text: str | None,
        output: OutputChannel,
        address: str | None,
        message_id: str | None,
    ) -> bool:
        verdicts = [await self.limits.sender(sender_id)]
        if address is not None:
            verdicts.append(await self.limits.address(address))
        if all(verdict.allowed for verdict in verdicts):
            return False
        ready = prepare_typed_text(text)
        if ready.text and (await run_blocking(screen, ready.text)).escalate:
            return False  # a disclosure is never held back: Rasa escalates it
        if ready.text:
            metadata = {**ready.metadata(), "channel": channel, HELD_FLAG: True}
            await self._record(sender_id, UserUttered(ready.text, input_channel=channel, message_id=message_id,
                                                      metadata=metadata))
        logger.info("a %s message over the rate limit was kept without a reply", channel)
        if await self.limits.notice_due(sender_id):
            await output.send_text_message(sender_id, wait_notice(channel))
        return True

    async def _record(self, sender_id: str, event: UserUttered) -> None:
        """Append the held message to the conversation, under Rasa's conversation lock."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:  # nowhere to keep it: held_back lets it go on instead of losing it
            raise RuntimeError("no tracker store to keep a held message in")
        async with AsyncExitStack() as stack:
            lock_store = getattr(agent, "lock_store", None)
            if lock_store is not None:
                await stack.enter_async_context(lock_store.lock(sender_id))
            tracker = await tracker_store.get_or_create_tracker(sender_id)
            tracker.update(event)
            await tracker_store.save(tracker)
