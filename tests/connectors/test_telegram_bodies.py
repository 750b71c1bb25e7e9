"""Telegram webhook bodies: malformed, deeply nested or oversized ones get a 4xx (never a 500); a full-length
Telegram message (4,096 characters, in any script) is accepted and reaches Rasa whole."""

from __future__ import annotations

import json

import pytest

from connectors.telegram.channel import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.connectors.test_telegram_harness import (  # noqa: F401 (fixtures api, tg)
    api_fixture,
    message,
    text_update,
    tg_fixture,
    update,
    wait_for_calls,
)
from tests.fakes import wait_until

CHAT = 737373
TELEGRAM_MAX_CHARS = 4096


def _nested(depth: int) -> dict:
    inner: dict = {"end": True}
    for _ in range(depth):
        inner = {"reply_to_message": inner}
    return inner


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="array-nested-100000-deep"),
        pytest.param(b'{"update_id": 1, "message": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001, id="object-deep"),
        pytest.param(
            json.dumps({"update_id": 7, "message": _nested(MAX_JSON_DEPTH + 5)}).encode(), id="just-past-the-depth"
        ),
        pytest.param(b'{"update_id": 1, "message": {"text": "hi"', id="cut-short"),
        pytest.param(b"\xff\xfe not utf-8", id="not-utf-8"),
        pytest.param(b'"just a string"', id="not-an-object"),
        pytest.param(b'{"message": {}}', id="no-update-id"),
        pytest.param(b'{"update_id": 9, "message": {"chat": "not an object"}}', id="wrong-shapes"),
    ],
)
async def test_a_malformed_body_gets_400_and_reaches_nothing(tg, raw: bytes) -> None:
    reply = await tg.post(None, raw=raw)
    assert reply.status == 400, await reply.text()
    assert tg.agent.received == []


async def test_a_body_past_the_limit_gets_413(tg) -> None:
    reply = await tg.post(None, raw=b'{"update_id": 3, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}')
    assert reply.status == 413
    assert tg.agent.received == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(("I need help with my case. " * 200)[:TELEGRAM_MAX_CHARS], id="latin"),
        pytest.param(("помогите мне пожалуйста " * 200)[:TELEGRAM_MAX_CHARS], id="cyrillic"),
        pytest.param("\U0001f622" * TELEGRAM_MAX_CHARS, id="emoji-escaped-in-json"),
    ],
)
async def test_a_full_length_telegram_message_is_accepted_and_read_whole(tg, api, text: str) -> None:
    body = json.dumps(text_update(CHAT, text)).encode()  # ensure_ascii: every emoji is 12 bytes of \\u escapes
    reply = await tg.post(None, raw=body)
    assert reply.status == 200
    await wait_until(lambda: tg.agent.received)
    assert tg.agent.texts == [text.strip()]


async def test_a_real_update_nesting_a_reply_is_still_read(tg, api) -> None:
    replied = message(CHAT, text="earlier")
    reply = await tg.post(update("message", body=message(CHAT, text="he is back", reply_to_message=replied)))
    assert reply.status == 200
    await wait_until(lambda: tg.agent.received)
    assert tg.agent.texts == ["he is back"]
