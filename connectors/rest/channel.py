"""Haven's REST channel: Rasa's REST JSON, a token per integration, namespaced sender ids, rate limits."""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.cases.identities import SenderAddress
from bot.inbox.processor import finish
from bot.inbox.store import ClaimedInbound
from bot.outbox.senders import PermanentDeliveryError, register_sender
from bot.rate_limits import RateLimits, client_address, too_many_requests
from bot.serving_checks import require_ready_to_serve
from bot.settings import get_settings
from connectors.pipeline.intake import register_handler, store_delivery
from connectors.pipeline.messages import OnNewMessage, OutboxOutputChannel
from connectors.pipeline.turns import reply_output, run_turn

logger = logging.getLogger(__name__)
CHANNEL = "rest"
# Room for a message well past the 20,000 characters Rasa reads (connectors.pipeline.inbound_text), in any
# JSON encoding (\uXXXX escapes take 6-12 bytes a character): longer ones are cut with a notice.
MAX_BODY_BYTES = 512 * 1024
MAX_SENDER_ID_CHARS = 195  # "rest:<integration>:<sender>" must fit the 200-character columns
CALLBACK_TIMEOUT_SECONDS = 15


class RestCollectingOutputChannel(CollectingOutputChannel):
    """Rasa's collecting output, named "rest" so channel-specific responses apply."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL


class RestCallbackSender:
    """POST {"recipient_id": "rest:[<integration>:]<sender>", "text": ..., ...} to `callback_url`; 2xx: delivered."""

    def __init__(self, callback_url: str) -> None:
        self.callback_url = callback_url

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> str:
        recipient_id = recipient if recipient.startswith(f"{CHANNEL}:") else f"{CHANNEL}:{recipient}"
        message_id = uuid.uuid4().hex
        body = {"recipient_id": recipient_id, "message_id": message_id, **payload}
        timeout = aiohttp.ClientTimeout(total=CALLBACK_TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.callback_url, json=body) as reply,
        ):
            if 400 <= reply.status < 500 and reply.status not in (408, 429):
                raise PermanentDeliveryError(f"callback refused the message (HTTP {reply.status})")
            reply.raise_for_status()
        return message_id


def _error(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def integration_of(request: Request) -> tuple[str | None, HTTPResponse | None]:
    """(the calling integration, None), or (None, a 401/403). In development with no HAVEN_REST_TOKENS the
    channel is open and has no integration; otherwise each bearer token names exactly one integration."""
    settings = get_settings()
    if not settings.rest_tokens:
        if settings.is_development:
            return None, None
        return None, _error("the REST channel is disabled: set HAVEN_REST_TOKENS to enable it", status=403)
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    given_bytes, found = given.strip().encode(), None
    for name, token in settings.rest_tokens:  # every token is compared, each in constant time
        if hmac.compare_digest(given_bytes, token.encode()):
            found = name
    if found is None or scheme.lower() != "bearer":
        return None, _error("a valid 'Authorization: Bearer <token>' header is required", status=401)
    return found, None


def rest_address(sender: str, integration: str | None = None) -> str:
    """The address part of a REST sender id: the client's sender, inside its integration's namespace.
    A leading "rest:" (or "rest:<own integration>:") is the client repeating the prefix, and is dropped."""
    for prefix in (f"{CHANNEL}:{integration}:" if integration else None, f"{CHANNEL}:"):
        if prefix and sender.startswith(prefix):
            sender = sender[len(prefix) :]
            break
    return f"{integration}:{sender}" if integration and sender else sender


def parse_request(request: Request, integration: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """(fields, None) for a valid request, or (None, the reason it was refused)."""
    if not request.body:
        return None, 'the request body is empty; send JSON {"sender": ..., "message": ...}'
    try:
        data = request.json
    except Exception:
        data = None
    if not isinstance(data, dict):
        return None, "the request body must be a JSON object"
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not rest_address(sender.strip(), integration):
        return None, '"sender" is required and must be a non-empty string'
    address = rest_address(sender.strip(), integration)
    if len(SenderAddress(CHANNEL, address).sender_id) > MAX_SENDER_ID_CHARS:
        prefix = SenderAddress(CHANNEL, f"{integration}:" if integration else "").sender_id
        longest = MAX_SENDER_ID_CHARS - len(prefix)
        return None, f'"sender" is longer than {longest} characters'
    if not isinstance(message, str):
        return None, '"message" is required and must be text'
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return None, '"metadata" must be a JSON object'
    message_id = data.get("message_id")
    if message_id is not None and not (isinstance(message_id, str) and 0 < len(message_id) <= 80):
        return None, '"message_id" must be text of 1 to 80 characters'
    return {"address": address, "message": message, "metadata": metadata, "message_id": message_id}, None


class HavenRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"} -> the bot's replies as a JSON list.

    Outside development every request needs the bearer token of one integration (HAVEN_REST_TOKENS); its
    senders are "rest:<integration>:<sender>", so no integration can speak for another's. Over a limit the
    answer is 429 with Retry-After and nothing is processed: the client still holds the message.
    """

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HavenRestInput:
        return cls()

    def get_output_channel(self) -> OutboxOutputChannel:
        return OutboxOutputChannel(CHANNEL)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        require_ready_to_serve()
        limits = RateLimits.for_endpoint(CHANNEL)
        callback_url = get_settings().rest_callback_url
        if callback_url:
            register_sender(CHANNEL, RestCallbackSender(callback_url))
        else:
            logger.info("HAVEN_REST_CALLBACK_URL is not set: out-of-band REST messages wait in the outbox")
        blueprint = Blueprint("haven_rest", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            by_address = await limits.address(client_address(request))
            if not by_address.allowed:
                return too_many_requests(by_address)
            integration, refusal = integration_of(request)
            if refusal is not None:
                return refusal
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(f"the request body is larger than {MAX_BODY_BYTES} bytes", status=413)
            fields, problem = parse_request(request, integration)
            if fields is None:
                return _error(problem or "invalid request")
            by_sender = await limits.sender(SenderAddress(CHANNEL, fields["address"]).sender_id)
            if not by_sender.allowed:  # refused, not kept: the client still has the message and retries
                return too_many_requests(by_sender)
            return await self._answer(request.app, on_new_message, integration, fields)

        register_handler(blueprint, CHANNEL, lambda app: partial(self._redrive, on_new_message, app))
        return blueprint

    async def _answer(
        self, app: Any, on_new_message: OnNewMessage, integration: str | None, fields: dict[str, Any]
    ) -> HTTPResponse:
        """Store the message, run its turn in this request and answer with the replies (see module docstring)."""
        message_id = fields["message_id"] or uuid.uuid4().hex
        try:
            received = await store_delivery(
                app, provider=CHANNEL, provider_id=f"{integration or '-'}:{message_id}", channel=CHANNEL,
                address=fields["address"], content={"text": fields["message"], "metadata": fields["metadata"]},
                hold_for=timedelta(seconds=get_settings().inbox_lease_seconds),
            )
        except Exception as error:
            logger.error("a REST message could not be stored: %s", type(error).__name__)
            return _error("the message could not be stored; please try again", status=503)
        if received.claim is None:  # a retry of a stored message, or an earlier one of this sender still waits
            return response.json([], status=200 if not received.new else 202)
        collector = RestCollectingOutputChannel()
        try:  # an empty message gets a reply saying so, a cut one a notice first (hand_to_rasa)
            outcome = await run_turn(
                app, received.claim, on_new_message=on_new_message, text=fields["message"], output=collector,
                metadata={"client": fields["metadata"]} if fields["metadata"] else None,
            )
        except Exception as error:  # left to the inbox: retried, its replies then go to the callback URL
            logger.error("a REST message failed in Rasa: %s", type(error).__name__)
            await finish(received.claim, failed=type(error).__name__)
            return _error("the assistant could not handle this message; it will be retried", status=500)
        await finish(received.claim, outcome=outcome)
        return response.json(collector.messages)

    async def _redrive(self, on_new_message: OnNewMessage, app: Any, claim: ClaimedInbound) -> str:
        """A message whose request died mid-turn: run it again; replies go out through the outbox (callback)."""
        metadata = claim.content.get("metadata")
        return await run_turn(
            app, claim, on_new_message=on_new_message, text=claim.content.get("text"), output=reply_output(claim),
            metadata={"client": metadata} if metadata else None,
        )
