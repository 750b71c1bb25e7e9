"""Opting out stops proactive messages only, confirms neutrally and says how to opt back in."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.opt_out import ActionOptOut
from bot.cases.identities import is_opted_out
from bot.settings import PROJECT_ROOT
from bot.wording import response_text


@pytest.mark.parametrize(
    ("sender", "how_back"),
    [
        ("sms:+447700900123", "To get them again, reply START."),
        ("telegram:4242", "To get them again, say 'talk to a person' and someone from our team can switch them "
                          "back on."),
    ],
)
async def test_opt_out_is_recorded_and_confirmed_neutrally(session, sender, how_back):
    dispatcher = CollectingDispatcher()
    events = await ActionOptOut().run(dispatcher, Tracker(sender, {}, {}, [], False, None, {}, None), {})
    assert events == []
    assert [message["response"] for message in dispatcher.messages] == ["utter_opted_out"]
    # what the person receives on their channel (Rasa picks the variation by output channel)
    assert response_text("utter_opted_out", sender.split(":", 1)[0], domain_file=PROJECT_ROOT / "domain.yml") == (
        "Done. I won't send you messages you didn't ask for, such as news of updates. "
        f"You can still message me at any time and I'll reply. {how_back}"
    )
    channel, address = sender.split(":", 1)
    assert is_opted_out(session, channel=channel, address=address)
