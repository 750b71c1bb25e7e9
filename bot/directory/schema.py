"""Load agencies.yml and check every record, collecting all problems into one clear DirectoryError."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.directory.hours import validate_hours
from bot.directory.needs import NEED_KEYS
from bot.directory.places import district_names, postcode_district_names

GENDERS = ("female", "male", "non-binary")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_LEVEL_KEYS = {"agencies", "hours"}  # `hours` holds YAML anchors only
TEXT_FIELDS = {"slug": 80, "name": 200, "summary": 2000, "phone": 40, "text_number": 40, "email": 200, "website": 200}
LIST_FIELDS = ("needs", "areas", "postcode_districts", "genders", "languages")
BOOL_DEFAULTS = {"national": False, "sample": False, "self_referral": True, "accepts_referrals": True}
FILE_ONLY_FIELDS = ("verified",)  # kept in the file for maintainers, not imported into the database
FIELDS = set(TEXT_FIELDS) | set(LIST_FIELDS) | set(BOOL_DEFAULTS) | {"min_age", "max_age", "opening_hours"}
FIELDS |= set(FILE_ONLY_FIELDS)
VERIFIED_KEYS = {"checked", "source", "note"}
URL = re.compile(r"^https?://\S+$")


class DirectoryError(ValueError):
    """The directory file is unusable; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid agency directory:\n  " + "\n  ".join(errors))
        self.errors = errors


def load_directory(path: Path | str) -> list[dict[str, Any]]:
    """The validated agency records of a YAML file, each with every field present."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DirectoryError([f"cannot read {path}: {error}"]) from error
    return validate_directory(raw)


def validate_directory(raw: Any) -> list[dict[str, Any]]:
    """Check a parsed directory document; raises DirectoryError listing every problem."""
    if not isinstance(raw, dict) or not isinstance(raw.get("agencies"), list):
        raise DirectoryError(["the file must be a mapping with an 'agencies' list"])
    errors = [f"unknown top-level key {key!r}" for key in raw if key not in TOP_LEVEL_KEYS]
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw["agencies"], start=1):
        where = f"agency #{index}"
        if isinstance(entry, dict) and isinstance(entry.get("slug"), str):
            where += f" ({entry['slug']})"
            if entry["slug"] in seen:
                errors.append(f"{where}: duplicate slug {entry['slug']!r}")
            seen.add(entry["slug"])
        problems, record = _check_agency(entry)
        errors += [f"{where}: {problem}" for problem in problems]
        records.append(record)
    if errors:
        raise DirectoryError(errors)
    return records


def _check_agency(entry: Any) -> tuple[list[str], dict[str, Any]]:
    if not isinstance(entry, dict):
        return ["must be a mapping of fields"], {}
    errors = [f"unknown field {key!r}" for key in entry if key not in FIELDS]
    record: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        value = entry.get(name)
        if name in {"phone", "text_number"} and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > limit):
            errors.append(f"{name} must be a non-empty text of at most {limit} characters")
        record[name] = value.strip() if isinstance(value, str) else None
    for name in ("slug", "name", "summary"):
        if record[name] is None:
            errors.append(f"{name} is required")
    if record["slug"] and not SLUG.match(record["slug"]):
        errors.append(f"slug {record['slug']!r} must be lower-case words joined by hyphens")
    for name in LIST_FIELDS:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.append(f"{name} must be a list of texts")
            value = []
        record[name] = list(value)
    for name, default in BOOL_DEFAULTS.items():
        value = entry.get(name, default)
        if not isinstance(value, bool):
            errors.append(f"{name} must be true or false")
        record[name] = bool(value)
    errors += _check_lists(record)
    errors += _check_ages(entry, record)
    record["opening_hours"] = entry.get("opening_hours", {})
    errors += validate_hours(record["opening_hours"])
    problems, record["verified"] = _check_verified(entry.get("verified"))
    errors += problems
    if not any(record[name] for name in ("phone", "text_number", "email", "website")):
        errors.append("needs at least one way to contact it (phone, text_number, email or website)")
    return errors, record


def _check_lists(record: dict[str, Any]) -> list[str]:
    errors = [
        f"unknown need {need!r} (known needs: {', '.join(NEED_KEYS)})"
        for need in record["needs"]
        if need not in NEED_KEYS
    ]
    if not record["needs"]:
        errors.append("needs must list at least one need")
    known_districts = district_names()
    errors += [
        f"unknown area {area!r} (districts: {', '.join(known_districts)})"
        for area in record["areas"]
        if area not in known_districts
    ]
    known_codes = postcode_district_names()
    errors += [
        f"unknown postcode district {code!r} (expected SX1 to SX22)"
        for code in record["postcode_districts"]
        if code not in known_codes
    ]
    errors += [
        f"unknown gender {gender!r} (use {', '.join(GENDERS)})" for gender in record["genders"] if gender not in GENDERS
    ]
    if record["national"] and (record["areas"] or record["postcode_districts"]):
        errors.append("a national agency cannot list areas or postcode districts")
    if not record["national"] and not (record["areas"] or record["postcode_districts"]):
        errors.append("a local agency must list the areas or postcode districts it serves")
    return errors


def _check_verified(value: Any) -> tuple[list[str], dict[str, Any] | None]:
    """`verified: {checked: date, source: URL, note: text}`: where and when the entry was last checked."""
    if value is None:
        return [], None
    if not isinstance(value, dict):
        return ["verified must be a mapping with checked, source and an optional note"], None
    errors = [f"verified: unknown key {key!r} (use checked, source, note)" for key in value if key not in VERIFIED_KEYS]
    checked_on, source, note = value.get("checked"), value.get("source"), value.get("note")
    if not isinstance(checked_on, date):
        errors.append("verified.checked must be a date (YYYY-MM-DD)")
    if not isinstance(source, str) or not URL.match(source) or len(source) > 300:
        errors.append("verified.source must be the http(s) address that was checked")
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        errors.append("verified.note must be a text of at most 500 characters")
    return errors, {"checked": checked_on, "source": source, "note": note}


def _check_ages(entry: dict[str, Any], record: dict[str, Any]) -> list[str]:
    errors = []
    for name in ("min_age", "max_age"):
        value = entry.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120):
            errors.append(f"{name} must be a whole number of years between 0 and 120")
            value = None
        record[name] = value
    if record["min_age"] is not None and record["max_age"] is not None and record["min_age"] > record["max_age"]:
        errors.append("min_age is greater than max_age")
    return errors
