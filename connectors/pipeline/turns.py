"""Step 5 for every channel: one stored message becomes at most one Rasa turn, and its replies are queued once.

Replies are queued with idempotency keys "reply:<inbox id>:<n>", so a message re-driven after a crash
queues nothing twice; and a re-driven message whose turn Rasa already saved is not run again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered

from bot.cases.identities import SenderAddress
from bot.inbox.store import ClaimedInbound
from connectors.pipeline.messages import OutboxOutputChannel, hand_to_rasa

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def reply_output(claim: ClaimedInbound) -> OutboxOutputChannel:
    """The output channel for everything said in answer to `claim` (fixed replies and Rasa's alike)."""
    return OutboxOutputChannel(claim.channel, reply_key=f"reply:{claim.id}")


def message_id_of(claim: ClaimedInbound) -> str:
    """The id Rasa records with the victim's message: stable across re-drives."""
    return f"inbox-{claim.id}"


async def turn_recorded(app: Any, sender_id: str, message_id: str) -> bool:
    """True when the conversation already holds this message (its turn ran and was saved before a crash)."""
    tracker_store = getattr(getattr(app.ctx, "agent", None), "tracker_store", None)
    if tracker_store is None:
        return False
    tracker = await tracker_store.retrieve(sender_id)
    events = tracker.events if tracker is not None else []
    return any(isinstance(event, UserUttered) and event.message_id == message_id for event in events)


async def run_turn(
    app: Any,
    claim: ClaimedInbound,
    *,
    on_new_message: OnNewMessage,
    text: str | None,
    output: OutboxOutputChannel,
    trusted_payload: bool = False,
    metadata: dict[str, Any] | None = None,
    empty_reply: str | None = None,
) -> str:
    """Hand the message to Rasa once; returns the outcome recorded in the inbox."""
    sender_id = SenderAddress(claim.channel, claim.address).sender_id
    message_id = message_id_of(claim)
    if claim.redriven and await turn_recorded(app, sender_id, message_id):
        logger.info("inbox message %s: its turn was saved before a restart; not run again", claim.id)
        return "turn already saved"
    handed = await hand_to_rasa(
        on_new_message, channel=claim.channel, address=claim.address, text=text, output_channel=output,
        trusted_payload=trusted_payload, message_id=message_id, metadata=metadata, empty_reply=empty_reply,
    )
    return "replied" if handed else "unreadable"
