"""The outbox sender for channel "rest": POSTs each message as JSON to the client's callback URL."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp

from bot.outbox.senders import PermanentDeliveryError

CHANNEL = "rest"
TIMEOUT_SECONDS = 15


class RestCallbackSender:
    """POST {"recipient_id": "rest:<sender>", "text": ..., ...} to `callback_url`; 2xx means delivered."""

    def __init__(self, callback_url: str) -> None:
        self.callback_url = callback_url

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> str:
        recipient_id = recipient if recipient.startswith(f"{CHANNEL}:") else f"{CHANNEL}:{recipient}"
        message_id = uuid.uuid4().hex
        body = {"recipient_id": recipient_id, "message_id": message_id, **payload}
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(self.callback_url, json=body) as reply:
                if 400 <= reply.status < 500 and reply.status not in (408, 429):
                    raise PermanentDeliveryError(f"callback refused the message (HTTP {reply.status})")
                reply.raise_for_status()
        return message_id
