"""Validation of agencies.yml: the real file is complete and correct, mistakes are reported clearly."""

from __future__ import annotations

import re

import pytest

from bot.directory.needs import NEED_KEYS
from bot.directory.schema import DirectoryError, load_directory, validate_directory
from tests.directory.factories import AGENCIES_FILE, agency


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_directory(AGENCIES_FILE)


def by_slug(records: list[dict]) -> dict[str, dict]:
    return {record["slug"]: record for record in records}


def test_real_directory_has_enough_agencies_and_every_need_has_local_and_national_options(records):
    assert len(records) >= 36
    for need in NEED_KEYS:
        serving = [record for record in records if need in record["needs"]]
        assert any(record["national"] for record in serving), f"no national option for {need}"
        assert any(not record["national"] for record in serving), f"no local option for {need}"


@pytest.mark.parametrize(
    ("slug", "field", "number"),
    [
        ("victim-support-supportline", "phone", "08 08 16 89 111"),
        ("national-domestic-abuse-helpline", "phone", "0808 2000 247"),
        ("rape-crisis-support-line", "phone", "0808 500 2222"),
        ("national-stalking-helpline", "phone", "0808 802 0300"),
        ("samaritans", "phone", "116 123"),
        ("childline", "phone", "0800 1111"),
        ("nspcc-helpline", "phone", "0808 800 5000"),
        ("report-fraud", "phone", "0300 123 2040"),
        ("crimestoppers", "phone", "0800 555 111"),
        ("nhs-111-mental-health", "phone", "111"),
        ("forced-marriage-unit-out-of-hours", "phone", "020 7008 1500"),
        ("paladin", "phone", "020 3866 4107"),
        ("revenge-porn-helpline", "phone", "0345 6000 459"),
        ("modern-slavery-helpline", "phone", "08000 121 700"),
        ("karma-nirvana", "phone", "0800 5999 247"),
        ("forced-marriage-unit", "phone", "020 7008 0151"),
        ("galop", "phone", "0800 999 5428"),
        ("mens-advice-line", "phone", "0808 801 0327"),
        ("hourglass", "phone", "0808 808 8141"),
        ("stop-hate-uk", "phone", "0800 138 1625"),
        ("brake-road-victim-service", "phone", "0808 8000 401"),
        ("witness-service", "phone", "0300 332 1000"),
        ("mind-infoline", "phone", "0300 123 3393"),
        ("shout", "text_number", "85258"),
    ],
)
def test_national_helplines_have_their_real_numbers(records, slug, field, number):
    record = by_slug(records)[slug]
    assert record["national"] is True and record["sample"] is False
    assert record[field] == number


def test_report_fraud_replaces_action_fraud(records):
    agencies = by_slug(records)
    assert "action-fraud" not in agencies
    assert not any("actionfraud" in (record["website"] or "") for record in records)
    report_fraud = agencies["report-fraud"]
    assert report_fraud["name"] == "Report Fraud" and report_fraud["website"] == "https://www.reportfraud.police.uk"
    assert "4 December 2025" in report_fraud["summary"]


def test_childline_is_for_under_19s(records):
    childline = by_slug(records)["childline"]
    assert childline["max_age"] == 18 and "under 19" in childline["summary"]


@pytest.mark.parametrize(
    ("slug", "monday", "wednesday", "saturday"),
    [
        ("national-stalking-helpline", [["09:30", "16:00"]], [["13:00", "16:00"]], None),
        ("karma-nirvana", [["09:00", "17:00"]], [["09:00", "17:00"]], []),
        ("nspcc-helpline", [["08:00", "22:00"]], [["08:00", "22:00"]], [["09:00", "18:00"]]),
    ],
)
def test_helpline_hours_checked_against_their_own_sites(records, slug, monday, wednesday, saturday):
    hours = by_slug(records)[slug]["opening_hours"]
    assert (hours.get("mon"), hours.get("wed"), hours.get("sat")) == (monday, wednesday, saturday)


def test_hours_that_could_not_be_confirmed_are_not_guessed(records):
    agencies = by_slug(records)
    for slug in ("galop", "mens-advice-line", "paladin"):
        assert agencies[slug]["opening_hours"] == {}, slug
        assert "NOT confirmed" in agencies[slug]["verified"]["note"], slug


