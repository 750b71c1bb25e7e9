"""What the victim is told when a conversation is handed to a person, on duty or not."""

from __future__ import annotations

from bot.settings import get_settings

GATEWAY = "the Southmoor victim gateway"
# Free national helplines open 24 hours a day, matched on words in the risk category.
HELPLINES_24_7: tuple[tuple[tuple[str, ...], str], ...] = (
    (("suicid", "self_harm", "self-harm", "selfharm"), "Samaritans on 116 123"),
    (("domestic", "partner", "coercive", "strangul"), "the National Domestic Abuse Helpline on 0808 2000 247"),
    (("sexual", "rape"), "the Rape Crisis 24/7 Support Line on 0808 500 2222"),
    (("child",), "Childline on 0800 1111 (for children and young people)"),
    (("slavery", "trafficking", "exploitation"), "the Modern Slavery Helpline on 08000 121 700"),
)
DEFAULT_HELPLINE = "Victim Support's free Supportline on 0808 168 9111"


def helpline_for(category: str | None) -> str:
    """The 24/7 helpline to mention for a risk category (Victim Support's Supportline by default)."""
    key = (category or "").lower()
    for words, helpline in HELPLINES_24_7:
        if any(word in key for word in words):
            return helpline
    return DEFAULT_HELPLINE


def joining_message(wait_minutes: int | None) -> str:
    """Told when staff are on duty: someone will join, and roughly when."""
    text = f"A person from {GATEWAY} will join this chat."
    if wait_minutes is None:
        return f"{text} They will be with you as soon as they can."
    unit = "minute" if wait_minutes == 1 else "minutes"
    return f"{text} Expected wait: about {wait_minutes} {unit}."


def off_duty_message(category: str | None) -> str:
    """Told when nobody is on duty: what to do now, and that the gateway will get in touch."""
    hours = get_settings().gateway_hours
    return (
        "Nobody from the gateway is available right now. If you are in danger or it's an emergency, "
        "call 999 (if you can't speak, call 999 from a mobile and press 55 when asked). "
        f"You can call {helpline_for(category)} at any time, day or night. "
        f"{GATEWAY[0].upper()}{GATEWAY[1:]} will contact you here when it opens ({hours})."
    )


FALLBACK_MESSAGE = "Sorry, I'm still not understanding. I've asked a person from the gateway to pick this up."
REQUEST_MESSAGE = "Of course. I've asked a person from the gateway to pick this up."
HANDBACK_MESSAGE = (
    "The gateway worker has handed you back to Haven, the automated assistant. "
    "You can ask to talk to a person again at any time. In an emergency, call 999."
)
END_MESSAGE = "The gateway worker has ended this chat. You can message again at any time. In an emergency, call 999."
STAFF_JOINED_MESSAGE = (
    f"A person from {GATEWAY} has joined this chat. You are now talking to them rather than the "
    "automated assistant. In an emergency, call 999."
)
