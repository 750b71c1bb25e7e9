"""Victims' Code rights and justice-process explanations in plain words, picked by keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_FILE = Path(__file__).with_name("rights.yml")
OVERVIEW_STAGE = "overview"


@dataclass(frozen=True)
class Topic:
    """One piece of content: its key, the words that select it, and what the user reads."""

    key: str
    text: str
    keywords: tuple[str, ...]
    title: str = ""
    payload: str = ""

    def matches(self, text: str) -> bool:
        """True if any keyword appears in `text` as whole words."""
        return any(_keyword_pattern(keyword).search(text) for keyword in self.keywords)


@dataclass(frozen=True)
class RightsContent:
    """All rights topics (in priority order), the process stages, and the overview texts."""

    overview: str
    topics: tuple[Topic, ...]
    stages: tuple[Topic, ...]
    verified_note: str

    def topic(self, key: str) -> Topic:
        """The rights topic with this key."""
        return next(topic for topic in self.topics if topic.key == key)

    def stage(self, key: str) -> Topic:
        """The process stage with this key."""
        return next(stage for stage in self.stages if stage.key == key)


@lru_cache(maxsize=256)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])" + re.escape(keyword.lower()) + r"(?![\w'])")


def normalise(text: str | None) -> str:
    """Lower-case text with typographic apostrophes made plain, ready for keyword matching."""
    return (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")


def _topic(key: str, entry: dict[str, Any]) -> Topic:
    return Topic(
        key=key,
        text=" ".join(str(entry["text"]).split()),
        keywords=tuple(str(keyword).lower() for keyword in entry.get("keywords") or ()),
        title=str(entry.get("title", "")),
        payload=str(entry.get("payload", "")),
    )


@lru_cache(maxsize=1)
def load_content(path: Path = CONTENT_FILE) -> RightsContent:
    """Read the content file once (on first use, never at import)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rights, process = raw["rights"], raw["process"]
    return RightsContent(
        overview=" ".join(str(rights["overview"]["text"]).split()),
        topics=tuple(_topic(key, entry) for key, entry in rights["topics"].items()),
        stages=tuple(_topic(key, entry) for key, entry in process["stages"].items()),
        verified_note=str(raw["verified_note"]).strip(),
    )


def find_rights_topic(text: str | None) -> Topic | None:
    """The first rights topic whose keywords appear in the message, or None for the overview."""
    cleaned = normalise(text)
    return next((topic for topic in load_content().topics if topic.matches(cleaned)), None)


def rights_overview() -> tuple[str, list[dict[str, str]]]:
    """The short list of rights and one button per topic (plain-text payloads, never "/...")."""
    content = load_content()
    buttons = [{"title": topic.title, "payload": topic.payload} for topic in content.topics]
    return content.overview, buttons


def find_process_stage(text: str | None) -> Topic:
    """The justice-process stage the message asks about; the overview of all steps if none."""
    cleaned = normalise(text)
    content = load_content()
    stages = [stage for stage in content.stages if stage.key != OVERVIEW_STAGE]
    return next((stage for stage in stages if stage.matches(cleaned)), content.stage(OVERVIEW_STAGE))


def process_messages(text: str | None, *, verified: bool) -> list[str]:
    """What happens next for the stage asked about; a verified user also hears they can ask for an update.

    Each item is one message, short enough for two SMS segments.
    """
    explanation = find_process_stage(text).text
    return [explanation, load_content().verified_note] if verified else [explanation]
