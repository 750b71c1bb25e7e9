"""What victims are told when a person is asked to join: the wait, or what to do when nobody is on duty."""

import pytest

from actions.safety_check import check_text
from bot.handoff import wording
from bot.wording import CHANNELS, domain_responses, response_text

TWO_SMS_SEGMENTS = 306


def told(*, on_duty: bool, wait_minutes: int | None = None, channel: str = "sms") -> list[str]:
    return wording.texts(wording.handoff_replies(on_duty=on_duty, wait_minutes=wait_minutes), channel)


@pytest.mark.parametrize(
    ("category", "helpline"),
    [
        ("suicide", "Samaritans on 116 123"),
        ("self_harm", "Samaritans on 116 123"),
        ("domestic_abuse", "the National Domestic Abuse Helpline on 0808 2000 247"),
        ("sexual_violence", "the Rape Crisis Support Line (16+) on 0808 500 2222"),
        ("child_abuse", "Childline (under 19s) on 0800 1111"),
        ("modern_slavery", "the Modern Slavery Helpline on 08000 121 700"),
        ("strangulation", "the National Domestic Abuse Helpline on 0808 2000 247"),
        ("child_at_risk", "Childline (under 19s) on 0800 1111"),
        ("stalking", "Victim Support on 08 08 16 89 111"),
        (None, "Victim Support on 08 08 16 89 111"),
    ],
)
def test_each_category_gets_a_24_7_helpline_in_the_safety_check(category, helpline):
    assert response_text(wording.helpline_response(category), "sms") == helpline
    assert f"Or call {helpline}, free, any time." in check_text(category, "sms")


def test_the_safety_check_gives_the_whole_emergency_line_and_its_buttons():
    for channel in CHANNELS:
        assert response_text("utter_emergency_line", channel) in check_text("self_harm", channel)
    for variation in domain_responses()["utter_safety_check"]:
        assert [button["title"] for button in variation["buttons"]] == ["Yes, I'm safe", "No", "Talk to a person"]


def test_on_duty_a_person_will_reply_with_the_expected_wait_and_asks_if_it_is_safe():
    assert told(on_duty=True, wait_minutes=12) == [
        "A person from our team will reply here in about 12 minutes. Is it safe for you to keep messaging here? "
        "If it stops being safe, you can stop at any time. In an emergency, call 999."
    ]
    for wait in (None, 0, 1):  # nothing to go on, or under 2 minutes: no number (never "1 minutes")
        [text] = told(on_duty=True, wait_minutes=wait)
        assert "will reply here as soon as they can." in text and "minute" not in text


def test_off_duty_says_what_to_do_now_the_24_7_line_then_asks_whether_and_when_to_message_later(db_url):
    now, question = told(on_duty=False)
    assert now.startswith("Nobody from our team is working now. We work Mon-Fri 08:00-20:00, Sat 09:00-17:00.")
    assert "If you are in danger, call 999." in now
    assert "Victim Support, free, day or night: 08 08 16 89 111" in now
    assert question == "Is it safe for us to message you here later? Reply YES, NO, or a safe time."


def test_off_duty_promises_nothing_staff_cannot_deliver(db_url):
    text = " ".join(told(on_duty=False)).lower()
    for promise in ("will contact you", "will reply", "as soon as", "when it opens"):
        assert promise not in text


def hand_off_texts(channel: str) -> list[str]:
    fixed = [wording.REQUESTED, wording.FALLBACK, wording.STAFF_JOINED, *wording.CLOSING.values(),
             *wording.CONTACT_LATER_REPLIES.values()]  # fmt: skip
    return [
        *told(on_duty=True, channel=channel),
        *told(on_duty=True, wait_minutes=59, channel=channel),
        *told(on_duty=False, channel=channel),
        *(response_text(name, channel) for name in fixed),
        check_text("sexual_violence", channel),
    ]


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_hand_off_message_fits_two_sms_segments_and_names_no_gateway_or_victim(db_url, channel):
    for text in hand_off_texts(channel):
        assert "{" not in text and len(text) <= TWO_SMS_SEGMENTS, text
        assert "gateway" not in text.lower() and "victim" not in text.lower().replace("victim support", ""), text


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_opt_out_confirmation_does_not_say_what_the_service_is(channel):
    text = response_text("utter_opted_out", channel).lower()
    assert "gateway" not in text and "victim" not in text and "police" not in text


def test_the_answers_to_the_contact_question_say_what_will_happen():
    replies = {choice: response_text(name, "sms") for choice, name in wording.CONTACT_LATER_REPLIES.items()}
    assert "We won't message you here" in replies["no"] and "message us" in replies["no"]
    assert "reply NO" in replies["yes"] and "reply NO" in replies["time"]
