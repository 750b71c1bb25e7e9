"""Combining patterns and the model: the more urgent verdict wins; topic names alone are needs; bands."""

from __future__ import annotations

from bot.risk import RiskResult
from bot.risk.fusion import combine, model_level, topic_terms_only
from bot.risk.model.head import ModelVerdict, Thresholds

THRESHOLDS = Thresholds(escalate=0.7, watch=0.3)
TOPICS = frozenset({"forced marriage", "stalking"})


def verdict(score: float, category: str = "self_harm") -> ModelVerdict:
    return ModelVerdict(score=score, category=category, category_scores={category: 0.9},
                        nearest=[{"text": "example", "category": category, "similarity": 0.8}])


def test_without_a_model_the_patterns_decide() -> None:
    patterns = RiskResult(escalate=True, level="high", category="weapons", matched=["weapons:knife"])
    assert combine(patterns, None, None, TOPICS) is patterns


def test_model_escalates_what_the_patterns_missed() -> None:
    result = combine(RiskResult(), verdict(0.95), THRESHOLDS, TOPICS)
    assert result.escalate and result.level == "high" and result.category == "self_harm"
    assert result.effective_band == "escalate"
    assert result.explanation["nearest"][0]["text"] == "example"
    assert result.matched == ["model:self_harm:0.95"]


def test_more_urgent_pattern_keeps_its_level_and_category() -> None:
    patterns = RiskResult(escalate=True, level="imminent", category="imminent_danger", matched=["x:y"])
    result = combine(patterns, verdict(0.75, "stalking"), THRESHOLDS, TOPICS)
    assert result.level == "imminent" and result.category == "imminent_danger"


def test_pattern_escalation_stands_even_when_the_model_is_calm() -> None:
    patterns = RiskResult(escalate=True, level="medium", category="domestic_abuse",
                          matched=["domestic_abuse:he hit me"])
    result = combine(patterns, verdict(0.01), THRESHOLDS, TOPICS)
    assert result.escalate and result.category == "domestic_abuse" and result.score == 0.01


def test_a_topic_name_alone_is_a_need_unless_the_model_worries() -> None:
    patterns = RiskResult(escalate=True, level="high", category="honour_based_abuse",
                          matched=["honour_based_abuse:forced marriage"])
    assert topic_terms_only(patterns, TOPICS)
    calm = combine(patterns, verdict(0.05), THRESHOLDS, TOPICS)
    assert not calm.escalate and calm.topic_only and calm.effective_band == "none"
    unsure = combine(patterns, verdict(0.5), THRESHOLDS, TOPICS)
    assert not unsure.escalate and unsure.effective_band == "uncertain"
    worried = combine(patterns, verdict(0.9, "honour_based_abuse"), THRESHOLDS, TOPICS)
    assert worried.escalate


def test_uncertain_band_sits_between_the_thresholds() -> None:
    assert combine(RiskResult(), verdict(0.5), THRESHOLDS, TOPICS).effective_band == "uncertain"
    assert combine(RiskResult(), verdict(0.2), THRESHOLDS, TOPICS).effective_band == "none"
    assert combine(RiskResult(), verdict(0.5), THRESHOLDS, TOPICS).category == "self_harm"


def test_model_levels() -> None:
    assert model_level(verdict(0.95, "imminent_danger")) == "imminent"
    assert model_level(verdict(0.95, "weapons")) == "high"
    assert model_level(verdict(0.75, "weapons")) == "medium"


def test_parse_data_form_carries_score_band_and_explanation() -> None:
    data = combine(RiskResult(), verdict(0.95), THRESHOLDS, TOPICS).to_dict()
    assert data["band"] == "escalate" and data["score"] == 0.95
    assert data["explanation"]["category_scores"] == {"self_harm": 0.9}


def test_a_phrase_the_model_confidently_calls_calm_is_asked_about_not_escalated() -> None:
    thresholds = Thresholds(escalate=0.7, watch=0.3, disagree=0.1)
    idiom = RiskResult(escalate=True, level="high", category="threat_to_life", matched=["threat_to_life:kill me"])
    asked = combine(idiom, verdict(0.03), thresholds, TOPICS)
    assert not asked.escalate and asked.effective_band == "uncertain" and asked.category == "threat_to_life"
    assert combine(idiom, verdict(0.2), thresholds, TOPICS).escalate  # not confidently calm: escalate
    imminent = RiskResult(escalate=True, level="imminent", category="imminent_danger", matched=["x:he's here"])
    assert combine(imminent, verdict(0.01), thresholds, TOPICS).escalate  # danger now is never second-guessed
