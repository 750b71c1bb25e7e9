"""The risk screener: normalise, match the patterns with spaCy, weigh negation and past harm, pick the worst."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.risk import RiskResult, level_rank
from bot.risk.context import adjusted_level, is_negated
from bot.risk.language import base_form, get_nlp, is_known_word, lemmas_of
from bot.risk.normalise import SmsNormaliser, load_replacements
from bot.risk.patterns import PatternEntry, RiskContext, load_context, load_entries
from bot.risk.phrases import CompiledPhrase, compile_phrase

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

PAST, RESOLVED = "__past__", "__resolved__"


@dataclass(frozen=True)
class Hit:
    """One pattern that matched, with the level it carries after context."""

    entry: PatternEntry
    level: str
    text: str


class RiskScreener:
    """Screens messages against the pattern files of one directory (see data/risk/README.md)."""

    def __init__(self, patterns_dir: Path | None = None) -> None:
        if patterns_dir is None:
            from bot.settings import get_settings

            patterns_dir = get_settings().risk_patterns_dir
        self.patterns_dir = Path(patterns_dir)
        self.entries = load_entries(self.patterns_dir)
        self.context: RiskContext = load_context(self.patterns_dir)
        self.vocabulary = self._pattern_words()
        self.normalise = SmsNormaliser(load_replacements(self.patterns_dir), self.is_word)
        self.nlp = get_nlp()
        self._phrases: dict[str, tuple[PatternEntry | None, CompiledPhrase]] = {}
        self.matcher = self._build_matcher()

    def _pattern_words(self) -> frozenset[str]:
        """Every plain word written in the phrases and word sets (known to the letter squeezer)."""
        texts = [phrase for entry in self.entries for phrase in entry.phrases]
        texts += list(self.context.past_markers) + list(self.context.resolved_markers)
        texts += [word for words in self.context.word_sets.values() for word in words]
        return frozenset(re.findall(r"[a-z']+", " ".join(texts).lower()))

    def is_word(self, word: str) -> bool:
        """True for words the patterns use or the lemmatizer knows."""
        return word in self.vocabulary or is_known_word(word)

    def _norm(self, lower: str, lemma: str) -> str:
        """The form matched against: an override from context.yml, else the lemma or a known stem."""
        return self.context.lemma_overrides.get(lower) or base_form(lower, lemma, self.vocabulary)

    def _base_forms(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        if lower in self.context.lemma_overrides:
            return (self.context.lemma_overrides[lower],)
        lemmas = lemmas_of(lower)
        if len(lemmas) != 1 or lower.startswith("'"):
            return lemmas
        return (self._norm(lower, lemmas[0]),)

    def _add(self, matcher: Matcher, key: str, entry: PatternEntry | None, phrase: str) -> None:
        compiled = compile_phrase(phrase, self.context.word_sets, self._base_forms)
        self._phrases[key] = (entry, compiled)
        matcher.add(key, [compiled.tokens])

    def _build_matcher(self) -> Matcher:
        from spacy.matcher import Matcher

        matcher = Matcher(self.nlp.vocab)
        for number, entry in enumerate(self.entries):
            for index, phrase in enumerate(entry.phrases):
                self._add(matcher, f"{number}:{index}", entry, phrase)
        for index, phrase in enumerate(self.context.past_markers):
            self._add(matcher, f"{PAST}:{index}", None, phrase)
        for index, phrase in enumerate(self.context.resolved_markers):
            self._add(matcher, f"{RESOLVED}:{index}", None, phrase)
        return matcher

    def parse(self, text: str) -> Doc:
        """The spaCy doc of the normalised text, each token's NORM set to its base form."""
        doc = self.nlp(self.normalise(text))
        for token in doc:
            token.norm_ = self._norm(token.lower_, token.lemma_.lower())
        return doc

    def hits(self, text: str) -> list[Hit]:
        """Every pattern that matches `text`, after negation and past/resolved context."""
        doc = self.parse(text)
        found = []
        past_sentences: set[int] = set()
        resolved = False
        for match_id, start, end, alignment in self.matcher(doc, with_alignments=True):
            key = self.nlp.vocab.strings[match_id]
            entry, compiled = self._phrases[key]
            wildcards = [start + i for i, step in enumerate(alignment) if compiled.wildcard[step]]
            if key.startswith(PAST):
                past_sentences.add(doc[start].sent.start)
            elif key.startswith(RESOLVED):
                resolved = resolved or not is_negated(doc, start, end, wildcards, self.context)
            elif entry is not None:
                if entry.negatable and is_negated(doc, start, end, wildcards, self.context):
                    continue
                found.append((entry, doc[start].sent.start, doc[start:end].text))
        hits: dict[tuple[str, str], Hit] = {}
        for entry, sentence, span_text in found:
            level = adjusted_level(entry.level, entry.past, sentence in past_sentences, resolved)
            key = (entry.category, entry.id)
            if level and (key not in hits or level_rank(level) > level_rank(hits[key].level)):
                hits[key] = Hit(entry=entry, level=level, text=span_text)
        return list(hits.values())

    def _priority(self, category: str) -> int:
        order = self.context.category_priority
        return order.index(category) if category in order else len(order)

    def is_topic_only(self, text: str) -> bool:
        """True when the message only names a topic ("domestic abuse", "stalking support please").

        A bare label answers "what kind of support?" and discloses nothing about the sender's own
        safety, so it must not pause the support search; any other word (I, me, he, now...) counts.
        """
        words = [word for word in re.findall(r"[a-z0-9']+", self.normalise(text or "").lower())
                 if word not in self.context.topic_fillers]
        return bool(words) and " ".join(words) in self.context.topic_labels

    def screen(self, text: str) -> RiskResult:
        """The verdict for one message: the most severe level wins, ties go to the category order."""
        if self.is_topic_only(text):
            return RiskResult(topic_only=True)
        hits = self.hits(text or "")
        if not hits:
            return RiskResult()
        hits.sort(key=lambda hit: (-level_rank(hit.level), self._priority(hit.entry.category)))
        matched: list[str] = []
        for hit in hits:
            label = f"{hit.entry.category}:{hit.text}"
            if label not in matched:
                matched.append(label)
        best = hits[0]
        return RiskResult(escalate=True, level=best.level, category=best.entry.category, matched=matched)
