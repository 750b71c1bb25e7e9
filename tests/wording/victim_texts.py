"""Every victim-facing text, per channel, gathered once for the length, number and plain-English tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.cases.notifications import notification_text
from bot.cases.status_text import entitlement_text, status_text
from bot.directory import render
from bot.handoff import wording
from bot.models.cases import CASE_STATUSES
from bot.rights import load_content, rights_overview
from bot.settings import PROJECT_ROOT
from bot.wording import CHANNELS, domain_responses, response_message

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
CANNED_FILE = PROJECT_ROOT / "bot" / "console" / "canned_responses.yml"
RISK_CATEGORIES = (
    None, "imminent_danger", "threat_to_life", "self_harm", "child_at_risk", "sexual_violence", "strangulation",
    "stalking", "honour_based_abuse", "modern_slavery", "domestic_abuse", "weapons",
)


@dataclass(frozen=True)
class VictimText:
    """One message as a bot payload ({"text": ..., "buttons": [...]}), where it comes from, and the channels
    it goes out on (all of them unless it is a channel's own variation)."""

    source: str
    payload: dict[str, Any] = field(hash=False)
    channels: tuple[str, ...] = CHANNELS

    @property
    def text(self) -> str:
        return str(self.payload.get("text") or "")


def _constants(module: Any) -> Iterator[tuple[str, str]]:
    for name, value in vars(module).items():
        if name.isupper() and isinstance(value, str) and " " in value:
            yield name, value


def slot_cases(variations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The slot values that pick each conditional variation, and none (a conversation without them)."""
    cases: list[dict[str, Any]] = [{}]
    for variation in variations:
        case = {condition["name"]: condition["value"] for condition in variation.get("condition") or []}
        if case and case not in cases:
            cases.append(case)
    return cases


def domain_texts() -> Iterator[VictimText]:
    """Every response as each channel gets it (fragments filled), once per distinct text."""
    for name, variations in domain_responses(DOMAIN_FILE).items():
        for slots in slot_cases(variations):
            by_text: dict[str, tuple[dict[str, Any], list[str]]] = {}
            for channel in CHANNELS:
                message = response_message(name, channel, slots=slots, domain_file=DOMAIN_FILE)
                by_text.setdefault(message["text"], (message, []))[1].append(channel)
            label = f"({','.join(f'{key}={value}' for key, value in slots.items())})" if slots else ""
            for message, channels in by_text.values():
                yield VictimText(f"domain {name}{label}[{'+'.join(channels)}]", message, tuple(channels))


def handoff_texts() -> Iterator[VictimText]:
    """The hand-off responses with their computed values filled (bot/handoff/wording.py), per channel."""
    for channel in CHANNELS:
        for on_duty, wait in ((True, None), (True, 1), (True, 9), (True, 59), (True, 120), (False, None)):
            for reply in wording.handoff_replies(on_duty=on_duty, wait_minutes=wait):
                yield VictimText(f"{reply.response}({wait})[{channel}]", {"text": wording.reply_text(reply, channel)},
                                 (channel,))  # fmt: skip
        for category in RISK_CATEGORIES:
            check = wording.safety_check_reply(category, channel)
            payload = response_message(check.response, channel, slots=check.values)
            yield VictimText(f"{check.response}({category})[{channel}]", payload, (channel,))


def channel_texts() -> Iterator[VictimText]:
    for channel in ("sms", "telegram", "webchat"):
        yield VictimText(f"notification_text({channel})", {"text": notification_text(channel)}, (channel,))


def case_texts() -> Iterator[VictimText]:
    """Case texts with computed parts (domain_texts has every response as written: "{code}" is as long as a code)."""
    tries = response_message("utter_verification_wrong_tries_left", slots={"attempts_left": 2}, domain_file=DOMAIN_FILE)
    yield VictimText("utter_verification_wrong_tries_left(2)", tries)
    for enhanced in (False, True):
        yield VictimText(f"entitlement_text({enhanced})", {"text": entitlement_text(enhanced=enhanced)})


def status_parts() -> Iterator[VictimText]:
    """The status wording, part by part (the whole first reply is checked in tests/cases/test_summary.py)."""
    for status in CASE_STATUSES:
        wording_ = status_text(status)
        yield VictimText(f"status {status} meaning", {"text": wording_.meaning})
        yield VictimText(f"status {status} next", {"text": wording_.next_steps})


def rights_texts() -> Iterator[VictimText]:
    overview, buttons = rights_overview()
    yield VictimText("rights overview", {"text": overview, "buttons": buttons})
    content = load_content()
    yield VictimText("rights verified_note", {"text": content.verified_note})
    for item in content.topics:
        yield VictimText(f"rights {item.key}", {"text": item.text})
    for item in content.stages:
        yield VictimText(f"process {item.key}", {"text": item.text})


def directory_texts() -> Iterator[VictimText]:
    """The support finder's responses with their computed parts (domain_texts has each as written)."""
    yield VictimText("render.SAFETY_LINE", {"text": render.safety_line_text()})
    yield VictimText("render.no_results_text", {"text": render.no_results_text(need="lgbt", area=None,
                                                                                victim_support=None)})


def canned_texts() -> Iterator[VictimText]:
    """Replies staff send from the console with one click: they reach the victim's phone too."""
    if not CANNED_FILE.exists():
        return
    raw = yaml.safe_load(CANNED_FILE.read_text(encoding="utf-8")) or {}
    entries = raw.get("responses", raw) if isinstance(raw, dict) else raw
    for index, entry in enumerate(entries if isinstance(entries, list) else entries.values()):
        text = entry.get("text") if isinstance(entry, dict) else entry
        if isinstance(text, str):
            yield VictimText(f"canned[{index}]", {"text": text})


def all_texts() -> list[VictimText]:
    """Every victim-facing text that needs no database (the directory's results are tested with one)."""
    groups = (domain_texts, handoff_texts, channel_texts, case_texts, status_parts, rights_texts, directory_texts,
              canned_texts)
    return [item for group in groups for item in group()]
