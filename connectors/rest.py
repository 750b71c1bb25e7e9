"""Haven's REST channel: Rasa's REST JSON in and out, with validation, sanitising and prefixed sender ids."""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.outbox.senders import PermanentDeliveryError, register_sender
from bot.outbox.worker import attach_worker
from bot.settings import get_settings
from connectors.channel_common import OutboxOutputChannel, hand_to_rasa, make_sender_id
from connectors.waiting_advice import waiting_advice

logger = logging.getLogger(__name__)
CHANNEL = "rest"
# Room for a message well past the 20,000 characters Rasa reads (connectors.inbound_text), in any
# JSON encoding (\uXXXX escapes take 6-12 bytes a character): longer ones are cut with a notice.
MAX_BODY_BYTES = 512 * 1024
MAX_SENDER_CHARS = 190  # the sender id, once prefixed, must fit the 200-character columns
CALLBACK_TIMEOUT_SECONDS = 15


class RestCollectingOutputChannel(CollectingOutputChannel):
    """Rasa's collecting output, named "rest" so channel-specific responses apply."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL


class RestCallbackSender:
    """POST {"recipient_id": "rest:<sender>", "text": ..., ...} to `callback_url`; 2xx means delivered."""

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


def rest_refusal(request: Request) -> HTTPResponse | None:
    """A 401/403 unless the caller may use the REST channel (bearer HAVEN_REST_TOKEN; open in development)."""
    settings = get_settings()
    if not settings.rest_token:
        if settings.is_development:
            return None
        return _error("the REST channel is disabled: set HAVEN_REST_TOKEN to enable it", status=403)
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.rest_token.encode()):
        return None
    return _error("a valid 'Authorization: Bearer <token>' header is required", status=401)


def rest_address(sender: str) -> str:
    """The address part of a REST sender id: "rest:alice" and "alice" are both "alice"."""
    return sender[len(CHANNEL) + 1 :] if sender.startswith(f"{CHANNEL}:") else sender


def parse_request(request: Request) -> tuple[dict[str, Any] | None, str | None]:
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
    if not isinstance(sender, str) or not rest_address(sender.strip()):
        return None, '"sender" is required and must be a non-empty string'
    if len(sender) > MAX_SENDER_CHARS:
        return None, f'"sender" is longer than {MAX_SENDER_CHARS} characters'
    if not isinstance(message, str):
        return None, '"message" is required and must be text'
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return None, '"metadata" must be a JSON object'
    return {"address": rest_address(sender.strip()), "message": message, "metadata": metadata}, None


class HavenRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"} -> the bot's replies as a JSON list."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HavenRestInput:
        return cls()

    def get_output_channel(self) -> OutboxOutputChannel:
        return OutboxOutputChannel(CHANNEL)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        callback_url = get_settings().rest_callback_url
        if callback_url:
            register_sender(CHANNEL, RestCallbackSender(callback_url))
        else:
            logger.info("HAVEN_REST_CALLBACK_URL is not set: out-of-band REST messages wait in the outbox")
        blueprint = Blueprint("haven_rest", __name__)
        attach_worker(blueprint)

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = rest_refusal(request)
            if refusal is not None:
                return refusal
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(f"the request body is larger than {MAX_BODY_BYTES} bytes", status=413)
            fields, problem = parse_request(request)
            if fields is None:
                return _error(problem or "invalid request")
            collector = RestCollectingOutputChannel()
            try:  # an empty message gets a reply saying so, a cut one a notice first (hand_to_rasa)
                await hand_to_rasa(
                    on_new_message,
                    channel=CHANNEL,
                    address=fields["address"],
                    text=fields["message"],
                    output_channel=collector,
                    metadata={"client": fields["metadata"]} if fields["metadata"] else None,
                )
            except Exception as error:
                logger.error("a REST message failed in Rasa: %s", type(error).__name__)
                return _error("the assistant could not handle this message; please try again", status=500)
            messages = collector.messages or await waiting_advice(
                request.app, make_sender_id(CHANNEL, fields["address"]))
            return response.json(messages)

        return blueprint
