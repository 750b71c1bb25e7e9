"""Kinds of support (need keys), their labels, and turning free text like "I was scammed" into a key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

NEED_KEYS = (
    "domestic_abuse",
    "sexual_violence",
    "hate_crime",
    "fraud",
    "burglary",
    "young_people",
    "older_people",
    "mental_health",
    "antisocial_behaviour",
    "road_traffic",
    "homicide_bereavement",
    "modern_slavery",
    "honour_based_abuse",
    "lgbt",
    "stalking",
    "restorative_justice",
    "witness_support",
    "general",
)
RISK_NEEDS = frozenset({"domestic_abuse", "sexual_violence", "stalking", "honour_based_abuse", "modern_slavery"})
NEEDS_FILE = PROJECT_ROOT / "data" / "directory" / "needs.yml"


@dataclass(frozen=True)
class NeedVocabulary:
    """Labels and key services per need key, and (compiled phrase, key, phrase length) triples, longest first."""

    labels: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str, int], ...]
    key_services: dict[str, tuple[str, ...]]


def clean_text(text: str) -> str:
    """Lower-case, straight apostrophes, underscores as spaces, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])" + re.escape(phrase) + r"(?![\w'])")


@lru_cache(maxsize=4)
def load_needs(path: Path = NEEDS_FILE) -> NeedVocabulary:
    """Read and check the synonym table (every key present, nothing unknown)."""
    raw = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("needs") or {}
    unknown = sorted(set(raw) - set(NEED_KEYS))
    missing = [key for key in NEED_KEYS if key not in raw]
    if unknown or missing:
        raise ValueError(f"{path}: unknown needs {unknown}, missing needs {missing}")
    labels: dict[str, str] = {}
    key_services: dict[str, tuple[str, ...]] = {}
    triples: list[tuple[re.Pattern[str], str, int]] = []
    for key in NEED_KEYS:
        labels[key] = str(raw[key]["label"])
        key_services[key] = tuple(str(slug) for slug in raw[key].get("key_services") or ())
        phrases = {clean_text(str(p)) for p in raw[key].get("phrases", [])}
        phrases |= {clean_text(key), clean_text(labels[key])}
        triples += [(_phrase_pattern(p), key, len(p)) for p in sorted(phrases) if p]
    triples.sort(key=lambda triple: -triple[2])
    return NeedVocabulary(labels=labels, patterns=tuple(triples), key_services=key_services)


def normalise_need(text: str | None) -> str | None:
    """The need key meant by `text` (a key, a label or free text), or None; the longest matching phrase wins."""
    if not text or not str(text).strip():
        return None
    cleaned = clean_text(str(text))
    if cleaned.replace(" ", "_") in NEED_KEYS:
        return cleaned.replace(" ", "_")
    for pattern, key, _length in load_needs().patterns:
        if pattern.search(cleaned):
            return key
    return None


def need_label(key: str) -> str:
    """The user-facing label of a need key, e.g. "Fraud or scams"."""
    return load_needs().labels.get(key, key.replace("_", " ").capitalize())


def key_services(key: str) -> tuple[str, ...]:
    """Slugs of the national services every search for this need lists (needs.yml `key_services`)."""
    return load_needs().key_services.get(key, ())


def need_phrase(key: str) -> str:
    """The label for use mid-sentence: "domestic abuse", but "LGBT+ support" keeps its capitals."""
    label = need_label(key)
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def is_risk_need(key: str | None) -> bool:
    """Whether the need is one where a safety check matters (the risk screen runs separately)."""
    return key in RISK_NEEDS
