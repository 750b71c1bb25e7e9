"""The REST channel outside development: one token per integration, senders namespaced by it, and rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from cryptography.fernet import Fernet

from bot.settings import get_settings
from connectors.rest.channel import HavenRestInput
from tests.connectors.test_rest import URL, CallbackServer, RestHarness, echo_script
from tests.fakes import listening_socket
from tests.fakes.rasa_boundary import RecordingAgent, serve_channels

PARTNER_A = "victim-support-a-0123456789"
PARTNER_B = "housing-portal-b-9876543210"
PRODUCTION = {
    "HAVEN_ENV": "production",
    "HAVEN_SECRET_KEY": "a-long-random-production-secret-value-0123456789",
    "HAVEN_DATA_KEYS": Fernet.generate_key().decode(),
    "HAVEN_REST_TOKENS": f"partner-a:{PARTNER_A}, partner-b:{PARTNER_B}",
}


async def _serve(monkeypatch, environment: dict[str, str]) -> AsyncIterator[RestHarness]:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    sock, base_url = listening_socket()
    agent = RecordingAgent(echo_script)
    async with serve_channels([HavenRestInput()], agent, sock):
        yield RestHarness(base_url, agent, CallbackServer())


@pytest.fixture(name="rest")
async def production_rest(db_url: str, monkeypatch) -> AsyncIterator[RestHarness]:
    async for harness in _serve(monkeypatch, PRODUCTION):
        yield harness


@pytest.fixture(name="tight")
async def rate_limited_rest(db_url: str, monkeypatch) -> AsyncIterator[RestHarness]:
    async for harness in _serve(
        monkeypatch, {**PRODUCTION, "HAVEN_RATE_LIMIT_SENDER": "2/m", "HAVEN_RATE_LIMIT_ADDRESS": "5/m"}
    ):
        yield harness


async def test_production_is_the_default_and_closes_rest_without_a_token(db_url: str, monkeypatch) -> None:
    monkeypatch.delenv("HAVEN_ENV")
    for name in ("HAVEN_SECRET_KEY", "HAVEN_DATA_KEYS"):
        monkeypatch.setenv(name, PRODUCTION[name])
    async for rest in _serve(monkeypatch, {}):
        assert get_settings().environment == "production"
        status, reply = await rest.post({"sender": "alice", "message": "hello"})
        assert status == 403 and "HAVEN_REST_TOKENS" in reply["error"]
        assert rest.agent.received == []


async def test_each_token_speaks_only_for_its_own_integrations_senders(rest: RestHarness) -> None:
    assert (await rest.post({"sender": "alice", "message": "hi"}))[0] == 401
    assert (await rest.post({"sender": "alice", "message": "hi"}, token=PARTNER_A[:-1]))[0] == 401

    assert (await rest.post({"sender": "alice", "message": "from a"}, token=PARTNER_A))[0] == 200
    for claimed in ("alice", "partner-a:alice", "rest:partner-a:alice"):  # b naming a's sender, every way
        assert (await rest.post({"sender": claimed, "message": "from b"}, token=PARTNER_B))[0] == 200

    senders = [(message.sender_id, message.text) for message in rest.agent.received]
    assert senders[0] == ("rest:partner-a:alice", "from a")
    assert [sender for sender, _ in senders[1:]] == [
        "rest:partner-b:alice",
        "rest:partner-b:partner-a:alice",
        "rest:partner-b:partner-a:alice",
    ]
    assert all(not sender.startswith("rest:partner-a:") for sender, _ in senders[1:])


async def test_replies_are_addressed_to_the_namespaced_sender(rest: RestHarness) -> None:
    status, replies = await rest.post({"sender": "rest:partner-b:bob", "message": "hi"}, token=PARTNER_B)
    assert status == 200 and {reply["recipient_id"] for reply in replies} == {"rest:partner-b:bob"}


async def test_a_sender_over_its_limit_gets_429_and_retry_after_others_carry_on(tight: RestHarness) -> None:
    for _ in range(2):
        assert (await tight.post({"sender": "carol", "message": "hi"}, token=PARTNER_A))[0] == 200
    async with aiohttp.ClientSession() as client, client.post(
        tight.base_url + URL,
        json={"sender": "carol", "message": "are you there?"},
        headers={"Authorization": f"Bearer {PARTNER_A}"},
    ) as reply:
        status, retry_after, body = reply.status, reply.headers.get("Retry-After"), await reply.json()
    assert status == 429 and int(retry_after) >= 1 and body["retry_after"] == int(retry_after)
    assert "try again" in body["error"]
    assert (await tight.post({"sender": "dave", "message": "hi"}, token=PARTNER_A))[0] == 200
    assert [message.text for message in tight.agent.received] == ["hi", "hi", "hi"]  # the refused one never ran


async def test_one_address_over_its_limit_gets_429_whoever_it_claims_to_be(tight: RestHarness) -> None:
    statuses = [(await tight.post({"sender": f"s{n}", "message": "hi"}, token="guess"))[0] for n in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]  # token guessing is throttled too
    assert tight.agent.received == []
