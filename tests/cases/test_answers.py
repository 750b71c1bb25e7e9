"""Verification answers are read from free text: UK day-first dates, postcodes, PINs, partial answers."""

from datetime import date

import pytest

from bot.cases.answers import normalise_postcode, parse_verification_answer

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "typed",
    ["01/02/1980 SX1 2AB", "1/2/80 sx12ab", "1 Feb 1980, SX1 2AB", "1980-02-01 SX1 2AB", "1st February 1980 sx1 2ab",
     "born 01.02.1980 and my postcode is SX1 2AB", "February 1, 1980 SX1 2AB"],
)
def test_date_formats_and_postcode(typed):
    answer = parse_verification_answer(typed, today=TODAY)
    assert answer.dob == date(1980, 2, 1)
    assert answer.postcode == "SX12AB"
    assert answer.is_complete and answer.pin is None


def test_pin_alone():
    answer = parse_verification_answer("my PIN is 482913", today=TODAY)
    assert answer.pin == "482913" and answer.dob is None and answer.is_complete


def test_date_of_birth_only_is_partial():
    answer = parse_verification_answer("1/2/1980", today=TODAY)
    assert answer.dob == date(1980, 2, 1) and not answer.is_complete


def test_partial_answers_merge():
    earlier = parse_verification_answer("01/02/1980", today=TODAY)
    merged = parse_verification_answer("SX1 2AB", today=TODAY).merged_with(earlier)
    assert merged.is_complete and merged.dob == date(1980, 2, 1)


def test_two_digit_years_are_never_in_the_future():
    assert parse_verification_answer("3/4/05", today=TODAY).dob == date(2005, 4, 3)
    assert parse_verification_answer("3/4/45", today=TODAY).dob == date(1945, 4, 3)


def test_impossible_dates_and_too_short_pins_are_ignored():
    answer = parse_verification_answer("31/02/1980 123", today=TODAY)
    assert answer.is_empty


def test_postcode_normalised():
    assert normalise_postcode(" sx14 5qp ") == "SX145QP"
