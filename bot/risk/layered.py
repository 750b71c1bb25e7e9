"""The whole risk screen for one message: normalised patterns, the learned model, and their combination."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.risk import RiskResult
from bot.risk.fusion import combine
from bot.risk.model.head import META_FILE, RiskHead
from bot.risk.screener import RiskScreener
from bot.text.normalise import normalise_text

logger = logging.getLogger(__name__)


class LayeredScreen:
    """Patterns (precise, explainable) beside the model (meaning); the more urgent verdict wins."""

    def __init__(self, screener: RiskScreener, head: RiskHead | None, encoder_dir: Path | None) -> None:
        self.screener = screener
        self.head = head
        self.encoder_dir = encoder_dir

    def windows_for(self, text: str) -> np.ndarray:
        """The encoder's window vectors for a text (when the NLU featurizer has not computed them)."""
        from bot.encoder.runtime import load_encoder

        return load_encoder(Path(self.encoder_dir)).encode(text).windows

    def patterns_only(self, text: str) -> RiskResult:
        """The pattern layer's verdict alone (for evaluation and explanations)."""
        return self.screener.screen(text)

    def screen(self, text: str, windows: np.ndarray | None = None) -> RiskResult:
        """The combined verdict; `windows` are the encoder's vectors if already computed."""
        text = normalise_text(text)
        patterns = self.screener.screen(text)
        if self.head is None or not text.strip():
            return patterns
        if windows is None:
            windows = self.windows_for(text)
        verdict = self.head.judge(text, windows)
        return combine(patterns, verdict, self.head.thresholds, self.screener.context.topic_labels)


def build_layered_screen(patterns_dir: Path, model_dir: Path, encoder_dir: Path) -> LayeredScreen:
    """A screen from directories; without a trained model the patterns work alone (and say so in the log)."""
    head = None
    if (Path(model_dir) / META_FILE).is_file():
        head = RiskHead.load(model_dir)
    else:
        logger.warning("risk model not found in %s: the risk screen runs on patterns alone", model_dir)
    return LayeredScreen(RiskScreener(patterns_dir), head, encoder_dir)


@lru_cache(maxsize=1)
def default_layered_screen() -> LayeredScreen:
    """The configured screen, built on first use."""
    from bot.settings import get_settings

    settings = get_settings()
    return build_layered_screen(settings.risk_patterns_dir, settings.risk_model_dir, settings.encoder_dir)
