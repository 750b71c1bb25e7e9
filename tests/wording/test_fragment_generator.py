"""What Rasa utters through bot/wording/nlg.py is what code sends through bot.wording: fragments filled alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import wording
from bot.wording.nlg import FragmentFillingGenerator
from tests.wording.victim_texts import DOMAIN_FILE, slot_cases

DOMAIN = Domain.load(str(DOMAIN_FILE))
GENERATOR = FragmentFillingGenerator(domain=DOMAIN)
CASES = [
    (name, channel, slots)
    for name, variations in DOMAIN.responses.items()
    for slots in slot_cases(variations)
    for channel in wording.CHANNELS
]


def tracker_with(domain: Domain, slots: dict) -> DialogueStateTracker:
    tracker = DialogueStateTracker("victim", domain.slots)
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    return tracker


async def said(generator: FragmentFillingGenerator, domain: Domain, name: str, channel: str, slots: dict) -> str:
    message = await generator.generate(name, tracker_with(domain, slots), channel)
    assert message is not None, (name, channel)
    return str(message["text"])


@pytest.mark.parametrize(("name", "channel", "slots"), CASES, ids=lambda value: str(value))
async def test_rasa_and_code_say_the_same_words(name, channel, slots):
    values = {**{slot.name: slot.initial_value for slot in DOMAIN.slots}, **slots}
    if len(ResponseVariationFilter(DOMAIN.responses).responses_for_utter_action(name, channel, values)) > 1:
        pytest.skip("Rasa picks one of several variations at random")
    text = await said(GENERATOR, DOMAIN, name, channel, slots)
    assert text == wording.response_text(name, channel, slots=slots, domain_file=DOMAIN_FILE)
    assert not wording.fragments_in(text)


async def test_a_response_rasa_utters_gets_its_fragment_and_its_slots(tmp_path: Path):
    domain_file = tmp_path / "domain.yml"
    domain_file.write_text(
        'version: "3.1"\n'
        "slots:\n  risk_category:\n    type: text\n    mappings:\n      - type: custom\n"
        "responses:\n"
        '  utter_emergency_line:\n    - text: "Call 999."\n'
        '    - text: "Call 999, press 55."\n      channel: sms\n'
        '  utter_safety_advice:\n    - text: "{utter_emergency_line} Stay safe."\n'
        '    - text: "{utter_emergency_line} Samaritans: 116 123 ({risk_category})."\n'
        "      condition: [{type: slot, name: risk_category, value: self_harm}]\n",
        encoding="utf-8",
    )
    domain = Domain.load(str(domain_file))
    generator = FragmentFillingGenerator(domain=domain)
    assert await said(generator, domain, "utter_safety_advice", "sms", {}) == "Call 999, press 55. Stay safe."
    assert await said(generator, domain, "utter_safety_advice", "telegram", {"risk_category": "self_harm"}) == (
        "Call 999. Samaritans: 116 123 (self_harm)."
    )


def test_rasa_builds_it_from_the_endpoints_nlg_type():
    config = EndpointConfig(type="bot.wording.nlg.FragmentFillingGenerator")
    generator = NaturalLanguageGenerator.create(config, DOMAIN)
    assert isinstance(generator, FragmentFillingGenerator) and generator.domain is DOMAIN
