"""Fixed replies come from the domain: the right variation per channel, fragments filled, names still importable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import wording
from bot.settings import PROJECT_ROOT
from connectors.pipeline import inbound_text, rate_gate
from connectors.pipeline.inbound_text import MAX_READ_CHARS
from connectors.sms import keywords as sms_inbound
from connectors.telegram import texts as telegram_texts

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
# Where Rasa is told to utter a response: training data, test stories, policies' and actions' code.
RASA_SOURCES = [
    *PROJECT_ROOT.joinpath("data").rglob("*.yml"),
    *PROJECT_ROOT.joinpath("tests", "test_stories").rglob("*.yml"),
    PROJECT_ROOT / "config.yml",
    *PROJECT_ROOT.joinpath("actions").rglob("*.py"),
    *(path for path in PROJECT_ROOT.joinpath("bot").rglob("*.py") if path.name != "wording.py"),
]
RASA_UTTERED_WITH_THE_LINE = {"utter_safety_advice", "utter_report_crime"}  # Rasa cannot fill a fragment


def raw_variations() -> dict[str, list[dict]]:
    return wording.domain_responses(DOMAIN_FILE)


def test_the_emergency_line_gives_999_55_when_asked_and_the_landline_advice():
    line = wording.response_text("utter_emergency_line", "sms")
    assert "call 999" in line and "press 55 when asked" in line and "on a landline stay on the line" in line


@pytest.mark.parametrize("channel", wording.CHANNELS)
def test_a_reply_that_includes_the_emergency_line_gets_it_whole_on_every_channel(channel):
    line = wording.response_text("utter_emergency_line", channel)
    for name in ("utter_stopped", "utter_help", "utter_only_text", "utter_rate_wait", "utter_stop_failed"):
        text = wording.response_text(name, channel)
        assert line in text and "{" not in text, (name, channel)


def test_the_emergency_line_is_written_once_outside_what_rasa_utters_itself():
    holders = {name for name, variations in raw_variations().items()
               if any("press 55" in str(variation.get("text")) for variation in variations)}
    extra = holders - {"utter_emergency_line"} - RASA_UTTERED_WITH_THE_LINE
    assert not extra, f"{extra}: write {{utter_emergency_line}} instead of the 999 line (filled by bot/wording)"
    assert "utter_emergency_line" in holders


def test_each_channel_gets_its_own_variation_and_others_the_plain_one():
    assert "until you text START" in wording.response_text("utter_stopped", "sms")
    for channel in ("telegram", "webchat", "rest", None):
        assert wording.response_text("utter_stopped", channel).startswith("Done: Haven won't send you messages")
    assert "/stop" in wording.response_text("utter_help", "telegram")
    assert "/stop" not in wording.response_text("utter_help", "webchat")
    assert wording.response_text("utter_help", "sms").startswith("Haven is Southmoor's service")


def test_slot_conditions_pick_the_variation_as_rasa_does():
    advice = wording.response_text("utter_safety_advice", "sms", slots={"risk_category": "self_harm"})
    assert "Samaritans" in advice and "116 123" in advice
    plain = wording.response_text("utter_safety_advice", "webchat")
    assert "Others may read this phone" not in plain and "999" in plain


def test_the_cut_notice_states_the_length_that_is_read():
    for channel in wording.CHANNELS:
        assert f"first {MAX_READ_CHARS:,} characters" in inbound_text.cut_notice(channel)


@pytest.mark.parametrize("name", list(wording.domain_responses(DOMAIN_FILE)))
def test_every_response_has_a_fallback_and_fills_on_every_channel(name):
    assert any("channel" not in variation for variation in raw_variations()[name]), f"{name}: no plain variation"
    for channel in wording.CHANNELS:
        text = wording.response_text(name, channel, domain_file=DOMAIN_FILE)
        assert text and not wording.fragments_in(text), (name, channel)


def rasa_fills_fragments() -> bool:
    """Whether the Rasa server's generator fills fragments (endpoints.yml names bot/wording/nlg.py)."""
    nlg = (yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}).get("nlg") or {}
    return nlg.get("type") == "bot.wording.nlg.FragmentFillingGenerator"


def test_responses_with_fragments_are_never_uttered_by_rasa_unless_it_fills_them():
    if rasa_fills_fragments():
        return  # tests/wording/test_fragment_generator.py: Rasa says the same words
    with_fragments = {name for name, variations in raw_variations().items()
                      if any(wording.fragments_in(str(variation.get("text"))) for variation in variations)}
    assert "utter_stopped" in with_fragments
    for path in RASA_SOURCES:
        used = set(re.findall(r"utter_[a-z0-9_]+", path.read_text(encoding="utf-8"))) & with_fragments
        assert not used, f"{path.relative_to(PROJECT_ROOT)} has Rasa utter {used}, whose fragments Rasa cannot fill"


def test_an_unknown_response_is_an_error_not_a_silent_gap():
    with pytest.raises(LookupError):
        wording.response_text("utter_no_such_reply", "sms")


def test_the_connectors_names_are_the_domain_texts():
    assert wording.response_text("utter_stopped", "sms") == sms_inbound.STOP_REPLY
    assert sms_inbound.keyword_reply("INFO") == sms_inbound.HELP_REPLY == wording.response_text("utter_help", "sms")
    assert wording.response_text("utter_emergency_line", "sms") == sms_inbound.EMERGENCY
    assert wording.response_text("utter_help", "telegram") == telegram_texts.HELP
    assert wording.response_text("utter_stopped", "telegram") == telegram_texts.STOPPED
    assert inbound_text.EMPTY_REPLY == inbound_text.empty_reply() == wording.response_text("utter_empty_message")
    assert rate_gate.WAIT_NOTICE == rate_gate.wait_notice("sms") == wording.response_text("utter_rate_wait", "sms")
    for module in (sms_inbound, telegram_texts, inbound_text, rate_gate):
        with pytest.raises(AttributeError):
            module.NOT_A_REPLY  # noqa: B018  # a typo must fail, not read the domain


def test_a_changed_domain_file_is_what_the_victim_reads(tmp_path: Path):
    domain = tmp_path / "domain.yml"
    domain.write_text(
        'version: "3.1"\nresponses:\n'
        '  utter_emergency_line:\n    - text: "Call 999."\n'
        '  utter_stopped:\n    - text: "Stopped. {utter_emergency_line}"\n'
        '    - text: "No more texts. {utter_emergency_line}"\n      channel: sms\n',
        encoding="utf-8",
    )
    assert wording.response_text("utter_stopped", "sms", domain_file=domain) == "No more texts. Call 999."
    assert wording.response_text("utter_stopped", "telegram", domain_file=domain) == "Stopped. Call 999."


def test_importing_the_connectors_reads_no_domain():
    code = (
        "import bot.wording, connectors.sms.keywords, connectors.telegram.texts, connectors.pipeline.inbound_text; "
        "print(bot.wording.responses._load_domain.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "0"


def test_every_response_the_code_names_is_in_the_domain():
    """Rasa skips a response its domain lacks without a word: a misspelt name would silently drop advice."""
    responses = set(raw_variations())
    for path in [*PROJECT_ROOT.joinpath("actions").rglob("*.py"), *PROJECT_ROOT.joinpath("bot").rglob("*.py"),
                 *PROJECT_ROOT.joinpath("connectors").rglob("*.py")]:  # fmt: skip
        named = set(re.findall(r"[\"'](utter_[a-z0-9_]+)[\"']", path.read_text(encoding="utf-8"))) - {"utter_action"}
        assert named <= responses, f"{path.relative_to(PROJECT_ROOT)} names {named - responses}, not in domain.yml"
