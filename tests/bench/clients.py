"""The three ways a simulated victim reaches the model: plain REST, Haven's SMS webhook, Haven's web chat socket.

Where a turn ends (the latency clock stops):
- plain REST: the HTTP response (it carries every reply of the turn) has been read;
- SMS: the fake Twilio API has accepted the last SMS of the turn for that number. How many SMS a turn
  sends is learnt once per run by calibration (each script alone, a turn ending after 1.5 s of silence);
  in the timed runs the turn ends at the arrival of the n-th SMS, n being that count;
- web chat (socket.io over HTTP long-polling, see WebChatConversation.open): the client has received
  `bot_typing {"typing": false}`, which Haven's channel emits once Rasa has finished the message, and every
  reply the turn sends (the count learnt by calibration; through a cluster a reply may come after the indicator).
A reply missing at the hard turn timeout counts as lost.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp
import socketio
from twilio.request_validator import RequestValidator

from tests.bench.harness import BenchStack
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

SMS_WEBHOOK = "/webhooks/twilio_sms/webhook"
QUIET_SECONDS = 1.5
_numbers = itertools.count(1)


@dataclass
class TurnResult:
    """What one user message produced."""

    latency: float | None = None  # seconds; None when the turn failed or timed out
    replies: list[str] = field(default_factory=list)
    error: str | None = None
    lost: int = 0


class Conversation(Protocol):
    async def turn(self, text: str, expected: int | None, timeout: float) -> TurnResult: ...

    async def close(self) -> None: ...


class RestConversation:
    """Rasa's built-in REST channel: POST /webhooks/rest/webhook, replies in the response."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, sender: str) -> None:
        self.http, self.url, self.sender = http, base_url + "/webhooks/rest/webhook", sender

    async def turn(self, text: str, expected: int | None, timeout: float) -> TurnResult:
        started = time.perf_counter()
        try:
            async with self.http.post(self.url, json={"sender": self.sender, "message": text},
                                      timeout=aiohttp.ClientTimeout(total=timeout)) as reply:
                body = await reply.json(content_type=None)
                if reply.status != 200:
                    return TurnResult(error=f"HTTP {reply.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return TurnResult(error=type(error).__name__, lost=expected or 0)
        latency = time.perf_counter() - started
        texts = [str(message.get("text") or "") for message in body or []]
        return TurnResult(latency=latency, replies=texts, lost=max(0, (expected or 0) - len(texts)))

    async def close(self) -> None:
        return None


class SmsConversation:
    """Signed Twilio webhooks in; replies observed at the fake Twilio Messages API."""

    def __init__(self, http: aiohttp.ClientSession, stack: BenchStack) -> None:
        self.http, self.stack = http, stack
        self.url = stack.base_url + SMS_WEBHOOK
        self.number = f"+4477009{next(_numbers):05d}"
        self.validator = RequestValidator(AUTH_TOKEN)

    async def turn(self, text: str, expected: int | None, timeout: float) -> TurnResult:
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "From": self.number,
                  "To": FROM_NUMBER, "Body": text, "NumMedia": "0"}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.url, params)}
        arrivals = self.stack.twilio.arrivals[self.number]
        before = len(arrivals)
        started = time.perf_counter()
        try:
            async with self.http.post(self.url, data=params, headers=headers,
                                      timeout=aiohttp.ClientTimeout(total=timeout)) as reply:
                await reply.read()
                if reply.status != 200:
                    return TurnResult(error=f"HTTP {reply.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return TurnResult(error=type(error).__name__, lost=expected or 0)
        if expected is None:
            await self._until_quiet(before, started + timeout)
            count = len(arrivals) - before
        else:
            await self.stack.twilio.wait_count(self.number, before + expected, started + timeout)
            count = min(len(arrivals) - before, expected)
        replies = self._bodies()[before:before + count]
        if expected is not None and count < expected:
            return TurnResult(replies=replies, lost=expected - count, error="timeout")
        latency = (arrivals[before + count - 1] - started) if count else None
        return TurnResult(latency=latency, replies=replies)

    async def _until_quiet(self, before: int, deadline: float) -> None:
        arrivals = self.stack.twilio.arrivals[self.number]
        seen = before
        while time.perf_counter() < deadline:
            quiet_until = min(deadline, time.perf_counter() + QUIET_SECONDS)
            await self.stack.twilio.wait_count(self.number, seen + 1, quiet_until)
            if len(arrivals) == seen:
                return
            seen = len(arrivals)

    def _bodies(self) -> list[str]:
        return [message["Body"] for message in self.stack.twilio.received if message.get("To") == self.number]

    async def close(self) -> None:
        return None


class WebChatConversation:
    """A python-socketio client speaking rasa-webchat's protocol to Haven's channel."""

    def __init__(self, base_url: str, source_address: str | None = None) -> None:
        self.base_url = base_url
        # Its own loopback source address when given: a load balancer that keeps each client address on one
        # instance (nginx's ip_hash, by the first three octets) then spreads these sockets as it would real ones.
        self._http = (
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source_address, 0)))
            if source_address
            else None
        )
        self.client = socketio.AsyncClient(reconnection=False, http_session=self._http)
        self.session_id: str | None = None
        self.replies: list[str] = []
        self._arrived: list[float] = []  # when each reply arrived
        self._replied = asyncio.Event()
        self._confirmed = asyncio.Event()
        self._done = asyncio.Event()
        self._ended_at = 0.0
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("bot_typing", self._on_typing)

    async def _on_confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self._confirmed.set()

    async def _on_bot(self, message: dict) -> None:
        self.replies.append(str((message or {}).get("text") or ""))
        self._arrived.append(time.perf_counter())
        self._replied.set()

    async def _on_typing(self, data: dict) -> None:
        if not (data or {}).get("typing"):
            self._ended_at = time.perf_counter()
            self._done.set()

    async def open(self, timeout: float) -> None:
        # Long-polling, not websocket: engineio 4.15's client websocket transport needs aiohttp >= 3.10 and
        # Rasa 3.6 pins 3.9 (the web chat helper's tests do the same). A browser would upgrade to websocket.
        await self.client.connect(self.base_url, socketio_path="/socket.io", transports=["polling"],
                                  wait_timeout=timeout)
        await self.client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(self._confirmed.wait(), timeout)

    async def turn(self, text: str, expected: int | None, timeout: float) -> TurnResult:
        before = len(self.replies)
        self._done.clear()
        started = time.perf_counter()
        try:
            await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
            await asyncio.wait_for(self._done.wait(), timeout)
            remaining = max(0.0, started + timeout - time.perf_counter())
            if expected is None:  # calibration: every reply, however late, belongs to this turn
                await self._until_quiet(started + timeout)
            else:
                await asyncio.wait_for(self._replies(before + expected), remaining)
        except (asyncio.TimeoutError, socketio.exceptions.SocketIOError) as error:
            got = len(self.replies) - before
            return TurnResult(error=type(error).__name__, lost=max(0, (expected or 0) - got))
        replies = self.replies[before:]
        last_reply = self._arrived[before + expected - 1] if expected else 0.0
        return TurnResult(latency=max(self._ended_at, last_reply) - started, replies=replies)

    async def _until_quiet(self, deadline: float) -> None:
        """Until no reply has come for QUIET_SECONDS (or `deadline`)."""
        while time.perf_counter() < deadline:
            self._replied.clear()
            try:
                await asyncio.wait_for(self._replied.wait(), min(QUIET_SECONDS, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                return

    async def _replies(self, count: int) -> None:
        """Until `count` replies have arrived in all (a reply delivered through the outbox by another instance
        may come after the typing indicator went off)."""
        while len(self.replies) < count:
            self._replied.clear()
            await self._replied.wait()

    async def close(self) -> None:
        # abort: a graceful close waits for the pending long-poll (up to the 25 s ping interval)
        await self.client.eio.disconnect(abort=True)
        if self._http is not None:
            await self._http.close()


class Path:
    """Opens conversations on one path; `name` is how the report labels it."""

    def __init__(self, name: str, stack: BenchStack, http: aiohttp.ClientSession) -> None:
        self.name, self.stack, self.http = name, stack, http

    async def open(self, conversation_id: str, timeout: float) -> Conversation:
        if self.name == "plain REST (Rasa built-in)":
            return RestConversation(self.http, self.stack.base_url, f"rest:{conversation_id}")
        if self.name == "SMS webhook (Haven)":
            return SmsConversation(self.http, self.stack)
        chat = WebChatConversation(self.stack.base_url, self.stack.client_address(conversation_id))
        await chat.open(timeout)
        return chat


PATH_NAMES = ("plain REST (Rasa built-in)", "SMS webhook (Haven)", "web chat socket.io (Haven)")
