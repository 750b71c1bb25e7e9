"""Reading short replies in the support conversation: "open now?", "no thanks", "the first one", "skip"."""

from __future__ import annotations

import re

from bot.directory.needs import clean_text

ANY_AREA = "any"  # the `area` slot value when the user skips giving a place: national services only
_OPEN_NOW = re.compile(r"\b(open now|right now|now|today|tonight|at the moment|currently open|open at the moment)\b")
_DECLINE = re.compile(
    r"^(no|nope|nah|no thanks|no thank you|no ta|none|none of them|neither|not now|not yet|maybe later|"
    r"i'm ok|i'm okay|i am ok|don't refer me|no referral|no, thanks|no, thank you|cancel|stop)[.! ]*$"
)
_SKIP_AREA = re.compile(
    r"\b(skip|anywhere|not in southmoor|outside southmoor|rather not say|prefer not to say|don't know|"
    r"dont know|not sure|national|doesn't matter|does not matter)\b"
)
_NUMBER = re.compile(r"^(?:number |option |no\.? |#)?([1-9])(?:st|nd|rd|th)?[.)]?(?: one| please)?[.! ]*$")
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_NAME_STOPWORDS = {"the", "and", "of", "for", "service", "services", "southmoor", "support", "line", "helpline", "uk"}


def wants_open_now(text: str | None) -> bool:
    """Whether the message asks for services open now ("who's open right now", "today")."""
    return bool(text) and bool(_OPEN_NOW.search(clean_text(text or "")))


def is_decline(text: str | None) -> bool:
    """Whether the message declines ("no", "no thanks", "none of them")."""
    return bool(text) and bool(_DECLINE.match(clean_text(text or "")))


def skips_area(text: str | None) -> bool:
    """Whether the user prefers not to give a place (we then offer national services)."""
    return bool(text) and bool(_SKIP_AREA.search(clean_text(text or "")))


def parse_choice(text: str | None, names: list[str]) -> int | None:
    """The 0-based index chosen among `names` by "2", "the first one", "last" or (part of) a name; else None."""
    if not text or not names:
        return None
    cleaned = clean_text(text)
    number = _NUMBER.match(cleaned)
    if number:
        index = int(number.group(1)) - 1
        return index if index < len(names) else None
    words = set(re.findall(r"[\w']+", cleaned))
    for word, index in _ORDINALS.items():
        if word in words:
            return index if index < len(names) else None
    if "last" in words:
        return len(names) - 1
    for index, name in enumerate(names):
        if clean_text(name) in cleaned:
            return index
    scores = [len(_significant_words(name) & words) for name in names]
    best = max(scores)
    return scores.index(best) if best and scores.count(best) == 1 else None


def _significant_words(name: str) -> set[str]:
    return {word for word in re.findall(r"[\w']+", clean_text(name)) if word not in _NAME_STOPWORDS and len(word) > 2}
