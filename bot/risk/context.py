"""Decide whether a matched phrase is negated ("he didn't threaten me") or about past, resolved harm."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.risk import LEVEL_RANK
from bot.risk.patterns import RiskContext

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _is_cue(token: Token, context: RiskContext) -> bool:
    return token.lower_ in context.negation_cues or token.lemma_ in context.negation_cues


def _negated_by(tokens: Sequence[Token], context: RiskContext) -> bool:
    """True when a cue appears in `tokens` (in text order) without a cancelling word after it."""
    for index, token in enumerate(tokens):
        if _is_cue(token, context):
            after = tokens[index + 1 :]
            if not any(later.lemma_ in context.negation_cancelled_by for later in after):
                return True
    return False


def window_before(doc: Doc, start: int, context: RiskContext) -> list[Token]:
    """Up to `window` tokens before `start`, stopping at the sentence start or a clause break."""
    tokens: list[Token] = []
    sentence_start = doc[start].sent.start
    index = start - 1
    while index >= sentence_start and len(tokens) < context.negation_window:
        token = doc[index]
        if token.is_punct or token.lower_ in context.clause_breakers:
            break
        tokens.append(token)
        index -= 1
    return list(reversed(tokens))


def is_negated(doc: Doc, start: int, end: int, wildcard_positions: Sequence[int], context: RiskContext) -> bool:
    """A negation cue shortly before the match, or inside a gap of it, cancels the match."""
    inside = [doc[position] for position in wildcard_positions if start <= position < end]
    return _negated_by(window_before(doc, start, context) + inside, context)


def adjusted_level(level: str, policy: str, in_past: bool, resolved: bool) -> str | None:
    """The level after past/resolved context: None means the match no longer escalates."""
    if not in_past or policy == "ignore":
        return level
    if policy == "medium":
        return "medium"
    if resolved:
        return None
    return level if LEVEL_RANK[level] <= LEVEL_RANK["medium"] else "medium"
