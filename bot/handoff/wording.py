"""What the victim is told when a conversation is handed to a person, on duty or not (each within 2 SMS segments)."""

from __future__ import annotations

from bot.settings import get_settings

TEAM = "our team"
VICTIM_SUPPORT = "Victim Support, free, day or night: 08 08 16 89 111"  # the 24/7 partner line
# Free national helplines open 24 hours a day, matched on words in the risk category.
HELPLINES_24_7: tuple[tuple[tuple[str, ...], str], ...] = (
    (("suicid", "self_harm", "self-harm", "selfharm"), "Samaritans on 116 123"),
    (("domestic", "partner", "coercive", "strangul"), "the National Domestic Abuse Helpline on 0808 2000 247"),
    (("sexual", "rape"), "the Rape Crisis Support Line (16+) on 0808 500 2222"),
    (("child",), "Childline (under 19s) on 0800 1111"),
    (("slavery", "trafficking", "exploitation"), "the Modern Slavery Helpline on 08000 121 700"),
)
DEFAULT_HELPLINE = "Victim Support on 08 08 16 89 111"
CONTACT_LATER_QUESTION = "Is it safe for us to message you here later? Reply YES, NO, or a safe time."


def helpline_for(category: str | None) -> str:
    """The 24/7 helpline to mention for a risk category (Victim Support's Supportline by default)."""
    key = (category or "").lower()
    for words, helpline in HELPLINES_24_7:
        if any(word in key for word in words):
            return helpline
    return DEFAULT_HELPLINE


def joining_message(wait_minutes: int | None) -> str:
    """Told when staff are on duty: a person will reply here, and roughly when; a person reads the answer."""
    if wait_minutes is None:
        when = "as soon as they can"
    else:
        when = f"in about {wait_minutes} minute{'' if wait_minutes == 1 else 's'}"
    return (
        f"A person from {TEAM} will reply here {when}. Is it safe for you to keep messaging here? "
        "If it stops being safe, you can stop at any time. In an emergency, call 999."
    )


def off_duty_message(category: str | None = None) -> str:
    """Told when nobody is on duty: what to do now, the 24/7 partner line, and when it is safe to message later.

    The answer is read while the conversation waits (bot/handoff/contact_later.py) and checked before
    any later message. `category` is accepted for callers that pass it; the advice before this message
    already gave the category's own helpline.
    """
    del category
    hours = get_settings().gateway_hours
    return (
        f"Nobody from {TEAM} is working now. We work {hours}. If you are in danger, call 999. "
        f"To talk to someone now, call {VICTIM_SUPPORT}. {CONTACT_LATER_QUESTION}"
    )


CONTACT_LATER_YES = (
    "Thank you. A person from our team will reply here when we are working. "
    "If that stops being safe, reply NO. In an emergency, call 999."
)
CONTACT_LATER_NO = (
    "Thank you. We won't message you here. When it is safe, message us and a person will reply "
    "when we are working. In an emergency, call 999."
)
CONTACT_LATER_TIME = (
    "Thank you. Our team will see the time you gave before they message you. "
    "If it stops being safe, reply NO. In an emergency, call 999."
)
FALLBACK_MESSAGE = "Sorry, I'm still not understanding. I've passed this to our team."
REQUEST_MESSAGE = "Of course. I've passed this to our team."
HANDBACK_MESSAGE = (
    "Our team has handed you back to Haven, the automated assistant. "
    "You can ask to talk to a person again at any time. In an emergency, call 999."
)
END_MESSAGE = "Our team has ended this chat. You can message again at any time. In an emergency, call 999."
STAFF_JOINED_MESSAGE = (
    "A person from our team has joined this chat. You are now talking to them, not the automated assistant. "
    "In an emergency, call 999."
)
