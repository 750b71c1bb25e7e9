"""Step 5 for every channel: one stored message becomes at most one Rasa turn, and its replies are queued once.

Replies are queued with idempotency keys "reply:<inbox id>:<n>", a turn's in one transaction written as soon
as Rasa has handled the message. Rasa saves the conversation just before that write, so a message re-driven
after a crash whose turn was saved is not run again: its replies are queued again from the saved
conversation, under the same keys (stored once: nothing is lost or repeated).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import nullcontext
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from bot.cases.identities import SenderAddress
from bot.inbox.store import ClaimedInbound
from connectors.pipeline.messages import OutboxOutputChannel, hand_to_rasa
from connectors.pipeline.rate_gate import HELD_FLAG

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
Reply = dict[str, Any]


def reply_output(claim: ClaimedInbound) -> OutboxOutputChannel:
    """The output channel for everything said in answer to `claim` (fixed replies and Rasa's alike)."""
    return OutboxOutputChannel(claim.channel, reply_key=f"reply:{claim.id}")


def message_id_of(claim: ClaimedInbound) -> str:
    """The id Rasa records with the victim's message: stable across re-drives."""
    return f"inbox-{claim.id}"


def replies_of_turn(events: Sequence[Event], message_id: str) -> list[Reply] | None:
    """What Rasa said in the turn of the victim's message `message_id`, each as Rasa handed it to the output
    channel (`BotUttered.message()`), in order; None when the conversation does not hold that message.

    The turn runs from the message to Rasa's next `action_listen` (or the victim's next message): staff
    replies and recovered hand-off messages are added after it. A message kept by the rate gate had no turn.
    """
    start = next((index for index, event in enumerate(events)
                  if isinstance(event, UserUttered) and event.message_id == message_id), None)
    if start is None:
        return None
    if (events[start].metadata or {}).get(HELD_FLAG):
        return []
    replies = []
    for event in events[start + 1:]:
        if isinstance(event, UserUttered) or (isinstance(event, ActionExecuted)
                                              and event.action_name == ACTION_LISTEN_NAME):
            break
        if isinstance(event, BotUttered):
            replies.append(event.message())
    return replies


async def saved_turn_replies(app: Any, sender_id: str, message_id: str) -> list[Reply] | None:
    """The replies of the message's saved turn (see replies_of_turn); None when its turn was not saved."""
    tracker_store = getattr(getattr(app.ctx, "agent", None), "tracker_store", None)
    if tracker_store is None:
        return None
    tracker = await tracker_store.retrieve(sender_id)
    return replies_of_turn(list(tracker.events) if tracker is not None else [], message_id)


def replaying(replies: list[Reply]) -> OnNewMessage:
    """Stands in for Rasa on a turn it already saved: says the saved replies again, the way Rasa said them."""

    async def replay(message: UserMessage) -> None:
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))

    return replay


async def run_turn(
    app: Any,
    claim: ClaimedInbound,
    *,
    on_new_message: OnNewMessage,
    text: str | None,
    output: OutputChannel,
    trusted_payload: bool = False,
    metadata: dict[str, Any] | None = None,
    empty_reply: str | None = None,
) -> str:
    """Hand the message to Rasa once, its replies (with any notice before them) written in one transaction as
    soon as Rasa returns; returns the outcome recorded in the inbox. `output` is the claim's reply_output, or
    a collecting channel when the replies go back in an HTTP response (REST)."""
    sender_id = SenderAddress(claim.channel, claim.address).sender_id
    message_id = message_id_of(claim)
    saved = await saved_turn_replies(app, sender_id, message_id) if claim.redriven else None
    if saved is not None:
        logger.info("inbox message %s: its turn was saved before a restart; %d replies queued again, not run again",
                    claim.id, len(saved))
        on_new_message = replaying(saved)  # the notices before the replies come again too, so the keys match
    batch = output.one_transaction() if isinstance(output, OutboxOutputChannel) else nullcontext()
    async with batch:
        handed = await hand_to_rasa(
            on_new_message, channel=claim.channel, address=claim.address, text=text, output_channel=output,
            trusted_payload=trusted_payload, message_id=message_id, metadata=metadata, empty_reply=empty_reply,
        )
    if saved is not None:
        return "turn already saved"
    return "replied" if handed else "unreadable"
