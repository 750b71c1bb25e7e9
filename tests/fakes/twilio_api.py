"""A local Twilio Messages API (real socket, documented wire format) that records what it is sent."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from aiohttp import web

from tests.fakes import wait_for_count

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM_NUMBER = "+447700900000"
OUTAGE_ERRORS = {429: (20429, "Too Many Requests"), 500: (20500, "Internal Server Error")}  # Twilio error codes


@dataclass
class FakeTwilioApi:
    """POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth; 201 + message JSON."""

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    received: list[dict[str, Any]] = field(default_factory=list)
    failures_left: int = 0
    failure_status: int = 500
    attempts: int = 0
    outage_until: float = 0.0  # time.monotonic() at which a `fail_for` outage ends
    outage_status: int = 500
    refused: int = 0  # requests answered with an outage error
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event | None = None
    base_url: str = ""

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` well-formed requests with `status` (Twilio's error JSON)."""
        self.failures_left, self.failure_status = count, status

    def fail_for(self, seconds: float, status: int = 500) -> None:
        """Answer every well-formed request for the next `seconds` with `status` (500 or 429, Twilio's error
        JSON; a 429 from the Messages API carries no Retry-After)."""
        self.outage_until, self.outage_status = time.monotonic() + seconds, status

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account_sid}/Messages.json", self._create_message)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._arrived = asyncio.Event()
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until `count` messages were accepted (fails the test after `timeout` seconds)."""
        assert self._arrived is not None
        await wait_for_count(self.received, count, self._arrived, timeout, "Twilio messages")
        return self.received

    def bodies(self) -> list[str]:
        return [message["Body"] for message in self.received]

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization", "") == f"Basic {expected}"

    @staticmethod
    def _error(status: int, code: int, message: str) -> web.Response:
        return web.json_response(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status=status,
        )

    async def _create_message(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if not self._authorised(request) or request.match_info["account_sid"] != self.account_sid:
            return self._error(401, 20003, "Authenticate")
        form = await request.post()
        if not form.get("To"):
            return self._error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self._error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return self._error(400, 21602, "Message body is required.")
        if len(str(form["Body"])) > 1600:
            return self._error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if time.monotonic() < self.outage_until:
            self.refused += 1
            return self._error(self.outage_status, *OUTAGE_ERRORS[self.outage_status])
        if self.failures_left > 0:
            self.failures_left -= 1
            return self._error(self.failure_status, 20500, "Internal Server Error")
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        record = {key: str(value) for key, value in form.items()} | {"sid": sid}
        self.received.append(record)
        assert self._arrived is not None
        self._arrived.set()
        return web.json_response(
            {
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "body": record["Body"],
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": record.get("From"),
                "messaging_service_sid": record.get("MessagingServiceSid"),
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": sid,
                "status": "queued",
                "to": record["To"],
                "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            },
            status=201,
        )
