"""The REST channel with awkward messages: each is answered clearly and reaches Rasa cleaned, never refused."""

from __future__ import annotations

import pytest

from bot.risk import screen
from connectors.pipeline.inbound_text import CUT_NOTICE, EMPTY_REPLY, MAX_READ_CHARS
from tests.connectors.bad_input_cases import DISGUISED, EMPTY, OVER, READ_AS, WHOLE
from tests.connectors.test_rest import RestHarness, rest_fixture  # noqa: F401 (fixture "rest")

ECHO = "Hello, I'm Haven.\n\nHow can I help?"


@pytest.mark.parametrize(("typed", "read"), READ_AS)
async def test_awkward_text_reaches_rasa_cleaned_and_is_answered(rest: RestHarness, typed: str, read: str) -> None:
    status, replies = await rest.post({"sender": "erin", "message": typed})
    assert status == 200 and [reply["text"] for reply in replies] == [ECHO]
    assert [message.text for message in rest.agent.received] == [read]


@pytest.mark.parametrize("typed", [pytest.param("", id="empty"), *EMPTY, pytest.param("/", id="only-a-slash")])
async def test_a_message_with_no_words_gets_a_clear_reply_not_an_error(rest: RestHarness, typed: str) -> None:
    status, replies = await rest.post({"sender": "erin", "message": typed})
    assert (status, replies) == (200, [{"recipient_id": "rest:erin", "text": EMPTY_REPLY}])
    assert rest.agent.received == []


@pytest.mark.parametrize(("typed", "category"), DISGUISED)
async def test_disguised_disclosures_reach_rasa_in_a_form_the_screen_catches(rest: RestHarness, typed, category):
    await rest.post({"sender": "erin", "message": typed})
    [message] = rest.agent.received
    assert screen(message.text).category == category
    assert message.metadata["typed_text"] == typed  # what the victim typed stays on record


async def test_a_20000_character_message_reaches_rasa_whole(rest: RestHarness) -> None:
    status, replies = await rest.post({"sender": "erin", "message": WHOLE})
    assert status == 200 and [reply["text"] for reply in replies] == [ECHO]
    [message] = rest.agent.received
    assert message.text == WHOLE and "text_cut_at" not in message.metadata


async def test_a_longer_message_is_cut_to_its_first_part_and_the_victim_is_told(rest: RestHarness) -> None:
    status, replies = await rest.post({"sender": "erin", "message": OVER})
    assert status == 200
    assert [reply["text"] for reply in replies] == [CUT_NOTICE, ECHO]
    assert "only the first part" in CUT_NOTICE and "20,000" in CUT_NOTICE
    [message] = rest.agent.received
    assert message.text == OVER[:MAX_READ_CHARS].rstrip()
    assert message.metadata["text_cut_at"] == MAX_READ_CHARS


async def test_lone_surrogates_in_the_json_are_dropped_not_a_crash(rest: RestHarness) -> None:
    status, replies = await rest.post(None, raw=b'{"sender": "erin", "message": "he is \\ud800here"}')
    assert status == 200 and [reply["text"] for reply in replies] == [ECHO]
    assert [message.text for message in rest.agent.received] == ["he is here"]
