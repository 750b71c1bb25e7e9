"""Rasa refuses an action server's reply that breaks its documented format, whichever jsonschema is pinned.

jsonschema is pinned at 3.2.0 (within Rasa 3.6's range >=3.2,<4.18) because it validates each action
response about 8x faster than 4.17.3 (BENCHMARKS.md); these tests hold the refusal Rasa relies on.
"""

from __future__ import annotations

import socket

import jsonschema
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

VALID = {"events": [{"event": "slot", "name": "need", "value": "fraud"}], "responses": [{"text": "Noted."}]}
INVALID = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_name": True}], "responses": []},
    {"events": [], "responses": "not a list"},
]


async def _run_against(body: dict) -> list:
    """Run a custom action whose server answers `body`; the events Rasa accepted."""

    async def webhook(_request: web.Request) -> web.Response:
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        port = sock.getsockname()[1]
        domain = Domain.from_dict({"slots": {"need": {"type": "text", "mappings": [{"type": "custom"}]}}})
        action = RemoteAction("action_probe", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        tracker = DialogueStateTracker("probe", domain.slots)
        return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain)
    finally:
        await runner.cleanup()


async def test_a_valid_action_response_is_accepted() -> None:
    events = await _run_against(VALID)
    assert [event.as_dict().get("value") for event in events if event.as_dict()["event"] == "slot"] == ["fraud"]


@pytest.mark.parametrize("body", INVALID)
async def test_an_invalid_action_response_is_refused(body: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        await _run_against(body)


def test_the_pinned_jsonschema_is_within_rasas_range() -> None:
    major, minor = (int(part) for part in jsonschema.__version__.split(".")[:2])
    assert (3, 2) <= (major, minor) < (4, 18)
