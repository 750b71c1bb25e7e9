"""Choose the escalation and watch thresholds on validation data, recall first."""

from __future__ import annotations

import numpy as np

TARGET_RECALL = 0.99  # combined (patterns or model) recall wanted on validation
WATCH_RECALL = 0.998  # the uncertain band reaches down until patterns-or-band catch this share...
MAX_WATCH_BENIGN = 0.10  # ...or until this share of benign messages would be asked "are you safe?"
MAX_ESCALATE_FALSE_RATE = 0.03  # never escalate more than this share of benign messages on the model's word


def recall_at_false_rate(scores: np.ndarray, labels: np.ndarray, false_rate: float) -> float:
    """The model's recall when its threshold lets through `false_rate` of benign messages."""
    threshold = float(np.quantile(scores[~labels], 1.0 - false_rate))
    return float((scores[labels] >= threshold).mean())


def disagreement_floor(scores: np.ndarray, labels: np.ndarray, pattern_only_hits: np.ndarray, watch: float) -> float:
    """The highest score (at most `watch`) under which no risky validation message relied on a phrase alone."""
    relied = scores[labels & pattern_only_hits]
    lowest = float(relied.min()) if len(relied) else watch
    return round(min(watch, lowest * 0.8), 4)


def choose_thresholds(scores: np.ndarray, labels: np.ndarray, pattern_hits: np.ndarray) -> dict[str, float]:
    """Escalate: the highest threshold reaching TARGET_RECALL combined, but no lower than what costs
    MAX_ESCALATE_FALSE_RATE of benign messages; the rest of the recall is left to the watch band."""
    risky, benign = labels, ~labels
    floor = float(np.quantile(scores[benign], 1.0 - MAX_ESCALATE_FALSE_RATE))
    escalate = floor
    for threshold in np.arange(0.99, floor, -0.005):
        if (pattern_hits | (scores >= threshold))[risky].mean() >= TARGET_RECALL:
            escalate = float(threshold)
            break
    watch = escalate
    for threshold in np.arange(escalate, 0.0, -0.005):
        in_band = (scores >= threshold) & (scores < escalate) & ~pattern_hits
        if in_band[benign].mean() > MAX_WATCH_BENIGN:
            break
        watch = float(threshold)
        if (pattern_hits | (scores >= threshold))[risky].mean() >= WATCH_RECALL:
            break
    return {"escalate": round(escalate, 4), "watch": round(min(watch, escalate), 4)}
