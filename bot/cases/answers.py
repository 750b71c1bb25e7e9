"""Parse a victim's answer to the verification questions: date of birth, postcode and/or PIN."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_WORD = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD},?\s+(\d{{4}}|\d{{2}})(?!\d)", re.I
)
_MONTH_DAY = re.compile(rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}|\d{{2}})(?!\d)", re.I)
# UK postcode: outward code (SX1, SX12, SW1A) and inward code (2AB), space optional.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
_PIN = re.compile(r"(?<![\d/.\-])(\d{4,8})(?![\d/.\-])")


@dataclass(frozen=True)
class VerificationAnswer:
    """What could be read from an answer; any part may be missing."""

    dob: date | None = None
    postcode: str | None = None
    pin: str | None = None

    @property
    def has_dob_and_postcode(self) -> bool:
        return self.dob is not None and self.postcode is not None

    @property
    def is_complete(self) -> bool:
        """Enough to check: a PIN, or both the date of birth and the postcode."""
        return self.pin is not None or self.has_dob_and_postcode

    @property
    def is_empty(self) -> bool:
        return self.dob is None and self.postcode is None and self.pin is None

    def merged_with(self, earlier: VerificationAnswer) -> VerificationAnswer:
        """This answer with gaps filled from an earlier partial one."""
        return VerificationAnswer(
            dob=self.dob or earlier.dob, postcode=self.postcode or earlier.postcode, pin=self.pin or earlier.pin
        )


def normalise_postcode(text: str) -> str:
    """Upper case without spaces: 'sx1 2ab' -> 'SX12AB'."""
    return re.sub(r"\s+", "", text).upper()


def _full_year(year_text: str, today: date) -> int:
    """A four-digit year; two digits are read as the most recent year not in the future."""
    year = int(year_text)
    if len(year_text) == 4:
        return year
    candidate = 2000 + year
    return candidate if candidate <= today.year else 1900 + year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _find_date(text: str, today: date) -> tuple[date | None, str]:
    """The first date in `text` (UK day-first) and the text with it removed."""
    for pattern in (_ISO, _NUMERIC, _DAY_MONTH, _MONTH_DAY):
        match = pattern.search(text)
        if not match:
            continue
        if pattern is _ISO:
            found = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        elif pattern is _NUMERIC:
            found = _safe_date(_full_year(match.group(3), today), int(match.group(2)), int(match.group(1)))
        elif pattern is _DAY_MONTH:
            month = MONTHS[match.group(2).lower()[:3]]
            found = _safe_date(_full_year(match.group(3), today), month, int(match.group(1)))
        else:
            month = MONTHS[match.group(1).lower()[:3]]
            found = _safe_date(_full_year(match.group(3), today), month, int(match.group(2)))
        if found:
            return found, text[: match.start()] + " " + text[match.end() :]
    return None, text


def parse_verification_answer(text: str | None, *, today: date | None = None) -> VerificationAnswer:
    """Read a date of birth, a postcode and a 4-8 digit PIN from free text; missing parts stay None."""
    remaining = text or ""
    dob, remaining = _find_date(remaining, today or date.today())
    postcode = None
    postcode_match = _POSTCODE.search(remaining)
    if postcode_match:
        postcode = normalise_postcode(postcode_match.group(1) + postcode_match.group(2))
        remaining = remaining[: postcode_match.start()] + " " + remaining[postcode_match.end() :]
    pin_match = _PIN.search(remaining)
    return VerificationAnswer(dob=dob, postcode=postcode, pin=pin_match.group(1) if pin_match else None)
