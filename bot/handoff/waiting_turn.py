"""What the bot does with a victim's message while a hand-off is open: nothing, except new advice and contact answers.

The decision is pure (no database, no Rasa objects): the hand-off policy (bot/handoff/policy.py) builds a
`TurnView` from the tracker and asks `next_action`, once per prediction, until it answers `action_listen`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.handoff.contact_later import answer_in_reply
from bot.handoff.queue import priority_for

ACTION_LISTEN = "action_listen"
DEACTIVATE_LOOP = "action_deactivate_loop"
SAFETY_ADVICE = "utter_safety_advice"  # a domain response: Rasa sends it even with the action server down
CONTACT_LATER = "action_handoff_contact_later"
OWN_ACTIONS = frozenset({DEACTIVATE_LOOP, SAFETY_ADVICE, CONTACT_LATER})
OPENING_ACTIONS = frozenset({"action_escalate", "action_request_human", "action_default_fallback",
                             "action_safety_check"})  # fmt: skip  # the custom actions that open a hand-off
DEFAULT_RISK_LEVEL = "high"  # as action_escalate: an escalation without a level errs on the urgent side


@dataclass(frozen=True)
class WaitingHandoff:
    """The open hand-off of a conversation, as far as the bot's behaviour depends on it."""

    id: int
    priority: int
    opened_for: str | None = None  # the message id of the victim message whose turn opened it


@dataclass(frozen=True)
class TurnView:
    """The newest victim message (None before any), the bot's last words before it, and the actions run since."""

    text: str | None = None
    at: float | None = None
    message_id: str | None = None
    intent: str | None = None
    risk: dict[str, Any] = field(default_factory=dict)
    asked: str = ""
    done: tuple[str, ...] = ()

    @property
    def has_message(self) -> bool:
        return self.text is not None or self.intent is not None


def turn_view(events: Iterable[dict[str, Any]]) -> TurnView:
    """A `TurnView` from events as dicts (Rasa's `as_dict()` form), oldest first."""
    done: list[str] = []
    user: dict[str, Any] | None = None
    asked = ""
    for event in reversed(list(events)):
        kind = event.get("event")
        if user is None and kind == "action" and event.get("name"):
            done.append(str(event["name"]))
        elif user is None and kind == "user":
            user = event
        elif user is not None and kind == "bot":
            asked = event.get("text") or ""
            break
    if user is None:
        return TurnView(done=tuple(reversed(done)))
    parse = user.get("parse_data") or {}
    risk = parse.get("risk")
    return TurnView(
        text=user.get("text") or "",
        at=user.get("timestamp"),
        message_id=user.get("message_id"),
        intent=(parse.get("intent") or {}).get("name"),
        risk=dict(risk) if isinstance(risk, dict) else {},
        asked=asked,
        done=tuple(reversed(done)),
    )


def raises_priority(risk: dict[str, Any], handoff: WaitingHandoff) -> bool:
    """True when the message escalates at a level more urgent than the hand-off's."""
    level = str(risk.get("level") or DEFAULT_RISK_LEVEL)
    return bool(risk.get("escalate")) and priority_for(level) < handoff.priority


def reruns_opening_turn(turn: TurnView, handoff: WaitingHandoff) -> bool:
    """True when this turn re-runs the one that opened `handoff` and has not yet reached the opening action.

    The first run was lost (the Rasa server died after the action opened the row, before its reply went out),
    so the bot decides as usual: the same actions run again, the row is found open, and the victim is told who
    helps next. Replies are keyed by the inbound message and their position, so nothing goes out twice.
    """
    opened_by_this_message = handoff.opened_for is not None and handoff.opened_for == turn.message_id
    return opened_by_this_message and not OPENING_ACTIONS & set(turn.done)


def next_action(turn: TurnView, handoff: WaitingHandoff, *, active_loop: str | None = None) -> str | None:
    """The next action while `handoff` is open; `action_listen` ends the bot's turn (staff answer the victim).

    None when the turn re-runs the one that opened the hand-off (`reruns_opening_turn`): the bot decides.
    A form left open (staff took over mid-form) is closed first. A new, more urgent risk gets the category's
    advice (the hand-off's priority is raised by bot/handoff/event_broker.py). An answer to "is it safe for us
    to message you later?" is recorded and confirmed by `action_handoff_contact_later`. Nothing else is said.
    """
    if turn.has_message and reruns_opening_turn(turn, handoff):
        return None
    if not turn.has_message or set(turn.done) - OWN_ACTIONS:
        return ACTION_LISTEN  # nothing said yet, or the bot already answered this message before the hand-off opened
    if active_loop and DEACTIVATE_LOOP not in turn.done:
        return DEACTIVATE_LOOP
    if raises_priority(turn.risk, handoff):
        return SAFETY_ADVICE if SAFETY_ADVICE not in turn.done else ACTION_LISTEN
    if CONTACT_LATER not in turn.done and answer_in_reply(turn.text, turn.intent, turn.risk, turn.asked):
        return CONTACT_LATER
    return ACTION_LISTEN
