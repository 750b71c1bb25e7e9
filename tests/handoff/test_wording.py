"""What victims are told when a person is asked to join: the wait, or what to do when nobody is on duty."""

import pytest

from bot.handoff import wording


@pytest.mark.parametrize(
    ("category", "helpline"),
    [
        ("suicide", "Samaritans on 116 123"),
        ("self_harm", "Samaritans on 116 123"),
        ("domestic_abuse", "the National Domestic Abuse Helpline on 0808 2000 247"),
        ("sexual_violence", "the Rape Crisis 24/7 Support Line on 0808 500 2222"),
        ("child_abuse", "Childline on 0800 1111 (for children and young people)"),
        ("modern_slavery", "the Modern Slavery Helpline on 08000 121 700"),
        ("strangulation", "the National Domestic Abuse Helpline on 0808 2000 247"),
        ("child_at_risk", "Childline on 0800 1111 (for children and young people)"),
        ("stalking", "Victim Support's free Supportline on 0808 168 9111"),
        (None, "Victim Support's free Supportline on 0808 168 9111"),
    ],
)
def test_each_category_gets_a_24_7_helpline(category, helpline):
    assert wording.helpline_for(category) == helpline


def test_joining_message_gives_the_wait_when_known():
    assert wording.joining_message(1) == (
        "A person from the Southmoor victim gateway will join this chat. Expected wait: about 1 minute."
    )
    assert wording.joining_message(None).endswith("They will be with you as soon as they can.")


def test_off_duty_message_says_what_to_do_now_and_when_the_gateway_opens(db_url):
    text = wording.off_duty_message("suicide")
    assert "call 999" in text and "press 55" in text and "Samaritans on 116 123" in text
    assert text.endswith("will contact you here when it opens (Mon-Fri 08:00-20:00, Sat 09:00-17:00).")
