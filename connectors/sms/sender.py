"""The outbox sender for channel "sms": one rendered body per Twilio message, via the async client."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.outbox.senders import PermanentDeliveryError
from bot.settings import Settings
from connectors.sms.render import render_bodies

logger = logging.getLogger(__name__)
STATUS_PATH = "/webhooks/twilio_sms/status"
RETRYABLE_STATUSES = frozenset({408, 409, 429})


class TwilioSmsSender:
    """Sends outbox payloads with Twilio's Messages API; the HTTP client is made per event loop."""

    def __init__(
        self, *, account_sid: str, auth_token: str, from_number: str, api_base_url: str, status_callback_url: str
    ) -> None:
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.from_number = from_number
        self.api_base_url = api_base_url.rstrip("/")
        self.status_callback_url = status_callback_url
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSmsSender:
        return cls(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            from_number=settings.twilio_from_number,
            api_base_url=settings.twilio_api_base_url,
            status_callback_url=f"{settings.public_base_url.rstrip('/')}{STATUS_PATH}",
        )

    async def _client_for_this_loop(self) -> Client:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            await self.aclose()
            self._http = AsyncTwilioHttpClient(timeout=20)
            client = Client(self.account_sid, self._auth_token, http_client=self._http)
            client.api.base_url = self.api_base_url  # a local fake in tests, https://api.twilio.com otherwise
            self._client, self._loop = client, loop
        return self._client

    def _sender_fields(self) -> dict[str, str]:
        if self.from_number.startswith("MG"):
            return {"messaging_service_sid": self.from_number}
        return {"from_": self.from_number}

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> str:
        """Send every body of `payload` to `recipient` (E.164); returns the last message SID."""
        if not (self.account_sid and self._auth_token and self.from_number):
            raise PermanentDeliveryError("Twilio is not configured (TWILIO_ACCOUNT_SID/AUTH_TOKEN/FROM_NUMBER)")
        bodies = render_bodies(payload)
        if not bodies:
            logger.debug("nothing to send by SMS for this message")
            return ""
        client = await self._client_for_this_loop()
        sid = ""
        for body in bodies:
            try:
                message = await client.messages.create_async(
                    to=recipient, body=body, status_callback=self.status_callback_url, **self._sender_fields()
                )
            except TwilioRestException as error:
                if 400 <= error.status < 500 and error.status not in RETRYABLE_STATUSES:
                    refusal = f"Twilio refused the message (HTTP {error.status}, code {error.code})"
                    raise PermanentDeliveryError(refusal) from error
                raise
            sid = str(message.sid)
        return sid

    async def aclose(self) -> None:
        """Close the HTTP session (called when the outbox worker stops)."""
        http, self._http, self._client, self._loop = self._http, None, None, None
        if http is not None:
            await http.close()
