"""The support finder's texts: the domain's responses (block "support and nudge wording") filled with
the directory's computed parts, and the numbered results themselves, which are computed here."""

from __future__ import annotations

from typing import Any

from bot.directory.hours import hours_listed
from bot.directory.needs import need_phrase
from bot.directory.places import Area
from bot.directory.search import Match, contact_line
from bot.models.directory import Agency
from bot.wording import response_message, response_text

UNKNOWN_NEED = "utter_support_unknown_need"
UNKNOWN_AREA = "utter_support_unknown_area"
SAFETY_LINE = "utter_support_safety_first"  # the emergency line and the offer of a person
EMERGENCY_LINE = "utter_emergency_line"
RESULTS_HEADING = "utter_support_results"
NONE_FOUND = "utter_support_none_found"
CONSENT_QUESTION = "utter_referral_consent_question"
REFERRAL_MADE = "utter_referral_made"
NO_REFERRAL = "utter_no_referral"
# Offered when nothing matched and the directory has no Victim Support entry: its name and number there.
VICTIM_SUPPORT_NAME = "Victim Support"
VICTIM_SUPPORT_CONTACT = "call 08 08 16 89 111"


def unknown_need_text(channel: str | None = None) -> str:
    """Shown when we could not tell which kind of support was meant."""
    return response_text(UNKNOWN_NEED, channel)


def unknown_area_text(channel: str | None = None) -> str:
    """Shown when the place is not one we know in Southmoor."""
    return response_text(UNKNOWN_AREA, channel)


def safety_line_text(channel: str | None = None) -> str:
    """The first message for needs where danger is likely: 999, 55 when asked, and how to reach a person."""
    return response_text(SAFETY_LINE, channel, slots={"emergency_line": response_text(EMERGENCY_LINE, channel)})


def _need_and_area(need: str, area: Area | None) -> dict[str, Any]:
    """The computed parts of "services for {need_phrase}{in_area}"."""
    return {"need_phrase": need_phrase(need), "in_area": f" in {area.label}" if area else ""}


def short_contact(agency: Agency) -> str:
    """How to reach them in a few words: "call 0808 2000 247", "text 85258", else the website or email."""
    ways = [f"call {agency.phone}"] if agency.phone else []
    if agency.text_number:
        ways.append(f"text {agency.text_number}")
    if ways:
        return " or ".join(ways)
    if agency.website:
        return agency.website.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return f"email {agency.email}" if agency.email else "see their website"


def format_match(number: int, match: Match) -> str:
    """One short numbered line: name, open or closed now, how to contact them."""
    agency = match.agency
    name = f"{agency.name} (sample)" if agency.sample else agency.name
    status = match.status if hours_listed(agency) else "hours not known"
    return f"{number}. {name}, {status}: {short_contact(agency)}."


# Needs where the person asking may be in danger: the results open with the emergency route and a person.
SAFETY_FIRST_NEEDS = frozenset(
    {"domestic_abuse", "sexual_violence", "stalking", "honour_based_abuse", "modern_slavery", "young_people"}
)
MAX_MESSAGE_CHARS = 306  # two SMS segments of GSM-7 text


def _pack(lines: list[str]) -> list[str]:
    """Join lines into as few messages as possible, each at most MAX_MESSAGE_CHARS long."""
    messages: list[str] = []
    for line in lines:
        if messages and len(messages[-1]) + 1 + len(line) <= MAX_MESSAGE_CHARS:
            messages[-1] = f"{messages[-1]}\n{line}"
        else:
            messages.append(line)
    return messages


def results_messages(
    matches: list[Match], *, need: str, area: Area | None, channel: str | None = None
) -> list[str]:
    """The numbered results (after the safety line for needs where danger is likely), as short messages."""
    heading = response_text(RESULTS_HEADING, channel, slots=_need_and_area(need, area))
    lines = [heading, *(format_match(number, match) for number, match in enumerate(matches, start=1))]
    messages = _pack(lines)
    return [safety_line_text(channel), *messages] if need in SAFETY_FIRST_NEEDS else messages


def no_results_text(
    *, need: str, area: Area | None, victim_support: Agency | None, channel: str | None = None
) -> str:
    """Nothing matched: say so and offer Victim Support's national line."""
    service, contact = VICTIM_SUPPORT_NAME, VICTIM_SUPPORT_CONTACT
    if victim_support is not None:
        service, contact = victim_support.name, short_contact(victim_support)
    slots = {**_need_and_area(need, area), "service": service, "contact": contact}
    return response_text(NONE_FOUND, channel, slots=slots)


def consent_message(agency_name: str, channel: str | None = None) -> dict[str, Any]:
    """The explicit consent question asked before any referral, with its Yes and No buttons."""
    return response_message(CONSENT_QUESTION, channel, slots={"agency_name": agency_name})


def consent_question(agency_name: str, channel: str | None = None) -> str:
    """The words of the consent question."""
    return str(consent_message(agency_name, channel)["text"])


def referral_made_text(agency: Agency, channel: str | None = None) -> str:
    """What happens next after a referral was recorded."""
    return response_text(REFERRAL_MADE, channel, slots={"agency_name": agency.name, "contact": contact_line(agency)})


def no_referral_text(channel: str | None = None) -> str:
    """No referral was made (declined or no consent)."""
    return response_text(NO_REFERRAL, channel)
