"""Load and validate the risk pattern files and context rules in data/risk/*.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.risk import LEVEL_RANK

CONTEXT_FILE = "context.yml"
PAST_POLICIES = ("downgrade", "medium", "ignore")


class PatternError(ValueError):
    """Raised when a pattern file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class PatternEntry:
    """One editable pattern: phrases that, matched, escalate at `level` for `category`."""

    category: str
    id: str
    level: str
    phrases: tuple[str, ...]
    negatable: bool = True
    past: str = "downgrade"
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class RiskContext:
    """Negation cues, past/resolved markers, word sets and category order from context.yml."""

    negation_cues: frozenset[str] = frozenset()
    negation_window: int = 4
    clause_breakers: frozenset[str] = frozenset()
    negation_cancelled_by: frozenset[str] = frozenset()
    past_markers: tuple[str, ...] = ()
    resolved_markers: tuple[str, ...] = ()
    word_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_priority: tuple[str, ...] = ()
    lemma_overrides: dict[str, str] = field(default_factory=dict)
    topic_labels: frozenset[str] = frozenset()
    topic_fillers: frozenset[str] = frozenset()


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise PatternError(f"{path.name}: the file must hold a mapping")
    return data


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and any(isinstance(item, bool) for item in value):
        raise PatternError(f"{where}: put words like no/yes/on/off in quotes (YAML reads them as true/false)")
    if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
        raise PatternError(f"{where}: expected a list of texts")
    return tuple(str(item) for item in value)


def _entry(raw: dict, category: str, source: str) -> PatternEntry:
    entry_id = str(raw.get("id") or "")
    where = f"{source}: pattern {entry_id or '?'}"
    if not entry_id:
        raise PatternError(f"{where}: every pattern needs an id")
    level = raw.get("level")
    if level not in LEVEL_RANK:
        raise PatternError(f"{where}: level must be one of {', '.join(LEVEL_RANK)}")
    past = raw.get("past", "downgrade")
    if past not in PAST_POLICIES:
        raise PatternError(f"{where}: past must be one of {', '.join(PAST_POLICIES)}")
    phrases = _strings(raw.get("phrases"), where)
    if not phrases:
        raise PatternError(f"{where}: at least one phrase is needed")
    return PatternEntry(
        category=category,
        id=entry_id,
        level=level,
        phrases=phrases,
        negatable=bool(raw.get("negatable", True)),
        past=past,
        examples=_strings(raw.get("examples"), where),
        not_examples=_strings(raw.get("not_examples"), where),
        source=source,
    )


def load_entries(directory: Path) -> list[PatternEntry]:
    """Every pattern entry from the files in `directory` that hold a `patterns` list."""
    entries: list[PatternEntry] = []
    for path in sorted(Path(directory).glob("*.yml")):
        data = _read_yaml(path)
        if "patterns" not in data:
            continue
        category = str(data.get("category") or path.stem)
        for raw in data["patterns"] or []:
            if not isinstance(raw, dict):
                raise PatternError(f"{path.name}: each pattern must be a mapping")
            entries.append(_entry(raw, category, path.name))
    if not entries:
        raise PatternError(f"no pattern files found in {directory}")
    keys = [(entry.category, entry.id) for entry in entries]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise PatternError(f"duplicate pattern ids: {sorted(duplicates)}")
    return entries


def load_context(directory: Path) -> RiskContext:
    """The context rules (context.yml) for the patterns in `directory`."""
    data = _read_yaml(Path(directory) / CONTEXT_FILE)
    negation = data.get("negation") or {}
    word_sets = {
        str(name): _strings(words, f"{CONTEXT_FILE}: word_sets.{name}")
        for name, words in (data.get("word_sets") or {}).items()
    }
    return RiskContext(
        negation_cues=frozenset(_strings(negation.get("cues"), "negation.cues")),
        negation_window=int(negation.get("window", 4)),
        clause_breakers=frozenset(_strings(negation.get("clause_breakers"), "negation.clause_breakers")),
        negation_cancelled_by=frozenset(_strings(negation.get("cancelled_by"), "negation.cancelled_by")),
        past_markers=_strings(data.get("past_markers"), "past_markers"),
        resolved_markers=_strings(data.get("resolved_markers"), "resolved_markers"),
        word_sets=word_sets,
        category_priority=_strings(data.get("category_priority"), "category_priority"),
        lemma_overrides={str(k): str(v) for k, v in (data.get("lemma_overrides") or {}).items()},
        topic_labels=frozenset(_strings((data.get("topic_only") or {}).get("labels"), "topic_only.labels")),
        topic_fillers=frozenset(_strings((data.get("topic_only") or {}).get("fillers"), "topic_only.fillers")),
    )
