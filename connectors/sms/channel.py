"""Haven's Twilio SMS channel: signed webhooks, de-duplication, keywords, numbered options, outbox replies."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.cases.identities import SenderAddress
from bot.db import session_scope
from bot.inbox.store import ClaimedInbound
from bot.off_loop import run_blocking
from bot.outbox.delivery import record_delivery_status
from bot.outbox.senders import register_sender
from bot.rate_limits import client_address, too_many_requests
from bot.serving_checks import require_ready_to_serve
from bot.settings import get_settings
from bot.text.normalise import normalise_text
from connectors.pipeline.intake import register_handler, store_delivery
from connectors.pipeline.messages import OutboxOutputChannel
from connectors.pipeline.options import numbered_choice
from connectors.pipeline.rate_gate import RateGate
from connectors.pipeline.turns import message_id_of, reply_output, run_turn
from connectors.sms.keywords import (
    keyword_of,
    keyword_reply,
    record_opt_out,
    sms_reply,
)
from connectors.sms.render import split_for_outbox
from connectors.sms.sender import TwilioSmsSender
from connectors.sms.signature import MAX_FORM_BYTES, first, form_params, is_signed_by_twilio

logger = logging.getLogger(__name__)
CHANNEL = "sms"
PROVIDER = "twilio"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _twiml_ok() -> HTTPResponse:
    return response.text(EMPTY_TWIML, content_type="text/xml")


class TwilioSmsInput(InputChannel):
    """POST /webhooks/twilio_sms/webhook (messages) and /webhooks/twilio_sms/status (delivery receipts)."""

    @classmethod
    def name(cls) -> str:
        return "twilio_sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioSmsInput:
        return cls()  # every secret comes from bot.settings (TWILIO_* environment variables)

    def __init__(self) -> None:
        self._gate: RateGate | None = None

    def get_output_channel(self) -> OutputChannel:
        return OutboxOutputChannel(CHANNEL)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        require_ready_to_serve()
        register_sender(CHANNEL, TwilioSmsSender.from_settings(get_settings()), split=split_for_outbox)
        blueprint = Blueprint("haven_twilio_sms", __name__)
        self._gate = RateGate.for_channel(CHANNEL, blueprint)
        register_handler(blueprint, CHANNEL, lambda app: functools.partial(self._handle, on_new_message, app))

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params, refusal = await self._authenticated_form(request)
            if refusal is not None:
                return refusal
            message_sid = first(params, "MessageSid") or first(params, "SmsSid")
            address = first(params, "From")
            if not message_sid or not address:
                return response.text("MessageSid and From are required", status=400)
            try:
                received = await store_delivery(
                    request.app, provider=PROVIDER, provider_id=message_sid, channel=CHANNEL, address=address,
                    content={"body": first(params, "Body")},
                )
            except Exception as error:  # not stored: not acknowledged, so Twilio tries again
                logger.error("SMS %s could not be stored: %s", message_sid, type(error).__name__)
                return response.text("try again later", status=503)
            if not received.new:
                logger.info("twilio retried %s; already stored (handled: %s)", message_sid, received.handled)
            return _twiml_ok()

        @blueprint.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            params, refusal = await self._authenticated_form(request)
            if refusal is not None:
                return refusal
            message_sid = first(params, "MessageSid") or first(params, "SmsSid")
            message_status = first(params, "MessageStatus") or first(params, "SmsStatus")
            if message_sid and message_status:
                await run_blocking(_record_status, message_sid, message_status, first(params, "ErrorCode"))
            return _twiml_ok()

        return blueprint

    async def _authenticated_form(self, request: Request) -> tuple[Any, HTTPResponse | None]:
        """The form fields, or the response refusing the request (too large, forged, not a form).

        Genuine webhooks all come from Twilio's few addresses, so only refused ones count against the
        per-address limit (a 429 to Twilio would lose the SMS; senders are limited by number instead)."""
        if len(request.body or b"") > MAX_FORM_BYTES:
            return None, await self._refused(request, response.text("request too large", status=413))
        settings = get_settings()
        params = form_params(request)
        if not is_signed_by_twilio(
            request, auth_token=settings.twilio_auth_token, public_base_url=settings.public_base_url, params=params
        ):
            if not settings.twilio_auth_token:
                logger.error("TWILIO_AUTH_TOKEN is not set: every SMS webhook is refused")
            logger.warning(
                "refused an SMS webhook: missing or invalid X-Twilio-Signature "
                "(HAVEN_PUBLIC_BASE_URL must match the URL configured in Twilio)"
            )
            return None, await self._refused(request, response.text("forbidden", status=403))
        if params is None:
            return None, response.text("expected application/x-www-form-urlencoded", status=415)
        return params, None

    async def _refused(self, request: Request, refusal: HTTPResponse) -> HTTPResponse:
        verdict = await self._gate.limits.address(client_address(request)) if self._gate else None
        return too_many_requests(verdict) if verdict is not None and not verdict.allowed else refusal

    async def _handle(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any, claim: ClaimedInbound
    ) -> str:
        """Handle one stored SMS (keywords, numbered options, then Rasa); returns the inbox outcome."""
        body = claim.content.get("body")
        output = reply_output(claim)
        text = normalise_text(body)  # as Rasa will read it: fullwidth "STOP" is STOP, "1" option 1
        keyword = keyword_of(text) if text else None
        if not text:
            await output.enqueue(claim.address, {"text": sms_reply("EMPTY_REPLY")})
            return "empty"
        if keyword in ("STOP", "START"):
            await run_blocking(record_opt_out, channel=CHANNEL, address=claim.address, opted_out=keyword == "STOP")
            await output.enqueue(claim.address, {"text": keyword_reply(keyword)})
            return keyword.lower()
        if keyword in ("HELP", "INFO"):
            await output.enqueue(claim.address, {"text": keyword_reply(keyword)})
            if keyword == "INFO":
                return "info"  # "help" may be distress: it also goes on to Rasa below
        sender_id = SenderAddress(CHANNEL, claim.address).sender_id
        if self._gate is not None and await self._gate.held_back(
            sender_id=sender_id, channel=CHANNEL, text=body, output=output, message_id=message_id_of(claim)
        ):
            return "held back"  # kept in the conversation, not answered (connectors.pipeline.rate_gate)
        payload = await run_blocking(_numbered_choice, claim, text)
        return await run_turn(
            app, claim, on_new_message=on_new_message, text=payload or body, output=output,
            trusted_payload=payload is not None, empty_reply=sms_reply("EMPTY_REPLY"),
        )


def _numbered_choice(claim: ClaimedInbound, text: str) -> str | None:
    with session_scope() as session:
        return numbered_choice(session, channel=CHANNEL, address=claim.address, inbox_id=claim.id, text=text)


def _record_status(message_sid: str, message_status: str, error_code: str | None) -> None:
    with session_scope() as session:
        if not record_delivery_status(
            session, provider_message_id=message_sid, status=message_status, error_code=error_code
        ):
            logger.info("status callback for an unknown message %s", message_sid)
