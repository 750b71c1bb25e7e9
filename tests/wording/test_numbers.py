"""One source of truth for every number: each phone number a victim reads matches the same service in the directory."""

from __future__ import annotations

import re

import pytest

from bot.directory.schema import load_directory
from tests.directory.factories import AGENCIES_FILE
from tests.wording.victim_texts import VictimText, all_texts

# Numbers that are not a service in the directory: emergency, police non-emergency and its textphone prefix.
SERVICE_CODES = {"999", "112", "101", "18001101", "18000"}
SHORT_NUMBERS = {"999", "112", "101", "111"}  # shorter numbers ("about 12 minutes", "20,000") are not phone numbers
NUMBER = re.compile(r"(?<![\w/.:-])(\d[\d ]{1,14}\d)(?![\w/:-])")
YEAR = re.compile(r"^(19|20)\d\d$")
GENERIC_WORDS = {"national", "helpline", "line", "service", "services", "support", "free", "the", "and", "uk",
                 "advice", "for", "247", "24/7", "of", "people"}
WINDOW = 90  # characters before the number in which the service must be named


def digits(number: str) -> str:
    return number.replace(" ", "")


def directory_numbers() -> dict[str, list[dict]]:
    by_number: dict[str, list[dict]] = {}
    for record in load_directory(AGENCIES_FILE):
        for field in ("phone", "text_number"):
            if record[field]:
                by_number.setdefault(digits(record[field]), []).append(record)
    return by_number


def name_words(record: dict) -> set[str]:
    words = re.findall(r"[a-z0-9+]+", record["name"].lower())
    return {word for word in words if len(word) >= 3 and word not in GENERIC_WORDS}


def numbers_in(text: str) -> list[re.Match[str]]:
    found = []
    for match in NUMBER.finditer(text):
        number = digits(match.group(1))
        if (len(number) >= 5 or number in SHORT_NUMBERS) and not YEAR.match(number):
            found.append(match)
    return found


TEXTS = [text for text in all_texts() if numbers_in(text.text)]
DIRECTORY = directory_numbers()


def test_the_check_finds_the_numbers_it_must_check():
    found = {digits(match.group(1)) for text in TEXTS for match in numbers_in(text.text)}
    for number in ("08000121700", "08001111", "116123", "08081689111", "02070081500", "0800555111", "111"):
        assert number in found, number


def check_numbers(victim_text: VictimText) -> None:
    """Fail unless every phone number in the text is a directory service that the text names just before it."""
    for match in numbers_in(victim_text.text):
        number = digits(match.group(1))
        if number in SERVICE_CODES:
            continue
        records = DIRECTORY.get(number)
        assert records, f"{victim_text.source}: {match.group(1)} is not in the directory"
        before = victim_text.text[max(0, match.start() - WINDOW) : match.start()].lower()
        named = [record["slug"] for record in records if name_words(record) & set(re.findall(r"[a-z0-9+]+", before))]
        assert named, (
            f"{victim_text.source}: {match.group(1)} belongs to "
            f"{[record['name'] for record in records]}, but the text does not name that service before it"
        )


@pytest.mark.parametrize("victim_text", TEXTS, ids=lambda text: text.source)
def test_every_number_is_a_directory_service_named_beside_it(victim_text):
    check_numbers(victim_text)


@pytest.mark.parametrize(
    "wrong",
    [
        "Samaritans, free, any time: 0808 2000 247.",  # another service's number
        "Victim Support on 08 08 16 89 112.",  # a typo
        "Call 0800 555 111 for help.",  # a number with no service named
    ],
)
def test_a_wrong_or_mislabelled_number_is_caught(wrong):
    with pytest.raises(AssertionError):
        check_numbers(VictimText("example", {"text": wrong}))
