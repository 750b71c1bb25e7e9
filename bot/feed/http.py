"""The case feed as a Rasa input channel: POST /api/v1/case-events and GET /api/v1/openapi.json."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import DBAPIError

from bot.feed import problems
from bot.feed.apply import apply_in_own_transaction
from bot.feed.integrations import integration_for_token
from bot.feed.openapi import openapi_document
from bot.feed.schema import CaseEventBody
from bot.off_loop import in_session, run_blocking

logger = logging.getLogger(__name__)
PREFIX = "/api/v1"
MAX_BODY_BYTES = 64 * 1024
REPLAY_HEADER = "Idempotent-Replayed"
RETRY_AFTER_SECONDS = 5


class FeedBlueprint(Blueprint):
    """A blueprint that always mounts at /api/v1 (Rasa would put channels under /webhooks/<name>)."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, {**options, "url_prefix": PREFIX})


def _refused(refusal: problems.Refusal) -> HTTPResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="haven-case-feed"'} if refusal.status == 401 else None
    return response.json(refusal.answer(), status=refusal.status, headers=headers)


async def _caller(request: Request) -> str | None:
    scheme, _space, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return await in_session(integration_for_token, token=token.strip())


def parse_body(body: bytes) -> Any:
    """The validated event from a raw body; raises Refusal (400 not JSON, 413 too large, 422 not valid)."""
    if len(body) > MAX_BODY_BYTES:
        raise problems.Refusal(413, f"the body is larger than {MAX_BODY_BYTES} bytes", [("body", "too large")])
    try:
        data = json.loads(body or b"")
    except ValueError as error:
        raise problems.malformed(f"not JSON: {error.msg} at character {error.pos}") from None
    if not isinstance(data, dict):
        raise problems.malformed("send one JSON object")
    try:
        return CaseEventBody.parse_obj(data).__root__
    except ValidationError as error:
        raise problems.invalid(error) from None


async def receive_event(request: Request) -> HTTPResponse:
    """Check the token, validate, apply once (in one transaction) and answer; a repeat gets the first answer.
    While the database is unavailable or too busy, the answer is 503 with Retry-After: nothing was stored."""
    try:
        return await _receive_event(request)
    except DBAPIError as error:
        logger.warning("case event not stored, database unavailable: %s", type(error.orig).__name__)
        body = {
            "error": "the case store is unavailable or busy; nothing was stored: send the event again",
            "errors": [],
        }
        return response.json(body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _receive_event(request: Request) -> HTTPResponse:
    integration = await _caller(request)
    if integration is None:
        return _refused(problems.Refusal(401, "a valid 'Authorization: Bearer <token>' header is required"))
    try:
        event = parse_body(request.body or b"")
        applied = await run_blocking(apply_in_own_transaction, event, source=integration)
    except problems.Refusal as refusal:
        logger.info("case event refused for %s: HTTP %d", integration, refusal.status)
        return _refused(refusal)
    logger.info("case event %s from %s (replayed: %s)", event.kind, integration, applied.replayed)
    headers = {REPLAY_HEADER: "true"} if applied.replayed else None
    return response.json(applied.answer, status=applied.status, headers=headers)


async def openapi(_request: Request) -> HTTPResponse:
    return response.json(openapi_document())


def build_blueprint(name: str = "haven_case_feed") -> FeedBlueprint:
    blueprint = FeedBlueprint(name)
    blueprint.add_route(receive_event, "/case-events", methods=["POST"])
    blueprint.add_route(openapi, "/openapi.json", methods=["GET"])
    return blueprint


class CaseFeedInput(InputChannel):
    """Listed in credentials.yml as `bot.feed.http.CaseFeedInput: {}`; it receives case events, not messages."""

    @classmethod
    def name(cls) -> str:
        return "case_feed"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CaseFeedInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return build_blueprint()
