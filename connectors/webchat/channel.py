"""Web chat input channel: rasa-webchat's socket.io protocol at /socket.io, with Rasa's bugs fixed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlparse

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.cases.identities import SenderAddress
from bot.contact.retry_times import install_retry_holds
from bot.inbox.store import ClaimedInbound
from bot.outbox.senders import register_sender
from bot.outbox.worker import attach_worker
from bot.rate_limits import client_address
from bot.serving_checks import require_ready_to_serve
from bot.settings import get_settings
from bot.wording import response_text
from connectors.pipeline.inbound_text import empty_reply
from connectors.pipeline.intake import register_handler, store_delivery
from connectors.pipeline.messages import OnNewMessage, OutboxOutputChannel
from connectors.pipeline.rate_gate import RateGate, wait_notice
from connectors.pipeline.turns import reply_output, run_turn
from connectors.webchat.inbound import CHANNEL, origin_allowed, parse_user_uttered, requested_token
from connectors.webchat.output import (
    BOT_EVENT,
    NAMESPACE,
    emit_message,
    emit_typing,
    make_outbox_sender,
)
from connectors.webchat.page import SOCKETIO_PATH, add_page_routes, add_root_redirect, root_is_free
from connectors.webchat.presence import presence_for
from connectors.webchat.session import resume_or_issue, session_of

logger = logging.getLogger(__name__)

# The chat page sends at most 60,000 characters (chat.js), well past the 20,000 Rasa reads, so a long
# paste arrives and is cut with a notice rather than dropped by socket.io (JSON escapes included).
MAX_SOCKET_PAYLOAD_BYTES = 512 * 1024


class WebChatBlueprint(Blueprint):
    """Attaches the socket.io server and keeps its routes at absolute paths whatever prefix Rasa passes."""

    def __init__(self, sio: AsyncServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.sio = sio

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.app = app  # where stored messages are announced to the inbox processor
        self.ctx.sio.attach(app, SOCKETIO_PATH)
        super().register(app, {**options, "url_prefix": ""})
        if root_is_free(app):
            add_root_redirect(app)
        else:
            logger.info("Web chat: / is already served (Rasa's API?), so it does not redirect to /chat.")


class WebChatInput(InputChannel):
    """rasa-webchat compatible socket.io channel; sender ids are "webchat:<session id>".

    The browser only ever holds the session id signed by this server (see connectors.webchat.session).
    """

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        self.sio: AsyncServer | None = None
        self.secret_key = ""  # signs session ids: HAVEN_SECRET_KEY (random per process in development)

    def get_output_channel(self) -> OutputChannel | None:
        return OutboxOutputChannel(CHANNEL)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        require_ready_to_serve()
        settings = get_settings()
        self.secret_key = settings.secret_key
        # With REDIS_URL (several Rasa instances), emits go through Redis to whichever instance holds the socket.
        redis_url = settings.redis_url
        manager = AsyncRedisManager(redis_url, channel=redis_channel(redis_url)) if redis_url else None
        sio = AsyncServer(
            client_manager=manager,
            async_mode="sanic",
            cors_allowed_origins=partial(origin_allowed, settings=settings),
            max_http_buffer_size=MAX_SOCKET_PAYLOAD_BYTES,
            async_handlers=False,  # one socket's events stored in the order sent (the turns run in the inbox)
        )
        self.sio = sio
        webchat = WebChatBlueprint(sio, "haven_webchat", __name__)

        @webchat.route("/webhooks/webchat/", methods=["GET"], name="haven_webchat_health")
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        add_page_routes(webchat, settings)
        gate = RateGate.for_channel(CHANNEL, webchat)
        presence = presence_for(sio, NAMESPACE, settings.redis_url)
        _install_socket_handlers(sio, gate, self.secret_key, lambda: webchat.ctx.app, presence)
        _run_presence(webchat, presence)
        register_handler(webchat, CHANNEL, partial(handle_stored, sio, on_new_message, gate))
        # Every web chat reply leaves through the outbox, delivered by a worker in a Rasa server: alone, only
        # this process holds the browsers' sockets; with REDIS_URL any instance reaches any socket, and
        # HAVEN_WEBCHAT_DELIVERY=0 leaves the delivery to the other instances.
        register_sender(CHANNEL, make_outbox_sender(sio, presence))
        if settings.webchat_delivery:
            install_retry_holds()  # retries of unprompted messages wait for a permitted time
            attach_worker(webchat, channels=[CHANNEL])
        return webchat


def redis_channel(redis_url: str) -> str:
    """The pub/sub channel of the web chat emits: one per Redis database (pub/sub itself ignores databases)."""
    return f"haven-webchat-{urlparse(redis_url).path.strip('/') or '0'}"


def _run_presence(webchat: Blueprint, presence: Any) -> None:
    """Renew this server's sockets' presence while it serves (a no-op without Redis)."""

    async def _start(_app: Any, _loop: Any) -> None:
        presence.start()

    async def _stop(_app: Any, _loop: Any) -> None:
        await presence.stop()

    webchat.listener("after_server_start")(_start)
    webchat.listener("before_server_stop")(_stop)


def _install_socket_handlers(
    sio: AsyncServer, gate: RateGate, secret_key: str, app_of: Callable[[], Any], presence: Any
) -> None:
    """The protocol: session_request -> session_confirm, user_uttered -> bot_uttered (+ bot_typing)."""

    @sio.on("connect", namespace=NAMESPACE)
    async def connect(sid: str, environ: dict, _auth: Any = None) -> None:
        request = environ.get("sanic.request")
        address = client_address(request) if request is not None else environ.get("REMOTE_ADDR", "unknown")
        await sio.save_session(sid, {"address": address}, namespace=NAMESPACE)

    @sio.on("disconnect", namespace=NAMESPACE)
    async def disconnect(sid: str, *_reason: Any) -> None:
        await presence.left(sid)

    @sio.on("session_request", namespace=NAMESPACE)
    async def session_request(sid: str, data: Any = None) -> None:
        state = await sio.get_session(sid, namespace=NAMESPACE)
        if not (await gate.limits.address(state["address"])).allowed:
            await sio.emit(BOT_EVENT, {"text": wait_notice(CHANNEL)}, to=sid, namespace=NAMESPACE)
            return
        web = resume_or_issue(requested_token(data), secret_key)  # anything not signed here: a new session
        for room in sio.rooms(sid, namespace=NAMESPACE):
            if room != sid:  # one session per socket
                await sio.leave_room(sid, room, namespace=NAMESPACE)
        await sio.enter_room(sid, web.session_id, namespace=NAMESPACE)  # awaited: Rasa's channel forgot (#13027)
        await sio.save_session(sid, {**state, "session_id": web.session_id}, namespace=NAMESPACE)
        await presence.joined(sid, web.session_id)
        await sio.emit("session_confirm", web.token, to=sid, namespace=NAMESPACE)

    @sio.on("user_uttered", namespace=NAMESPACE)
    async def user_uttered(sid: str, data: Any = None) -> None:
        inbound = parse_user_uttered(data)
        if inbound is None:
            logger.debug("Web chat: ignored a malformed user_uttered event.")
            return
        state = await sio.get_session(sid, namespace=NAMESPACE)
        room = state.get("session_id")
        if room is None or session_of(inbound.session_token, secret_key) != room:
            logger.debug("Web chat: ignored a message for a session this socket was not given.")
            return
        try:
            await store_delivery(
                app_of(),
                provider=CHANNEL,
                provider_id=f"{room}:{uuid.uuid4().hex}",
                channel=CHANNEL,
                address=room,
                content={"text": inbound.text, "custom_data": inbound.custom_data, "client": state["address"]},
            )
        except Exception as error:  # not stored: say so, the page still shows what they typed
            logger.error("Web chat: a message could not be stored: %s", type(error).__name__)
            await emit_message(sio, room, {"text": response_text("utter_something_went_wrong", CHANNEL)})
            return
        await emit_typing(sio, room, True)


def handle_stored(sio: AsyncServer, on_new_message: OnNewMessage, gate: RateGate, app: Any) -> Any:
    """The inbox handler for web chat: rate gate, then one Rasa turn; replies go through the outbox."""

    async def handle(claim: ClaimedInbound) -> str:
        room, output = claim.address, reply_output(claim)
        try:
            if await gate.held_back(
                sender_id=SenderAddress(CHANNEL, room).sender_id,
                channel=CHANNEL,
                text=claim.content.get("text"),
                output=output,
                address=claim.content.get("client", ""),
            ):
                return "held back"
            return await run_turn(
                app,
                claim,
                on_new_message=on_new_message,
                text=claim.content.get("text"),
                output=output,
                metadata={"customData": claim.content.get("custom_data") or {}},
                empty_reply=empty_reply(CHANNEL),
            )
        finally:
            await emit_typing(sio, room, False)

    return handle
