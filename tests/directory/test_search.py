"""Search: need, area or postcode, local before national, specialists first, open now, eligibility."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.directory.needs import NEED_KEYS
from bot.directory.places import Area
from bot.directory.search import contact_line, search

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
MONDAY_NIGHT = datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)


def slugs(matches) -> list[str]:
    return [match.agency.slug for match in matches]


def test_local_specialists_come_before_local_generalists_and_national_lines(directory):
    matches = search(directory, need="fraud", area="SX4", limit=4, now=MONDAY_NOON)
    assert slugs(matches) == [
        "southmoor-scam-recovery", "southmoor-older-peoples-safety", "southmoor-victim-care-hub", "report-fraud"
    ]
    assert [match.local for match in matches] == [True, True, True, False]


def test_age_rules_out_services_for_other_age_groups(directory):
    matches = search(directory, need="fraud", area="SX4", age=35, now=MONDAY_NOON)
    assert slugs(matches) == ["southmoor-scam-recovery", "southmoor-victim-care-hub", "report-fraud"]
    young = search(directory, need="young_people", area="Fenchester", age=30, limit=10, now=MONDAY_NOON)
    assert "childline" not in slugs(young) and "southmoor-young-victims" not in slugs(young)
    child = search(directory, need="young_people", area="Fenchester", age=12, limit=1)
    assert slugs(child) == ["southmoor-young-victims"]


def test_gender_rules_out_services_for_other_genders(directory):
    everyone = slugs(search(directory, need="domestic_abuse", area="Ashby Vale", limit=20))
    women = slugs(search(directory, need="domestic_abuse", area="Ashby Vale", gender="female", limit=20))
    men = slugs(search(directory, need="domestic_abuse", area="Ashby Vale", gender="male", limit=20))
    assert {"ashby-vale-womens-centre", "mens-advice-line"} <= set(everyone)
    assert "mens-advice-line" not in women and "ashby-vale-womens-centre" in women
    assert "ashby-vale-womens-centre" not in men and "mens-advice-line" in men


def test_the_area_decides_which_local_agencies_are_offered(directory):
    west = slugs(search(directory, need="domestic_abuse", area="Fenchester City", limit=3, now=MONDAY_NOON))
    coast = slugs(search(directory, need="domestic_abuse", area="Port Wyvern", limit=3, now=MONDAY_NOON))
    assert west[:2] == ["fenchester-safe-homes", "safe-voices-southmoor"]
    assert coast[:2] == ["wyvern-coast-harbour-house", "safe-voices-southmoor"]


def test_a_postcode_district_reaches_agencies_that_serve_only_that_postcode(directory):
    assert "port-wyvern-youth-hub" in slugs(search(directory, need="young_people", area="SX20 1AB", limit=5))
    assert "port-wyvern-youth-hub" not in slugs(search(directory, need="young_people", area="SX21", limit=5))
    assert "port-wyvern-youth-hub" not in slugs(search(directory, need="young_people", area="Wyvern Coast", limit=5))
    marshfield = search(directory, need="antisocial_behaviour", area=Area("Marshfield", "SX16"), now=MONDAY_NOON)
    assert slugs(marshfield)[0] == "marshfield-community-safety"


def test_open_now_puts_open_services_first(directory):
    usual = slugs(search(directory, need="mental_health", area="SX4", now=MONDAY_NOON))
    assert usual[0] == "fenchester-night-wellbeing-line"
    daytime = search(directory, need="mental_health", area="SX4", open_now=True, now=MONDAY_NOON)
    assert all(match.open_now for match in daytime) and "fenchester-night-wellbeing-line" not in slugs(daytime)
    night = search(directory, need="mental_health", area="SX4", open_now=True, now=MONDAY_NIGHT)
    assert slugs(night) == ["fenchester-night-wellbeing-line", "calm", "samaritans"]
    assert [match.status for match in night] == ["open now until 02:00", "open now until midnight", "open 24/7"]


def test_without_an_area_only_countywide_local_services_and_national_ones_are_offered(directory):
    results = slugs(search(directory, need="burglary", limit=10, now=MONDAY_NOON))
    assert "brackenridge-coldharbour-burglary-response" not in results
    assert results[0] == "southmoor-older-peoples-safety" and "victim-support-supportline" in results
    assert "brackenridge-coldharbour-burglary-response" in slugs(search(directory, need="burglary", area="SX13"))


def test_free_text_needs_work_and_unknown_needs_are_refused(directory):
    assert slugs(search(directory, need="I was scammed", area="SX4", limit=1)) == ["southmoor-scam-recovery"]
    with pytest.raises(ValueError, match="unknown need"):
        search(directory, need="banana")


def test_every_need_finds_both_a_local_and_a_national_service_in_every_district(directory):
    from bot.directory.needs import NEED_KEYS
    from bot.directory.places import district_names

    for district in district_names():
        for need in NEED_KEYS:
            matches = search(directory, need=need, area=district, limit=50)
            assert any(m.local for m in matches) and any(not m.local for m in matches), (need, district)


def test_contact_line(directory):
    national = search(directory, need="modern_slavery", area="SX4", limit=2)
    assert [match.contact for match in national] == [
        "Call 01632 960114; antislavery.southmoor.example",
        "Call 08000 121 700; www.modernslaveryhelpline.org",
    ]
    shout = next(m for m in search(directory, need="mental_health", limit=20) if m.agency.slug == "shout")
    assert contact_line(shout.agency) == "Text 85258; giveusashout.org"


def test_when_every_top_match_is_closed_a_service_open_now_takes_the_last_place(directory):
    tuesday_late = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)
    matches = search(directory, need="domestic_abuse", area="SX4", now=tuesday_late)
    assert len(matches) == 3
    assert matches[-1].open_now
    assert matches[-1].agency.phone == "0808 2000 247"
    assert not any(match.open_now for match in matches[:2])


SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)  # 03:00 in London (GMT in November)
TUESDAY_11AM = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("need", NEED_KEYS)
def test_at_3am_on_a_sunday_every_need_lists_a_fitting_service_that_is_open(directory, need):
    for area in ("Fenchester City", "Port Wyvern", None):
        matches = search(directory, need=need, area=area, now=SUNDAY_3AM)
        open_now = [match for match in matches if match.open_now]
        assert open_now, (need, area, slugs(matches))
        for match in open_now:
            assert need in match.agency.needs or "general" in match.agency.needs, match.agency.slug
        assert any(match.status == "open 24/7" for match in open_now), (need, area)


@pytest.mark.parametrize(
    ("need", "line"),
    [
        ("domestic_abuse", "national-domestic-abuse-helpline"),
        ("sexual_violence", "rape-crisis-support-line"),
        ("mental_health", "samaritans"),
        ("modern_slavery", "modern-slavery-helpline"),
        ("honour_based_abuse", "forced-marriage-unit-out-of-hours"),
        ("young_people", "childline"),
        ("older_people", "hourglass"),
        ("hate_crime", "stop-hate-uk"),
        ("burglary", "victim-support-supportline"),
    ],
)
def test_the_24_7_specialist_line_is_the_open_service_at_night(directory, need, line):
    assert line in slugs(search(directory, need=need, area="Fenchester City", now=SUNDAY_3AM))


def test_domestic_abuse_by_day_lists_the_24_7_helpline_beside_open_local_services(directory):
    matches = search(directory, need="domestic_abuse", area="Fenchester City", now=TUESDAY_11AM)
    assert "national-domestic-abuse-helpline" in slugs(matches)
    assert sum(match.local for match in matches) == 2


def test_mental_health_lists_samaritans_even_when_local_lines_are_closed(directory):
    assert "samaritans" in slugs(search(directory, need="mental_health", area="SX4", now=TUESDAY_11AM))


def test_fraud_always_lists_the_reporting_centre(directory):
    for when in (TUESDAY_11AM, SUNDAY_3AM):
        assert "report-fraud" in slugs(search(directory, need="fraud", area="SX4", now=when))


def test_honour_based_abuse_late_at_night_lists_the_out_of_hours_line(directory):
    tuesday_night = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)
    matches = search(directory, need="honour_based_abuse", area="SX4", now=tuesday_night)
    assert "forced-marriage-unit-out-of-hours" in slugs(matches)
    assert "karma-nirvana" in slugs(matches)  # the key line, closed now, still shown with its hours


def test_key_lines_respect_eligibility(directory):
    matches = search(directory, need="sexual_violence", area="SX4", age=14, now=SUNDAY_3AM)
    assert "rape-crisis-support-line" not in slugs(matches)  # for ages 16 and over
    assert any(match.open_now for match in matches)
