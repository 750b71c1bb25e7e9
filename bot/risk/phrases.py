"""Compile the phrase mini-language of data/risk (word, a|b, word?, *, ..., @SET, =exact) to spaCy patterns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

GAP_LENGTH = 3


class PhraseError(ValueError):
    """Raised when a phrase cannot be compiled; the message quotes the phrase."""


@dataclass(frozen=True)
class CompiledPhrase:
    """spaCy Matcher token patterns plus which positions are wildcards (not words the author wrote)."""

    tokens: list[dict]
    wildcard: tuple[bool, ...]


def _alternatives(chunk: str, phrase: str, word_sets: dict[str, tuple[str, ...]]) -> list[str]:
    words: list[str] = []
    for part in chunk.split("|"):
        if part.startswith("@"):
            if part[1:] not in word_sets:
                raise PhraseError(f"unknown word set {part} in phrase {phrase!r}")
            words.extend(word_sets[part[1:]])
        elif part:
            words.append(part.lower())
    if not words:
        raise PhraseError(f"empty alternative in phrase {phrase!r}")
    return words


def _chunk_tokens(
    chunk: str, phrase: str, word_sets: dict[str, tuple[str, ...]], lemmas: Callable[[str], tuple[str, ...]]
) -> list[dict]:
    optional = chunk.endswith("?") and len(chunk) > 1
    body = chunk[:-1] if optional else chunk
    if body.startswith("="):
        specs: list[dict] = [{"LOWER": body[1:].lower()}]
    else:
        words = _alternatives(body, phrase, word_sets)
        split = [lemmas(word) for word in words]
        if len(words) == 1 and len(split[0]) > 1:
            specs = [{"NORM": lemma} for lemma in split[0]]
        else:
            if any(len(parts) != 1 for parts in split):
                raise PhraseError(f"alternatives must be single words in {chunk!r} of phrase {phrase!r}")
            specs = [{"NORM": {"IN": sorted({parts[0] for parts in split})}}]
    if optional:
        specs = [dict(spec, OP="?") for spec in specs]
    return specs


def compile_phrase(
    phrase: str, word_sets: dict[str, tuple[str, ...]], lemmas: Callable[[str], tuple[str, ...]]
) -> CompiledPhrase:
    """Turn one phrase into Matcher token patterns on NORM (the base form the screener writes there).

    `lemmas` splits and reduces a word to base forms exactly as the screener does for message text.
    """
    chunks = phrase.split()
    while chunks and chunks[0] in {"...", "*"}:
        chunks.pop(0)
    while chunks and chunks[-1] in {"...", "*"}:
        chunks.pop()
    if not chunks:
        raise PhraseError(f"phrase {phrase!r} has no words")
    tokens: list[dict] = []
    wildcard: list[bool] = []
    for chunk in chunks:
        if chunk == "...":
            tokens.extend({"OP": "?"} for _ in range(GAP_LENGTH))
            wildcard.extend([True] * GAP_LENGTH)
        elif chunk == "*":
            tokens.append({})
            wildcard.append(True)
        else:
            specs = _chunk_tokens(chunk, phrase, word_sets, lemmas)
            tokens.extend(specs)
            wildcard.extend([False] * len(specs))
    return CompiledPhrase(tokens=tokens, wildcard=tuple(wildcard))
