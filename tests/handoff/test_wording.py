"""What victims are told when a person is asked to join: the wait, or what to do when nobody is on duty."""

import pytest

from bot.handoff import wording

TWO_SMS_SEGMENTS = 306


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
def test_each_category_gets_a_24_7_helpline(category, helpline):
    assert wording.helpline_for(category) == helpline


def test_on_duty_a_person_will_reply_with_the_expected_wait_and_asks_if_it_is_safe():
    assert wording.joining_message(1) == (
        "A person from our team will reply here in about 1 minute. Is it safe for you to keep messaging here? "
        "If it stops being safe, you can stop at any time. In an emergency, call 999."
    )
    assert "in about 12 minutes." in wording.joining_message(12)
    assert "will reply here as soon as they can." in wording.joining_message(None)


def test_off_duty_says_what_to_do_now_the_24_7_line_and_asks_whether_and_when_to_message_later(db_url):
    text = wording.off_duty_message("domestic_abuse")
    assert text.startswith("Nobody from our team is working now. We work Mon-Fri 08:00-20:00, Sat 09:00-17:00.")
    assert "If you are in danger, call 999." in text
    assert "Victim Support, free, day or night: 08 08 16 89 111" in text
    assert text.endswith("Is it safe for us to message you here later? Reply YES, NO, or a safe time.")


def test_off_duty_promises_nothing_staff_cannot_deliver(db_url):
    text = wording.off_duty_message(None).lower()
    for promise in ("will contact you", "will reply", "as soon as", "when it opens"):
        assert promise not in text


def hand_off_texts() -> list[str]:
    return [
        wording.joining_message(None),
        wording.joining_message(59),
        wording.off_duty_message(None),
        wording.CONTACT_LATER_YES,
        wording.CONTACT_LATER_NO,
        wording.CONTACT_LATER_TIME,
        wording.FALLBACK_MESSAGE,
        wording.REQUEST_MESSAGE,
        wording.HANDBACK_MESSAGE,
        wording.END_MESSAGE,
        wording.STAFF_JOINED_MESSAGE,
    ]


def test_every_hand_off_message_fits_two_sms_segments_and_names_no_gateway_or_victim(db_url):
    for text in hand_off_texts():
        assert len(text) <= TWO_SMS_SEGMENTS, text
        assert "gateway" not in text.lower() and "victim" not in text.lower().replace("victim support", ""), text


def test_the_answers_to_the_contact_question_say_what_will_happen():
    assert "We won't message you here" in wording.CONTACT_LATER_NO
    assert "reply NO" in wording.CONTACT_LATER_YES and "reply NO" in wording.CONTACT_LATER_TIME
