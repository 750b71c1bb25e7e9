"""Combine the patterns' verdict and the learned model's score into one verdict with a band."""

from __future__ import annotations

from dataclasses import replace

from bot.risk import RiskResult, level_rank
from bot.risk.model.head import ModelVerdict, Thresholds

HIGH_SCORE = 0.9  # a model escalation at or above this is "high" (or "imminent" for danger now), else "medium"


def topic_terms_only(result: RiskResult, topic_labels: frozenset[str]) -> bool:
    """True when every phrase that matched is only the name of a topic ("forced marriage", "stalking")."""
    if not result.matched:
        return False
    return all(match.split(":", 1)[-1].strip().lower() in topic_labels for match in result.matched)


def model_level(verdict: ModelVerdict) -> str:
    """How urgent a model-only escalation is."""
    if verdict.score >= HIGH_SCORE:
        return "imminent" if verdict.category == "imminent_danger" else "high"
    return "medium"


def explanation_of(verdict: ModelVerdict) -> dict:
    """What staff see of the model's reasons."""
    return {"category_scores": verdict.category_scores, "nearest": verdict.nearest}


def combine(
    patterns: RiskResult, model: ModelVerdict | None, thresholds: Thresholds | None, topic_labels: frozenset[str]
) -> RiskResult:
    """The more urgent of the two, with a band; without a model, the patterns alone decide.

    A pattern hit made only of topic names ("is there a forced marriage helpline?") is a need, not a
    disclosure, unless the model also finds risk: then it is escalated or put in the uncertain band. A
    pattern hit below imminent that the model confidently calls benign (score under `disagree`) is put in
    the uncertain band: the victim is asked if they are safe, with 999 and a person offered.
    """
    if model is None or thresholds is None:
        return patterns
    score = model.score
    model_escalates = score >= thresholds.escalate
    uncertain = thresholds.watch <= score < thresholds.escalate
    extras = {"score": score, "explanation": explanation_of(model)}
    if patterns.escalate and topic_terms_only(patterns, topic_labels) and not model_escalates:
        band = "uncertain" if uncertain else "none"
        return RiskResult(topic_only=band == "none", category=patterns.category if uncertain else None,
                          matched=list(patterns.matched), band=band, **extras)
    if patterns.escalate and patterns.level != "imminent" and score < thresholds.disagree:
        # The phrases fire but the model is confidently calm ("my boss will kill me"): the layers disagree,
        # so ask rather than dismiss or escalate (999, helpline and a person are offered in the same turn).
        return RiskResult(category=patterns.category, matched=list(patterns.matched), band="uncertain", **extras)
    if not model_escalates:
        band = "escalate" if patterns.escalate else ("uncertain" if uncertain else "none")
        category = patterns.category or (model.category if uncertain else None)
        return replace(patterns, category=category, band=band, **extras)
    model_hit = f"model:{model.category}:{score:.2f}"
    level = model_level(model)
    if patterns.escalate and level_rank(patterns.level) >= level_rank(level):
        return replace(patterns, matched=[*patterns.matched, model_hit], band="escalate", **extras)
    return RiskResult(escalate=True, level=level, category=model.category, matched=[*patterns.matched, model_hit],
                      band="escalate", **extras)
