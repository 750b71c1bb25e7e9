"""Southmoor's districts: resolve a district, town or postcode ("SX4 1AB", "sx4") to an Area."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.directory.needs import clean_text
from bot.settings import PROJECT_ROOT

PLACES_FILE = PROJECT_ROOT / "data" / "directory" / "places.yml"
_FULL_POSTCODE = re.compile(r"(?<![a-z0-9])sx ?(\d{1,2}) ?\d[a-z]{2}(?![a-z0-9])")
_OUTWARD_CODE = re.compile(r"(?<![a-z0-9])sx ?(\d{1,2})(?![a-z0-9])")


@dataclass(frozen=True)
class Area:
    """A place in Southmoor: its district and, when a postcode was given, its postcode district."""

    district: str
    postcode_district: str | None = None

    @property
    def label(self) -> str:
        """How to name it to the user, e.g. "Fenchester City (SX4)"."""
        return f"{self.district} ({self.postcode_district})" if self.postcode_district else self.district

    @property
    def slot_value(self) -> str:
        """The value kept in the `area` slot: the postcode district when known, else the district."""
        return self.postcode_district or self.district


@dataclass(frozen=True)
class Places:
    """District names, postcode district -> district, and (alias pattern, district) longest first."""

    districts: tuple[str, ...]
    by_postcode: dict[str, str]
    aliases: tuple[tuple[re.Pattern[str], str], ...]


@lru_cache(maxsize=4)
def load_places(path: Path = PLACES_FILE) -> Places:
    """Read places.yml."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    districts: list[str] = []
    by_postcode: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for entry in raw.get("districts", []):
        name = str(entry["name"])
        districts.append(name)
        for code in entry.get("postcode_districts", []):
            by_postcode[str(code).upper()] = name
        names += [(clean_text(str(alias)), name) for alias in [name, *entry.get("aliases", [])]]
    names.sort(key=lambda pair: -len(pair[0]))
    aliases = tuple((re.compile(r"(?<![\w'])" + re.escape(alias) + r"(?![\w'])"), name) for alias, name in names)
    return Places(districts=tuple(districts), by_postcode=by_postcode, aliases=aliases)


def district_names() -> tuple[str, ...]:
    """Every district of Southmoor, in file order."""
    return load_places().districts


def postcode_district_names() -> tuple[str, ...]:
    """Every postcode district in Southmoor (SX1 ... SX22)."""
    return tuple(load_places().by_postcode)


def resolve_area(text: str | None) -> Area | None:
    """The Area meant by `text` (a district, a town, a full postcode or its first half), or None."""
    if not text or not str(text).strip():
        return None
    cleaned = clean_text(str(text))
    places = load_places()
    found = _FULL_POSTCODE.search(cleaned) or _OUTWARD_CODE.search(cleaned)
    if found:
        code = f"SX{int(found.group(1))}"
        district = places.by_postcode.get(code)
        return Area(district=district, postcode_district=code) if district else None
    for pattern, district in places.aliases:
        if pattern.search(cleaned):
            return Area(district=district)
    return None