def test_a_malformed_verification_is_reported():
    with pytest.raises(DirectoryError) as caught:
        validate_directory({"agencies": [agency("x", verified={"checked": "soon", "source": "a leaflet", "by": "me"})]})
    assert set(caught.value.errors) == {
        "agency #1 (x): verified: unknown key 'by' (use checked, source, note)",
        "agency #1 (x): verified.checked must be a date (YYYY-MM-DD)",
        "agency #1 (x): verified.source must be the http(s) address that was checked",
    }


def test_round_the_clock_national_lines_are_marked_always_open(records):
    agencies = by_slug(records)
    for slug in (
        "victim-support-supportline",
        "national-domestic-abuse-helpline",
        "rape-crisis-support-line",
        "samaritans",
        "childline",
        "modern-slavery-helpline",
        "stop-hate-uk",
        "shout",
        "crimestoppers",
        "nhs-111-mental-health",
        "forced-marriage-unit-out-of-hours",
    ):
        assert agencies[slug]["opening_hours"] == {"always": True}, slug


def test_local_agencies_are_plainly_fictional(records):
    local = [record for record in records if not record["national"]]
    assert local and all(record["sample"] for record in local)
    for record in local:
        for number in filter(None, (record["phone"], record["text_number"])):
            assert re.fullmatch(r"01632 960\d{3}|07700 900\d{3}", number), (record["slug"], number)
        assert record["website"] is None or re.fullmatch(r"https://[a-z0-9.-]+\.example", record["website"])


def test_all_problems_are_reported_together_with_the_agency_named():
    document = {
        "agencies": [
            agency("one", needs=["burglry"]),
            agency("two", opening_hours={"mon": [["9am", "5pm"]]}),
            agency("one"),
            agency("three", national=True),
            agency("four", opening_hours={"monday": []}, min_age=18, max_age=10),
            agency("five", phone=None, colour="blue"),
            agency("six", areas=["Narnia"], postcode_districts=["SX99"]),
        ]
    }
    with pytest.raises(DirectoryError) as caught:
        validate_directory(document)
    errors = caught.value.errors
    assert any(e.startswith("agency #1 (one): unknown need 'burglry' (known needs: domestic_abuse,") for e in errors)
    assert "agency #2 (two): opening_hours.mon: bad time '9am' (use 24-hour HH:MM)" in errors
    assert "agency #3 (one): duplicate slug 'one'" in errors
    assert "agency #4 (three): a national agency cannot list areas or postcode districts" in errors
    assert "agency #5 (four): opening_hours: unknown day 'monday' (use mon, tue, wed, thu, fri, sat, sun)" in errors
    assert "agency #5 (four): min_age is greater than max_age" in errors
    assert "agency #6 (five): unknown field 'colour'" in errors
    assert "agency #6 (five): needs at least one way to contact it (phone, text_number, email or website)" in errors
    assert any(e.startswith("agency #7 (six): unknown area 'Narnia'") for e in errors)
    assert "agency #7 (six): unknown postcode district 'SX99' (expected SX1 to SX22)" in errors
    assert "invalid agency directory:" in str(caught.value)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"always": False}, "opening_hours: 'always' must be true and stand alone"),
        ({"always": True, "mon": []}, "opening_hours: 'always' must be true and stand alone"),
        ({"tue": [["09:00"]]}, 'opening_hours.tue: [\'09:00\'] is not a ["HH:MM", "HH:MM"] pair'),
        ({"wed": [["10:00", "10:00"]]}, "opening_hours.wed: empty interval ['10:00', '10:00']"),
        ({"thu": [["25:00", "26:00"]]}, "opening_hours.thu: bad time '25:00' (use 24-hour HH:MM)"),
        ("9-5", "opening_hours must be a mapping"),
    ],
)
def test_bad_opening_hours_are_rejected(hours, message):
    with pytest.raises(DirectoryError) as caught:
        validate_directory({"agencies": [agency("x", opening_hours=hours)]})
    assert caught.value.errors == [f"agency #1 (x): {message}"]


def test_a_file_without_an_agencies_list_is_rejected(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="the file must be a mapping with an 'agencies' list"):
        load_directory(path)


def test_every_key_service_of_a_need_is_a_national_entry_for_that_need(records):
    from bot.directory.needs import NEED_KEYS, key_services

    agencies = by_slug(records)
    for need in NEED_KEYS:
        for slug in key_services(need):
            assert slug in agencies, (need, slug)
            assert agencies[slug]["national"] and need in agencies[slug]["needs"], (need, slug)
