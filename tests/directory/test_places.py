"""Place resolution: districts, invented towns and SX postcodes."""

from __future__ import annotations

import pytest

from bot.directory.places import Area, district_names, resolve_area


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("SX4 1AB", Area("Fenchester City", "SX4")),
        ("sx4", Area("Fenchester City", "SX4")),
        ("SX41AB", Area("Fenchester City", "SX4")),
        ("my postcode is sx 12 3ef", Area("Brackenridge", "SX12")),
        ("SX20", Area("Wyvern Coast", "SX20")),
        ("sx22 9zz", Area("Wyvern Coast", "SX22")),
        ("Fenchester City", Area("Fenchester City")),
        ("I live in fenchester", Area("Fenchester City")),
        ("Port Wyvern", Area("Wyvern Coast")),
        ("ashby", Area("Ashby Vale")),
        ("Saltmead", Area("Coldharbour")),
        ("near Rooksbridge", Area("Oakhollow")),
    ],
)
def test_places_resolve_to_their_district(text, area):
    assert resolve_area(text) == area


@pytest.mark.parametrize("text", ["SX23", "SX0 1AB", "London", "", None, "M1 1AE", "sx123"])
def test_unknown_places_give_none(text):
    assert resolve_area(text) is None


def test_labels_and_slot_values():
    assert Area("Fenchester City", "SX4").label == "Fenchester City (SX4)"
    assert Area("Fenchester City", "SX4").slot_value == "SX4"
    assert Area("Oakhollow").slot_value == "Oakhollow"
    assert district_names() == (
        "Fenchester City",
        "Ashby Vale",
        "Brackenridge",
        "Coldharbour",
        "Marshfield",
        "Oakhollow",
        "Wyvern Coast",
    )
