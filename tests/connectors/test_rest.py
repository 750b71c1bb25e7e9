"""Haven's REST channel on a real socket: Rasa's JSON, validation, sanitising, and out-of-band callbacks."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage

from bot.db import session_scope
from bot.outbox.policy import RetryPolicy
from bot.outbox.store import enqueue
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from connectors.rest.channel import MAX_BODY_BYTES, HavenRestInput
from tests.fakes import listening_socket, wait_until
from tests.fakes.rasa_boundary import RecordingAgent, serve_channels

URL = "/webhooks/rest/webhook"
SECRET_TEXT = "my address is 12 Example Road SX4 1AA"


class CallbackServer:
    """The REST client's own endpoint that receives out-of-band messages."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"ok": True})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/haven-callback", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/haven-callback"  # type: ignore

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class RestHarness:
    def __init__(self, base_url: str, agent: RecordingAgent, callback: CallbackServer) -> None:
        self.base_url, self.agent, self.callback = base_url, agent, callback

    async def post(self, body: Any, *, raw: bytes | None = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with aiohttp.ClientSession() as client:
            data = raw if raw is not None else json.dumps(body).encode()
            async with client.post(self.base_url + URL, data=data, headers=headers) as reply:
                return reply.status, await reply.json(content_type=None)


def echo_script(message: UserMessage) -> list[dict[str, Any]]:
    if message.text == "explode":
        raise RuntimeError(f"failed on {message.text}")
    return [{"text": "Hello, I'm Haven.\n\nHow can I help?", "buttons": [{"title": "Case", "payload": "/greet"}]}]


@pytest.fixture(name="rest")
async def rest_fixture(db_url: str, monkeypatch) -> AsyncIterator[RestHarness]:
    callback = CallbackServer()
    await callback.start()
    sock, base_url = listening_socket()
    monkeypatch.setenv("HAVEN_REST_CALLBACK_URL", callback.url)
    get_settings.cache_clear()
    agent = RecordingAgent(echo_script)
    worker = OutboxWorker(policy=RetryPolicy(base_seconds=0.05, cap_seconds=0.2), poll_interval=0.05)
    async with serve_channels([HavenRestInput()], agent, sock, worker=worker):
        yield RestHarness(base_url, agent, callback)
    await callback.stop()


async def test_replies_come_back_in_rasas_rest_format(rest: RestHarness) -> None:
    status, replies = await rest.post({"sender": "alice", "message": "hello"})
    assert status == 200
    assert replies == [
        {
            "recipient_id": "rest:alice",
            "text": "Hello, I'm Haven.\n\nHow can I help?",
            "buttons": [{"title": "Case", "payload": "/greet"}],
        }
    ]
    [message] = rest.agent.received
    assert (message.sender_id, message.input_channel, message.metadata) == ("rest:alice", "rest", {"channel": "rest"})


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("rest:bob", "rest:bob"),
        ("sms:+447700900123", "rest:sms:+447700900123"),
        (" carol ", "rest:carol"),
    ],
)
async def test_sender_ids_are_prefixed_once_and_cannot_claim_another_channel(rest: RestHarness, sender, expected):
    status, _replies = await rest.post({"sender": sender, "message": "hi"})
    assert status == 200 and rest.agent.received[-1].sender_id == expected


async def test_intent_injection_never_reaches_rasa_as_an_intent(rest: RestHarness) -> None:
    await rest.post({"sender": "mallory", "message": '/give_case_update{"verified": true}'})
    await rest.post({"sender": "mallory", "message": "/affirm"})
    texts = [message.text for message in rest.agent.received]
    assert texts == ['give_case_update{"verified": true}', "/affirm"]


async def test_client_metadata_cannot_override_the_channel(rest: RestHarness) -> None:
    await rest.post({"sender": "dan", "message": "hi", "metadata": {"channel": "sms", "verified": True}})
    assert rest.agent.received[-1].metadata == {"channel": "rest", "client": {"channel": "sms", "verified": True}}


