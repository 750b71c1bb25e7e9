"""Rasa NLU graph component that runs the risk screen last and lets its verdict override the intent."""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.risk import RiskResult

RISK_KEY = "risk"
RISK_INTENT = "risk_disclosure"
UNCERTAIN_INTENT = "risk_uncertain"
CATEGORY_ENTITY = "risk_category"
TOPIC_INTENT = "inform_need"
logger = logging.getLogger(__name__)


def _intent(name: str, confidence: float) -> dict[str, Any]:
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}


def classifier_verdict(message: Message, threshold: float | None) -> RiskResult | None:
    """A medium escalation when the intent classifier is confident of risk_disclosure (if enabled)."""
    intent = message.get(INTENT) or {}
    if threshold is None or intent.get(INTENT_NAME_KEY) != RISK_INTENT:
        return None
    if float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < threshold:
        return None
    return RiskResult(escalate=True, level="medium", category=None, matched=[f"classifier:{RISK_INTENT}"])


def apply_verdict(
    message: Message, result: RiskResult, *, topic_only: bool = False, fallback_below: float = 0.0
) -> None:
    """Put `risk` into the parse data and make the intent agree with the verdict.

    When the classifier said risk_disclosure but the screen did not escalate, the intent becomes
    `inform_need` for a bare topic label ("domestic abuse"), else the runner-up, or nlu_fallback
    when the runner-up is less sure than `fallback_below` (so the fallback still asks to rephrase).
    """
    message.set(RISK_KEY, result.to_dict(), add_to_output=True)
    ranking: list[dict[str, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
    others = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) not in {RISK_INTENT, UNCERTAIN_INTENT}]
    if result.escalate or result.effective_band == "uncertain":
        forced = _intent(RISK_INTENT if result.escalate else UNCERTAIN_INTENT, 1.0)
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced, *others], add_to_output=True)
        add_category_entity(message, result.category)
        return
    current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if current == RISK_INTENT:
        if topic_only:
            replacement = _intent(TOPIC_INTENT, float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 1.0))
            others = [replacement] + [entry for entry in others if entry.get(INTENT_NAME_KEY) != TOPIC_INTENT]
        elif others and float(others[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= fallback_below:
            replacement = others[0]
        else:
            replacement = _intent(DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0)
        message.set(INTENT, dict(replacement), add_to_output=True)
        message.set(INTENT_RANKING_KEY, others or [replacement], add_to_output=True)


def add_category_entity(message: Message, category: str | None) -> None:
    """Put the risk category into the entities, so Rasa fills the `risk_category` slot itself."""
    entities = [entity for entity in message.get(ENTITIES) or [] if entity.get("entity") != CATEGORY_ENTITY]
    entities.append({"entity": CATEGORY_ENTITY, "value": category or "default", "start": 0, "end": 0,
                     "extractor": "RiskScreen"})
    message.set(ENTITIES, entities, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RiskScreen(GraphComponent):
    """Screens every message for risk; the intent becomes `risk_disclosure` (escalate) or `risk_uncertain`.

    Config: `patterns_dir` and `model_dir` (optional) override settings.risk_patterns_dir / risk_model_dir;
    `trust_classifier_above` (optional, off by default): when the screen finds nothing but the
    intent classifier predicted risk_disclosure with at least this confidence, escalate at medium
    instead of discarding the prediction (a second safety net for phrasings the patterns miss).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No patterns_dir: use the configured one."""
        return {"patterns_dir": None, "model_dir": None, "trust_classifier_above": None, "fallback_below": 0.3}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self._screener: Any | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskScreen:
        """A new component; the patterns are loaded on the first message."""
        return cls(config)

    def _screen_instance(self) -> Any:
        if self._screener is None:
            from bot.risk.layered import build_layered_screen, default_layered_screen
            from bot.settings import get_settings

            patterns_dir = self.component_config.get("patterns_dir")
            model_dir = self.component_config.get("model_dir")
            if patterns_dir or model_dir:
                settings = get_settings()
                self._screener = build_layered_screen(patterns_dir or settings.risk_patterns_dir,
                                                      model_dir or settings.risk_model_dir, settings.encoder_dir)
            else:
                self._screener = default_layered_screen()
        return self._screener

    def process(self, messages: list[Message]) -> list[Message]:
        """Screen each message's text (patterns and model) and apply the verdict."""
        from bot.nlu.encoder_featurizer import ENCODED_KEY

        screen = self._screen_instance()
        for message in messages:
            text = message.get(TEXT) or ""
            encoded = message.get(ENCODED_KEY)
            result = screen.screen(text, None if encoded is None else encoded.windows)
            topic_only = result.topic_only
            if not result.escalate and not topic_only and result.effective_band == "none":
                threshold = self.component_config.get("trust_classifier_above")
                result = classifier_verdict(message, threshold) or result
            apply_verdict(
                message,
                result,
                topic_only=topic_only,
                fallback_below=float(self.component_config.get("fallback_below") or 0.0),
            )
            if result.escalate or result.effective_band == "uncertain":
                logger.info("risk screen: band=%s category=%s level=%s", result.effective_band, result.category,
                            result.level)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data
