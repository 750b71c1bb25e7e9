"""The shared spaCy pipeline (blank English, lookup lemmatizer, sentencizer), built once on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

CLITIC_HOSTS = ("i", "he", "they", "we")

if TYPE_CHECKING:  # spaCy is imported lazily: importing it is slow
    from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """A blank English pipeline with the lookup lemmatizer (spacy-lookups-data) and a sentencizer."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _lemma_table() -> tuple[object, frozenset[str]]:
    table = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return table, frozenset(value for value in table.values() if isinstance(value, str))


def is_known_word(word: str) -> bool:
    """True when the lemmatizer's lookup table knows this word form (used to squeeze "helppp")."""
    table, base_forms = _lemma_table()
    return word in table or word in base_forms


SUFFIXES = (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""), ("d", ""))


def base_form(lower: str, lemma: str, vocabulary: frozenset[str]) -> str:
    """The lemma, or for a word the lookup table does not know ("headbutted"), a stem the patterns use."""
    if lemma != lower:
        return lemma
    for suffix, replacement in SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)] + replacement
            if stem in vocabulary:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in vocabulary:
                return stem[:-1]
    return lemma


@lru_cache(maxsize=4096)
def lemmas_of(text: str) -> tuple[str, ...]:
    """The lemmas of the tokens of `text` as the pipeline sees them (lower case).

    A clitic written alone ("'s", "'m", "'ll") is lemmatised as it is after a pronoun ("he's").
    """
    text = text.lower()
    if text.startswith("'"):
        for prefix in CLITIC_HOSTS:
            doc = get_nlp()(prefix + text)
            if len(doc) == 2 and doc[1].text == text:
                return (doc[1].lemma_.lower(),)
    return tuple(token.lemma_.lower() for token in get_nlp()(text))
