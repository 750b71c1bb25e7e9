"""Crime references typed by victims are found and normalised."""

import pytest

from bot.cases.crime_ref import find_reference, is_valid_reference


@pytest.mark.parametrize(
    "typed",
    ["SP/12345/26", "sp 12345 26", "SP-12345-26", "sp1234526", "my ref is SP/12345/26", "Sp / 12345 / 26",
     "it's sp.12345.26 thanks", "12345/26"],
)
def test_typed_forms_normalise_to_the_canonical_reference(typed):
    assert find_reference(typed) == "SP/12345/26"


@pytest.mark.parametrize(
    "typed",
    ["", None, "hello", "07700 900123", "sp123456789", "01/02/1980", "SP/1234/26", "XSP12345 26", "SP 12345 267"],
)
def test_text_without_a_reference_gives_none(typed):
    assert find_reference(typed) is None


def test_validity_is_about_the_canonical_form():
    assert is_valid_reference("SP/12345/26")
    assert not is_valid_reference("sp 12345 26")
    assert not is_valid_reference("SP/12345/2026")
    assert not is_valid_reference(None)
