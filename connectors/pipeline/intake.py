"""Steps 3 and 4 for every channel: store the authenticated, parsed delivery in the inbox, then wake the processor.

A channel acknowledges the provider only after `store_delivery` returned: if the database cannot take the
message the channel answers 503, the provider retries, and nothing acknowledged is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.db import session_scope
from bot.inbox.processor import InboundHandler
from bot.inbox.store import Received, receive
from bot.off_loop import run_blocking

HandlerFactory = Callable[[Any], InboundHandler]  # given the Sanic app, the channel's handler for stored messages


def _store(**fields: Any) -> Received:
    with session_scope() as session:
        return receive(session, **fields)


async def store_delivery(app: Any, **delivery: Any) -> Received:
    """Store one delivery (`delivery`: the keywords of bot.inbox.store.receive; a retry finds the stored row)
    and wake this process's inbox processor, unless the caller holds the message to handle it in the same
    request (`hold_for`)."""
    received = await run_blocking(_store, **delivery)
    processor = getattr(app.ctx, "inbox", None)
    if processor is not None and not received.handled and received.claim is None:
        processor.wake()
    return received


def register_handler(blueprint: Any, channel: str, make_handler: HandlerFactory) -> None:
    """Tell the inbox processor (connectors.pipeline.channel) how `channel`'s stored messages are handled."""

    async def _register(app: Any, _loop: Any) -> None:
        handlers = getattr(app.ctx, "inbound_handlers", None)
        if handlers is None:
            handlers = {}
            app.ctx.inbound_handlers = handlers
        handlers[channel] = make_handler(app)

    blueprint.listener("before_server_start")(_register)
