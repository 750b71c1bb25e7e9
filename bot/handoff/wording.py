"""Which hand-off responses (domain.yml, block "hand-off wording") a victim is sent, and the values that fill them.

The words live in the domain; this module holds only what is computed: the expected wait, the gateway's
hours, the 24/7 helpline for a risk category and the emergency line. Actions utter a `Reply` with
`dispatcher.utter_message(response=reply.response, **reply.values)`; code that speaks without a Rasa turn
(reconcile, staff steps) gets the same words from `reply_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.settings import get_settings
from bot.wording import response_text

JOINING = "utter_handoff_joining"
JOINING_SOON = "utter_handoff_joining_soon"
OFF_DUTY = "utter_handoff_off_duty"
ASK_CONTACT_LATER = "utter_handoff_ask_contact_later"
CONTACT_LATER_REPLIES = {
    "yes": "utter_handoff_contact_later_yes",
    "no": "utter_handoff_contact_later_no",
    "time": "utter_handoff_contact_later_time",
}
REQUESTED = "utter_handoff_requested"
FALLBACK = "utter_handoff_fallback"
STAFF_JOINED = "utter_handoff_staff_joined"
CLOSING = {"handback": "utter_handoff_handed_back", "end": "utter_handoff_ended"}
SAFETY_CHECK = "utter_safety_check"
EMERGENCY_LINE = "utter_emergency_line"
MIN_WAIT_TO_STATE = 2  # a shorter expected wait is "as soon as they can" (no "1 minutes")

# The risk category names a 24/7 helpline when it contains one of these words (categories are free text
# from the risk screen, so they are matched on words, not on exact values as a slot condition would be).
HELPLINES_24_7: tuple[tuple[tuple[str, ...], str], ...] = (
    (("suicid", "self_harm", "self-harm", "selfharm"), "utter_helpline_samaritans"),
    (("domestic", "partner", "coercive", "strangul"), "utter_helpline_domestic_abuse"),
    (("sexual", "rape"), "utter_helpline_rape_crisis"),
    (("child",), "utter_helpline_childline"),
    (("slavery", "trafficking", "exploitation"), "utter_helpline_modern_slavery"),
)
DEFAULT_HELPLINE = "utter_helpline_victim_support"


@dataclass(frozen=True)
class Reply:
    """A domain response and the values its placeholders are filled with."""

    response: str
    values: dict[str, Any] = field(default_factory=dict, hash=False)


def helpline_response(category: str | None) -> str:
    """The response naming the 24/7 helpline for a risk category (Victim Support's Supportline by default)."""
    key = (category or "").lower()
    for words, response in HELPLINES_24_7:
        if any(word in key for word in words):
            return response
    return DEFAULT_HELPLINE


def handoff_replies(*, on_duty: bool, wait_minutes: int | None) -> list[Reply]:
    """What the victim is told once a hand-off is open: the wait, or (nobody on duty) what to do now, then
    whether it is safe to message them later (its answer is read by bot/handoff/contact_later.py)."""
    if not on_duty:
        return [Reply(OFF_DUTY, {"gateway_hours": get_settings().gateway_hours}), Reply(ASK_CONTACT_LATER)]
    if wait_minutes is None or wait_minutes < MIN_WAIT_TO_STATE:
        return [Reply(JOINING_SOON)]
    return [Reply(JOINING, {"wait_minutes": wait_minutes})]


def safety_check_reply(category: str | None, channel: str | None) -> Reply:
    """The "are you safe?" check, with the emergency line and the helpline for the likely category."""
    return Reply(
        SAFETY_CHECK,
        {
            "emergency_line": response_text(EMERGENCY_LINE, channel),
            "helpline": response_text(helpline_response(category), channel),
        },
    )


def reply_text(reply: Reply, channel: str | None) -> str:
    """The text of `reply` on output channel `channel`, as Rasa would fill it."""
    return response_text(reply.response, channel, slots=reply.values)


def texts(replies: list[Reply], channel: str | None) -> list[str]:
    """The texts of several replies, in order."""
    return [reply_text(reply, channel) for reply in replies]
