"""Simulated victims: the scripted conversations the load and profile steps replay on every path."""

from __future__ import annotations

from dataclasses import dataclass

CASE_REFERENCE = "SP/10001/26"  # sample case: date of birth 01/02/1980, postcode SX1 2AB


@dataclass(frozen=True)
class Script:
    """One conversation: what the victim types, turn by turn (no think time between turns)."""

    name: str
    turns: tuple[str, ...]
    expect_in_turn: dict[int, str]  # turn index -> text the replies must contain (a correctness check)


SCRIPTS: tuple[Script, ...] = (
    Script(
        "case update with verification",
        ("hi", "I'd like an update on my case", CASE_REFERENCE, "01/02/1980", "SX1 2AB", "thanks", "bye"),
        {4: CASE_REFERENCE},
    ),
    Script("support finder", ("I was scammed", "Fenchester", "no thanks"), {1: "Fenchester"}),
    Script(
        "risk disclosure (pauses the conversation)",
        ("hello", "he said he will kill me tonight and he has a knife"),
        {1: "999"},
    ),
    Script("chit-chat", ("hello", "are you a bot?", "thank you"), {}),
)


def script_for(index: int) -> Script:
    """Conversations cycle through the scripts, so every load level has the same mix."""
    return SCRIPTS[index % len(SCRIPTS)]


def turns_per_cycle() -> float:
    """Average user turns per conversation across the mix."""
    return sum(len(script.turns) for script in SCRIPTS) / len(SCRIPTS)
