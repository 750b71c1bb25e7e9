"""Which senders prove possession themselves, and which cases and channels always need the one-time code."""

from types import SimpleNamespace

import pytest

from bot.cases.one_time_codes import code_message
from bot.cases.pins import is_acceptable_pin, new_pin
from bot.cases.possession import (
    NOT_REQUIRED,
    ONE_TIME_CODE,
    REGISTERED_CONTACT,
    can_receive_code,
    is_sensitive,
    possession_route,
)
from bot.wording import CHANNELS, response_text


def case(offence="Theft of a bicycle", category=None):
    return SimpleNamespace(offence=offence, offence_category=category)


def victim(channel="sms", address="+447700900101", enhanced=False):
    return SimpleNamespace(contact_channel=channel, contact_address=address, enhanced_entitlement=enhanced)


@pytest.mark.parametrize(
    ("sender", "contact", "expected"),
    [
        ("sms:+447700900101", ("sms", "+447700900101"), REGISTERED_CONTACT),
        ("telegram:4242", ("telegram", "4242"), REGISTERED_CONTACT),
        ("sms:+447700900102", ("sms", "+447700900101"), ONE_TIME_CODE),  # another number
        ("telegram:+447700900101", ("sms", "+447700900101"), ONE_TIME_CODE),  # same digits, other channel
        ("rest:+447700900101", ("sms", "+447700900101"), ONE_TIME_CODE),  # REST names are chosen by the caller
        ("webchat:+447700900101", ("sms", "+447700900101"), ONE_TIME_CODE),
        ("sms:", ("sms", ""), ONE_TIME_CODE),
        ("+447700900101", ("sms", "+447700900101"), ONE_TIME_CODE),  # no channel prefix
    ],
)
def test_only_the_registered_number_or_chat_proves_possession(sender, contact, expected):
    assert possession_route(case(), victim(*contact), sender, policy="always") == expected


@pytest.mark.parametrize(
    ("the_case", "the_victim"),
    [
        (case("Stalking"), victim()),
        (case("Harassment"), victim()),
        (case("Controlling or coercive behaviour"), victim()),
        (case("Sexual assault"), victim()),
        (case("Rape"), victim()),
        (case("Forced marriage"), victim()),
        (case("Threats", category="honour_based_abuse"), victim()),
        (case("Assault", category="domestic_abuse"), victim()),
        (case("Robbery of a mobile phone"), victim(enhanced=True)),
    ],
)
def test_sensitive_cases_always_need_the_code_from_any_other_sender(the_case, the_victim):
    assert is_sensitive(the_case, the_victim)
    for sender in ("sms:+447700900999", "rest:someone", "telegram:1"):
        assert possession_route(the_case, the_victim, sender, policy="sensitive-only") == ONE_TIME_CODE
    assert possession_route(the_case, the_victim, "sms:+447700900101", policy="sensitive-only") == REGISTERED_CONTACT


def test_under_the_relaxed_policy_only_web_chat_needs_the_code_for_other_cases():
    ordinary = case("Theft of a bicycle")
    assert not is_sensitive(ordinary, victim())
    assert possession_route(ordinary, victim(), "webchat:abc", policy="sensitive-only") == ONE_TIME_CODE
    assert possession_route(ordinary, victim(), "rest:abc", policy="sensitive-only") == NOT_REQUIRED
    assert possession_route(ordinary, victim(), "sms:+447700900999", policy="sensitive-only") == NOT_REQUIRED
    assert possession_route(ordinary, victim(), "rest:abc", policy="always") == ONE_TIME_CODE


@pytest.mark.parametrize(
    ("contact", "expected"),
    [(("sms", "+447700900101"), True), (("telegram", "42"), True), (("webchat", "x"), False), (("sms", None), False),
     ((None, None), False)],
)
def test_codes_go_only_to_sms_or_telegram_contacts(contact, expected):
    assert can_receive_code(victim(*contact)) is expected


def test_new_pins_are_random_and_at_least_six_digits():
    pins = {new_pin() for _ in range(200)}
    assert len(pins) > 190 and all(len(pin) == 6 and pin.isdigit() for pin in pins)
    assert len(new_pin(8)) == 8
    with pytest.raises(ValueError):
        new_pin(4)
    assert [is_acceptable_pin(p) for p in ("482913", "48291", "111111", "12345a", "90210547")] == [
        True, False, False, False, True,
    ]


# Someone else may read what goes to the registered contact: it names no service, case or reason.
FORBIDDEN_IN_CONTACT_MESSAGES = ("victim", "crime", "police", "gateway", "case", "offence", "court", "officer",
                                 "haven", "abuse")


@pytest.mark.parametrize("channel", CHANNELS)
def test_messages_to_the_registered_contact_name_nothing(channel):
    for text in (response_text("utter_contact_access_warning", channel), code_message("123456", channel)):
        lowered = text.lower()
        assert not [word for word in FORBIDDEN_IN_CONTACT_MESSAGES if word in lowered], text
        assert len(text) <= 160  # one SMS
    assert code_message("123456", channel).startswith("Your code is 123456.")
