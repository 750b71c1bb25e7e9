"""Victims' Code rights and justice-process explanations in plain words, picked by meaning, context and keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_FILE = Path(__file__).with_name("rights.yml")
OVERVIEW = "overview"
FOLLOW_UP = "follow_up"  # ask_rights/follow_up: "how do I apply?" means the right just explained
RETRIEVAL_INTENT = "ask_rights"
SELECTOR_CONFIDENCE = 0.5  # below this the response selector's guess gives way to keywords and context
_FOLLOW_UP = re.compile(
    r"^(and |so |ok |okay )?(how( do| can| would)? i\b|how\?|what do i do|where do i|tell me more|more|"
    r"can you explain|what does that mean|who do i (ask|tell|contact)|how long do i have|is there a time limit)",
)


@dataclass(frozen=True)
class Topic:
    """One piece of content: its key, the words that select it, and what the user reads."""

    key: str
    text: str
    keywords: tuple[str, ...]
    title: str = ""
    payload: str = ""
    button: bool = False
    from_process: bool = False

    def matches(self, text: str) -> bool:
        """True if any keyword appears in `text` as whole words."""
        return any(_keyword_pattern(keyword).search(text) for keyword in self.keywords)


@dataclass(frozen=True)
class RightsContent:
    """All rights topics (in keyword priority order), the process stages, and the overview texts."""

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
    """Lower-case text with typographic apostrophes made plain and spaces squeezed, ready for matching."""
    return " ".join((text or "").lower().replace("\u2019", "'").replace("\u2018", "'").split())


def _topic(key: str, entry: dict[str, Any]) -> Topic:
    return Topic(
        key=key,
        text=" ".join(str(entry["text"]).split()),
        keywords=tuple(str(keyword).lower() for keyword in entry.get("keywords") or ()),
        title=str(entry.get("title", "")),
        payload=str(entry.get("payload", "")),
        button=bool(entry.get("button", False)),
        from_process=bool(entry.get("from_process", False)),
    )


@lru_cache(maxsize=1)
def load_content(path: Path = CONTENT_FILE) -> RightsContent:
    """Read the content file once (on first use, never at import)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rights, process = raw["rights"], raw["process"]
    return RightsContent(
        overview=" ".join(str(rights[OVERVIEW]["text"]).split()),
        topics=tuple(_topic(key, entry) for key, entry in rights["topics"].items()),
        stages=tuple(_topic(key, entry) for key, entry in process["stages"].items()),
        verified_note=str(raw["verified_note"]).strip(),
    )


def selected_key(parse_data: dict[str, Any] | None) -> tuple[str | None, float]:
    """The topic key and confidence the response selector gave (ask_rights/<key>), or (None, 0.0)."""
    selector = (parse_data or {}).get("response_selector") or {}
    result = selector.get(RETRIEVAL_INTENT) or selector.get("default") or {}
    response = result.get("response") or {}
    key = str(response.get("intent_response_key") or "")
    if not key.startswith(f"{RETRIEVAL_INTENT}/"):
        return None, 0.0
    return key.split("/", 1)[1], float(response.get("confidence") or 0.0)


def find_rights_topic(text: str | None) -> Topic | None:
    """The first rights topic whose keywords appear in the message, or None."""
    cleaned = normalise(text)
    return next((topic for topic in load_content().topics if topic.matches(cleaned)), None)


def is_follow_up(text: str | None) -> bool:
    """A short question that only makes sense after the last answer ("how do I apply?", "tell me more")."""
    cleaned = normalise(text)
    return len(cleaned.split()) <= 8 and bool(_FOLLOW_UP.match(cleaned))


def choose_rights_topic(
    text: str | None, *, parse_data: dict[str, Any] | None = None, last_topic: str | None = None
) -> Topic | None:
    """The right to explain: a follow-up stays on the last topic, then the classifier's topic when it is sure,
    then keywords, then the classifier's best guess; None means the overview of all rights."""
    content = load_content()
    keys = {topic.key for topic in content.topics}
    key, confidence = selected_key(parse_data)
    follow_up = (key == FOLLOW_UP and confidence >= SELECTOR_CONFIDENCE) or is_follow_up(text)
    if last_topic in keys and follow_up and find_rights_topic(text) is None:
        return content.topic(last_topic)
    if key in keys and confidence >= SELECTOR_CONFIDENCE:
        return content.topic(key)
    if key == OVERVIEW and confidence >= SELECTOR_CONFIDENCE and find_rights_topic(text) is None:
        return None
    return find_rights_topic(text) or (content.topic(key) if key in keys else None)


def rights_overview() -> tuple[str, list[dict[str, str]]]:
    """The short list of rights and a few buttons (plain-text payloads, never "/...") that fit in an SMS."""
    content = load_content()
    buttons = [{"title": topic.title, "payload": topic.payload} for topic in content.topics if topic.button]
    return content.overview, buttons


def rights_topic_for_process(text: str | None) -> Topic | None:
    """A rights topic that answers a question the classifier took for the justice process ("the CPS dropped it")."""
    cleaned = normalise(text)
    return next((t for t in load_content().topics if t.from_process and t.matches(cleaned)), None)


def find_process_stage(text: str | None) -> Topic:
    """The justice-process stage the message asks about; the overview of all steps if none."""
    cleaned = normalise(text)
    content = load_content()
    stages = [stage for stage in content.stages if stage.key != OVERVIEW]
    return next((stage for stage in stages if stage.matches(cleaned)), content.stage(OVERVIEW))


def process_messages(text: str | None, *, verified: bool) -> list[str]:
    """What happens next for the stage asked about; a verified user also hears they can ask for an update.

    Each item is one message, short enough for two SMS segments.
    """
    explanation = find_process_stage(text).text
    return [explanation, load_content().verified_note] if verified else [explanation]
