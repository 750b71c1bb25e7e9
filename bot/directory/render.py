"""The computed texts of the support finder: numbered results, need examples and the consent question."""

from __future__ import annotations

from bot.directory.hours import hours_listed
from bot.directory.needs import need_phrase
from bot.directory.places import Area
from bot.directory.search import Match, contact_line
from bot.models.directory import Agency

NEED_EXAMPLES = (
    'domestic abuse, sexual assault, a scam, burglary, hate crime, stalking, a road crash, or "something else"'
)
AREA_EXAMPLES = "a town such as Fenchester or Port Wyvern, or the first part of your postcode such as SX4"
VICTIM_SUPPORT_FALLBACK = "Victim Support, free, 24/7: call 08 08 16 89 111"


def unknown_need_text() -> str:
    """Shown when we could not tell which kind of support was meant."""
    return f"Sorry, I didn't catch what kind of support you need. You could say, for example: {NEED_EXAMPLES}."


def unknown_area_text() -> str:
    """Shown when the place is not one we know in Southmoor."""
    return (
        f"Sorry, I don't know that place in Southmoor. Please give {AREA_EXAMPLES}. "
        "If you'd rather not say, or you live outside Southmoor, say \"skip\" and I'll show national services."
    )


def _place_phrase(area: Area | None) -> str:
    return f" in {area.label}" if area else ""


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
SAFETY_LINE = (
    "If you are in danger now, call 999. If you can't speak, press 55 when asked on a mobile, "
    "or stay on the line on a landline. To talk to our team, say \"talk to a person\"."
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


def results_messages(matches: list[Match], *, need: str, area: Area | None) -> list[str]:
    """The numbered results (after the safety line for needs where danger is likely), as short messages."""
    heading = f"Here are services for {need_phrase(need)}{_place_phrase(area)}:"
    lines = [heading, *(format_match(number, match) for number, match in enumerate(matches, start=1))]
    messages = _pack(lines)
    return [SAFETY_LINE, *messages] if need in SAFETY_FIRST_NEEDS else messages


def no_results_text(*, need: str, area: Area | None, victim_support: Agency | None) -> str:
    """Nothing matched: say so and offer Victim Support's national line."""
    offer = VICTIM_SUPPORT_FALLBACK
    if victim_support is not None:
        offer = f"{victim_support.name}, free, 24/7: {short_contact(victim_support)}"
    return (
        f"I couldn't find a service for {need_phrase(need)}{_place_phrase(area)}. "
        f"Victim Support can help after any crime, reported or not. {offer}."
    )


def consent_question(agency_name: str) -> str:
    """The explicit consent question asked before any referral."""
    return (
        f"To refer you, I'll share your first name and how to contact you on this channel with {agency_name}, "
        "and they will contact you. Do you agree?"
    )


def referral_made_text(agency: Agency) -> str:
    """What happens next after a referral was recorded."""
    return (
        f"Thank you. I've passed your referral to {agency.name}, and they will contact you on this channel. "
        f"If you need them sooner, you can contact them yourself: {contact_line(agency)}."
    )


def no_referral_text() -> str:
    """No referral was made (declined or no consent)."""
    return "That's fine, no referral has been made. You can contact them yourself whenever you like."
