"""Read a victim's safe-contact choice from what they typed or pressed: channels, times, weekends, asking first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.contact.preferences import Preferences, from_form

CHANNELS, WINDOW, WEEKENDS, ASK_FIRST = "channels", "window", "weekends", "ask_first"
TOPICS = (CHANNELS, WINDOW, WEEKENDS, ASK_FIRST)  # the questions the menu leads to
# The menu's choices (button payloads, or the same words typed) that open a question.
_TOPIC_WORDS = {
    CHANNELS: ("how you message me", "how we message you", "channels", "channel", "how"),
    WINDOW: ("when we message you", "the times", "what times", "times of day", "times", "time", "when"),
    WEEKENDS: ("weekends", "weekend"),
    ASK_FIRST: ("asking first", "ask first", "asking"),
}
NAMED_WINDOWS = {"morning": "08:00-12:00", "afternoon": "12:00-17:00", "evening": "17:00-21:00"}
_DONE = re.compile(
    r"^(no( thanks| thank you)?|nope|nothing( else)?|no changes?|keep( it| them)?( as (it|they) (is|are))?|"
    r"leave (it|them)( as (it|they) (is|are))?|that'?s (all|it|fine)|all good|done|finished|bye|ok(ay)?( thanks)?)$"
)
_YES = re.compile(r"^(yes|yeah|yep|yup|y|sure|ok|okay|please|yes please)\b")
_NO = re.compile(r"^(no|nope|nah|n|no thanks)\b")
_WEEKEND = re.compile(r"\bweek-?ends?\b|\bsaturdays?\b|\bsundays?\b")
_WEEKENDS_FINE = re.compile(
    r"(week-?ends?|saturdays?|sundays?) (are|is) (fine|ok|okay|good|alright)|(fine|ok|okay) (at|on) (the )?week-?ends?"
    r"|any day|(can|may) (text|message|contact) me (at|on) (the )?week-?ends?"
)
_WEEKDAYS_ONLY = re.compile(r"\bweekdays?( only)?\b|monday to friday")
_DONT_ASK = re.compile(r"\b(no need|don'?t|do not|dont|without|never) (to )?(ask|check)")
_ASK = re.compile(r"\bask (me )?(first|before)|\bcheck with me|\bask before\b|\bask me\b")
_TELEGRAM = re.compile(r"\btelegram\b")
_SMS = re.compile(r"\b(sms|text messages?|texts|by text|via text|text only|texting only|my phone)\b")
_SMS_ANSWER = re.compile(r"\b(text|texting|phone)\b")  # read as a channel only when channels were asked
_NOT_TELEGRAM = re.compile(r"\b(not|don'?t|never|no)( use| via| on| by)? telegram\b")
_NOT_SMS = re.compile(r"\b(not|don'?t|never|no)( use| via| by)? (sms|texts|text messages?)\b")
_EITHER = re.compile(r"\b(either|both|any( of them| way| channel)?|whichever)\b")
_ANY_TIME = re.compile(r"\b(any ?time( of (the )?day)?|all day|no limit|no set times?)\b")
_CLOCK = r"(\d{1,2})(?:[:.](\d\d))?\s*(am|pm)?"
_RANGE = re.compile(rf"{_CLOCK}\s*(?:-|\u2013|to|and|until|till)\s*{_CLOCK}")


@dataclass(frozen=True)
class Choice:
    """What one answer asks for: changes (field, value), a question to ask next, that they are done, or bad times."""

    changes: tuple[tuple[str, object], ...] = ()
    topic: str | None = None
    done: bool = False
    bad_times: bool = False

    @property
    def understood(self) -> bool:
        return bool(self.changes or self.topic or self.done)


def _normal(text: str) -> str:
    cleaned = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", re.sub(r"[!?,;]+", " ", cleaned)).strip(" .")


def _clock(hour: str, minute: str | None, half: str | None) -> str:
    number = int(hour)
    if half == "pm" and number < 12:
        number += 12
    elif half == "am" and number == 12:
        number = 0
    return f"{number:02d}:{minute or '00'}"


def _window(text: str, topic: str | None) -> str | None:
    """The daily window asked for, as "HH:MM-HH:MM" ("" for any time), or None when none is mentioned."""
    match = _RANGE.search(text)
    if match and (topic == WINDOW or ":" in match.group(0) or "." in match.group(0) or "m" in match.group(0)):
        start_hour, start_minute, start_half, end_hour, end_minute, end_half = match.groups()
        if start_half is None and end_half == "pm" and int(start_hour) < 12:
            start_half = "pm" if int(start_hour) < int(end_hour) else None
        return f"{_clock(start_hour, start_minute, start_half)}-{_clock(end_hour, end_minute, end_half)}"
    for word, window in NAMED_WINDOWS.items():
        if re.search(rf"\b{word}s?\b", text):
            return window
    if _ANY_TIME.search(text):
        return ""
    return None


def _channels(text: str, topic: str | None) -> tuple[str, ...] | None:
    """The channels asked for (() for either), or None when none is mentioned ("text me" is a verb, not one)."""
    if _NOT_TELEGRAM.search(text):
        return ("sms",)
    if _NOT_SMS.search(text):
        return ("telegram",)
    telegram = bool(_TELEGRAM.search(text))
    sms = bool(_SMS.search(text) or (topic == CHANNELS and _SMS_ANSWER.search(text)))
    if (telegram and sms) or (topic == CHANNELS and _EITHER.search(text)):
        return ()
    if telegram:
        return ("telegram",)
    return ("sms",) if sms else None


def _yes_no(text: str) -> bool | None:
    if _NO.match(text):
        return False
    return True if _YES.match(text) else None


def _changes(text: str, topic: str | None) -> list[tuple[str, object]]:
    changes: list[tuple[str, object]] = []
    answer = _yes_no(text) if topic in (WEEKENDS, ASK_FIRST) else None
    if _WEEKEND.search(text) or _WEEKDAYS_ONLY.search(text):
        changes.append((WEEKENDS, not _WEEKENDS_FINE.search(text) or bool(_WEEKDAYS_ONLY.search(text))))
    elif topic == WEEKENDS and answer is not None:
        changes.append((WEEKENDS, not answer))  # "Can we message you at weekends?" "No": not at weekends
    if _DONT_ASK.search(text):
        changes.append((ASK_FIRST, False))
    elif _ASK.search(text):
        changes.append((ASK_FIRST, True))
    elif topic == ASK_FIRST and answer is not None:
        changes.append((ASK_FIRST, answer))
    window = _window(text, topic)
    if window is not None:
        changes.append((WINDOW, window))
    channels = _channels(text, topic)
    if channels is not None:
        changes.append((CHANNELS, channels))
    return changes


def read_choice(text: str, *, topic: str | None = None) -> Choice:
    """What the answer `text` asks for, given the question last asked (`topic`; None for the menu)."""
    said = _normal(text)
    for name, words in _TOPIC_WORDS.items():
        if said in words or said.removeprefix("change ") in words:
            return Choice(topic=name)
    changes = _changes(said, topic)
    if changes:
        return Choice(changes=tuple(changes))
    if _DONE.match(said):
        return Choice(done=True)
    return Choice(bad_times=topic == WINDOW and any(character.isdigit() for character in said))


def apply(current: Preferences, choice: Choice) -> Preferences:
    """`current` with the choice's changes; raises ValueError (from the console's own checks) if they make no sense."""
    values = current.as_form()
    for field, value in choice.changes:
        values[{WEEKENDS: "no_weekends"}.get(field, field)] = list(value) if field == CHANNELS else value
    return from_form(
        channels=list(values["channels"]),  # type: ignore[call-overload]
        window=str(values["window"]),
        no_weekends=bool(values["no_weekends"]),
        ask_first=bool(values["ask_first"]),
    )
