"""The SMS channel with awkward texts: each is answered and reaches Rasa cleaned, never dropped or cut short."""

from __future__ import annotations

import pytest

from bot.risk import screen
from connectors.pipeline.inbound_text import CUT_NOTICE, MAX_READ_CHARS
from connectors.sms.keywords import EMPTY_REPLY, HELP_REPLY
from tests.connectors.bad_input_cases import DISGUISED, EMPTY, OVER, READ_AS, WHOLE
from tests.connectors.test_twilio_sms import (  # noqa: F401 (fixtures "sms", "fake_twilio")
    SmsHarness,
    fake_twilio_fixture,
    sms_fixture,
)

SAFE_QUESTION = "Are you safe right now?\n\nReply 1 for Yes or 2 for No."


@pytest.mark.parametrize(("typed", "read"), READ_AS)
async def test_awkward_text_reaches_rasa_cleaned_and_is_answered(sms: SmsHarness, typed: str, read: str) -> None:
    assert (await sms.text_in(typed))[0] == 200
    [message] = await sms.agent.wait_for(1)
    assert message.text == read
    [sent] = await sms.fake.wait_for(1)
    assert sent["Body"] == SAFE_QUESTION


@pytest.mark.parametrize("typed", EMPTY)
async def test_a_text_with_no_words_gets_a_clear_reply(sms: SmsHarness, typed: str) -> None:
    assert (await sms.text_in(typed))[0] == 200
    [sent] = await sms.fake.wait_for(1)
    assert sent["Body"] == EMPTY_REPLY and "999" in EMPTY_REPLY
    assert sms.agent.received == []


@pytest.mark.parametrize(("typed", "category"), DISGUISED)
async def test_disguised_disclosures_reach_rasa_in_a_form_the_screen_catches(sms: SmsHarness, typed, category):
    await sms.text_in(typed)
    [message] = await sms.agent.wait_for(1)
    assert screen(message.text).category == category


async def test_keywords_and_option_numbers_are_read_after_normalising(sms: SmsHarness) -> None:
    await sms.text_in("\uff28\uff25\uff2c\uff30")  # fullwidth HELP: emergency advice, and on to Rasa
    await sms.fake.wait_for(2)
    await sms.text_in("\uff11")  # a fullwidth "1" picks option 1 of "Are you safe right now?"
    sent = await sms.fake.wait_for(3)
    assert sent[0]["Body"] == HELP_REPLY
    assert [message.text for message in sms.agent.received] == ["HELP", "/affirm"]


async def test_a_long_text_reaches_rasa_whole(sms: SmsHarness) -> None:
    assert (await sms.text_in(WHOLE))[0] == 200
    [message] = await sms.agent.wait_for(1)
    assert message.text == WHOLE


async def test_a_text_past_the_cap_is_cut_and_the_victim_is_told(sms: SmsHarness) -> None:
    assert (await sms.text_in(OVER))[0] == 200
    [message] = await sms.agent.wait_for(1)
    assert message.text == OVER[:MAX_READ_CHARS].rstrip()
    sent = await sms.fake.wait_for(2)
    assert [text["Body"] for text in sent] == [CUT_NOTICE, SAFE_QUESTION]