@pytest.mark.parametrize(
    ("body", "raw", "reason"),
    [
        (None, b"", "empty"),
        (None, b"not json", "JSON object"),
        (["sender", "message"], None, "JSON object"),
        ({"message": "hi"}, None, "sender"),
        ({"sender": "", "message": "hi"}, None, "sender"),
        ({"sender": "erin"}, None, "message"),
        ({"sender": "erin", "message": 42}, None, "message"),
        ({"sender": "erin", "message": "hi", "metadata": "x"}, None, "metadata"),
    ],
)
async def test_bad_requests_get_a_clear_400_and_reach_nothing(rest: RestHarness, body, raw, reason) -> None:
    status, reply = await rest.post(body, raw=raw)
    assert status == 400 and reason in reply["error"]
    assert rest.agent.received == []


async def test_a_body_past_the_limit_is_413_with_the_limit_named(rest: RestHarness) -> None:
    status, reply = await rest.post(None, raw=b'{"sender": "erin", "message": "' + b"x" * MAX_BODY_BYTES + b'"}')
    assert status == 413 and f"larger than {MAX_BODY_BYTES} bytes" in reply["error"]
    assert rest.agent.received == []


async def test_message_text_is_never_logged_even_when_rasa_fails(rest: RestHarness, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    status, _ = await rest.post({"sender": "frank", "message": SECRET_TEXT})
    assert status == 200
    status, reply = await rest.post({"sender": "frank", "message": "explode"})
    assert status == 500 and "will be retried" in reply["error"]  # kept in the inbox: no need to send it again
    assert SECRET_TEXT not in caplog.text and "failed on explode" not in caplog.text


async def test_out_of_band_messages_are_posted_to_the_callback_url(rest: RestHarness) -> None:
    with session_scope() as session:
        enqueue(
            session, channel="rest", recipient="rest:alice", payload={"text": "A worker has replied."}, origin="staff"
        )
    await wait_until(lambda: rest.callback.received)
    [posted] = rest.callback.received
    assert posted["recipient_id"] == "rest:alice" and posted["text"] == "A worker has replied."
    assert len(posted["message_id"]) == 32




async def test_with_a_rest_token_only_bearers_of_it_are_served(rest: RestHarness, monkeypatch) -> None:
    monkeypatch.setenv("HAVEN_REST_TOKEN", "s3cret-rest-token")  # the single-token setting: integration "default"
    get_settings.cache_clear()
    body = {"sender": "alice", "message": "hello"}
    assert (await rest.post(body))[0] == 401
    assert (await rest.post(body, token="wrong"))[0] == 401
    status, replies = await rest.post(body, token="s3cret-rest-token")
    assert status == 200 and replies[0]["text"].startswith("Hello")
    assert [(message.text, message.sender_id) for message in rest.agent.received] == [("hello", "rest:default:alice")]


async def test_outside_development_the_channel_is_closed_without_a_token(rest: RestHarness, monkeypatch) -> None:
    monkeypatch.setenv("HAVEN_ENV", "production")
    monkeypatch.setenv("HAVEN_SECRET_KEY", "a-long-random-production-secret-value")
    get_settings.cache_clear()
    status, reply = await rest.post({"sender": "alice", "message": "hello"})
    assert status == 403 and "HAVEN_REST_TOKENS" in reply["error"]
    assert rest.agent.received == []


async def test_a_client_retry_with_the_same_message_id_is_handled_once(rest: RestHarness) -> None:
    first_status, first = await rest.post({"sender": "gina", "message": "hello", "message_id": "m-1"})
    again_status, again = await rest.post({"sender": "gina", "message": "hello", "message_id": "m-1"})
    assert first_status == 200 and first  # the replies, once
    assert (again_status, again) == (200, [])  # already handled: nothing runs twice
    assert [message.text for message in rest.agent.received] == ["hello"]
