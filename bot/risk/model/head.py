"""The classification head: a calibrated P(needs a person now), category scores and the nearest examples.

Two parts, mixed with a weight chosen on validation batches: logistic regression over word and character
n-grams (precise on the words people use) and dense layers over the sentence encoder's vector (meaning).
Everything is stored as plain arrays (head.npz, no pickle) plus head.json, and run with numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.risk.model.lexical import LexicalFeatures

WEIGHTS_FILE = "head.npz"
META_FILE = "head.json"
NEAREST = 3
CHUNK_CHARS = 200  # a longer text is also read in stretches this long (chosen on validation batches)
CHUNK_OVERLAP = 80


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -40.0, 40.0)))


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class ModelVerdict:
    """What the model says of one message."""

    score: float
    category: str | None
    category_scores: dict[str, float] = field(default_factory=dict)
    nearest: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Thresholds:
    """Escalate at or above `escalate`; from `watch` up to `escalate` the message is uncertain.

    `disagree`: below this score the model is confidently calm; a phrase hit (below imminent) that the model
    scores under it is asked about ("are you safe?") rather than escalated. Chosen on validation batches
    as a score under which no message needing a person was caught by a phrase alone.
    """

    escalate: float
    watch: float
    disagree: float = 0.0


class RiskHead:
    """Runs the stored head: `judge(text, windows)` -> ModelVerdict."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        self.lexical = LexicalFeatures.from_arrays(arrays)
        self.lexical_weights = (arrays["lexical_w"], float(arrays["lexical_b"]))
        self.dense_layers = [(arrays[f"dense_w{i}"], arrays[f"dense_b{i}"]) for i in range(int(meta["dense_layers"]))]
        self.category_weights = (arrays["category_w"], arrays["category_b"])
        self.mix = float(meta["lexical_weight"])
        self.categories: list[str] = list(meta["categories"])
        self.thresholds = Thresholds(**meta["thresholds"])
        self.example_vectors = arrays["example_vectors"].astype(np.float32)
        self.example_texts = [str(text) for text in arrays["example_texts"]]
        self.example_categories = [str(category) for category in arrays["example_categories"]]
        self.meta = meta

    @classmethod
    def load(cls, directory: Path) -> RiskHead:
        """Read head.npz and head.json from a directory (allow_pickle stays off)."""
        directory = Path(directory)
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        return cls(loaded, json.loads((directory / META_FILE).read_text(encoding="utf-8")))

    def lexical_scores(self, features) -> np.ndarray:
        """P(escalate) from the n-gram part, for rows of `self.lexical.transform(texts)`."""
        weight, bias = self.lexical_weights
        return _sigmoid(np.asarray(features @ weight).ravel() + bias)

    def dense_scores(self, vectors: np.ndarray) -> np.ndarray:
        hidden = np.asarray(vectors, dtype=np.float32)
        for index, (weight, bias) in enumerate(self.dense_layers):
            hidden = hidden @ weight + bias
            if index < len(self.dense_layers) - 1:
                hidden = np.maximum(hidden, 0.0)
        return _sigmoid(hidden[:, 0])

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """P(escalate) for each text, given its sentence vector."""
        lexical = self.lexical_scores(self.lexical.transform(texts))
        return self.mix * lexical + (1.0 - self.mix) * self.dense_scores(vectors)

    def category_probabilities(self, features) -> np.ndarray:
        """[n, n_categories] probabilities over the risk categories, for rows of `self.lexical.transform(texts)`."""
        weight, bias = self.category_weights
        return _softmax(np.asarray(features @ weight) + bias)

    def nearest(self, vector: np.ndarray, count: int = NEAREST) -> list[dict]:
        """The escalating training examples most similar in meaning to `vector` (shown to staff)."""
        similarity = self.example_vectors @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-similarity)[:count]
        return [{"text": self.example_texts[i], "category": self.example_categories[i],
                 "similarity": round(float(similarity[i]), 3)} for i in best]

    def message_score(self, text: str, windows: np.ndarray, features=None) -> float:
        """P(escalate) for one message; a long one is judged by its most worrying stretch.

        `features`: the n-gram rows of `text_chunks(text)`, when the caller already has them.
        """
        if features is None:
            features = self.lexical.transform(text_chunks(text))
        lexical = float(self.lexical_scores(features).max())
        dense = float(self.dense_scores(np.asarray(windows, dtype=np.float32)).max())
        return self.mix * lexical + (1.0 - self.mix) * dense

    def judge(self, text: str, windows: np.ndarray) -> ModelVerdict:
        """The verdict for one message: score, likely category, and the nearest training examples."""
        features = self.lexical.transform(text_chunks(text))  # once, for the score and the categories
        vectors = np.asarray(windows, dtype=np.float32)
        probabilities = self.category_probabilities(features).max(axis=0)
        ranked = sorted(zip(self.categories, probabilities, strict=True), key=lambda pair: -pair[1])
        return ModelVerdict(
            score=self.message_score(text, vectors, features),
            category=ranked[0][0],
            category_scores={name: round(float(value), 3) for name, value in ranked[:3]},
            nearest=self.nearest(vectors.mean(axis=0)),
        )


def text_chunks(text: str) -> list[str]:
    """The text, and for a long text also overlapping stretches of it, so danger at the end is not diluted."""
    if len(text) <= CHUNK_CHARS:
        return [text]
    step = CHUNK_CHARS - CHUNK_OVERLAP
    return [text] + [text[start : start + CHUNK_CHARS] for start in range(0, len(text) - CHUNK_OVERLAP, step)]
