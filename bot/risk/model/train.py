"""Train the head on the train batches, choose the mix and thresholds on validation batches, save both."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.risk.model.corpus import Example, load_corpus, select
from bot.risk.model.extras import legacy_examples
from bot.risk.model.features import corpus_vectors
from bot.risk.model.head import META_FILE, WEIGHTS_FILE, RiskHead
from bot.risk.model.lexical import LexicalFeatures
from bot.risk.model.thresholds import choose_thresholds, disagreement_floor, recall_at_false_rate

MIXES = (1.0, 0.9, 0.8, 0.7, 0.5)  # weight of the lexical part; the rest is the encoder part
MIX_FALSE_RATE = 0.03  # mixes are compared by model recall at this false-escalation rate...
# ...in the WORST validation batch (each batch is one style): the mix must hold up on every way of writing,
# not only on the pooled average, which favours the words the writers share.


@dataclass(frozen=True)
class LabelledSet:
    """Texts, sentence vectors and labels of some examples."""

    examples: list[Example]
    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray


def labelled(examples: list[Example], encoder_dir: Path, cache_dir: Path) -> LabelledSet:
    texts = [example.text for example in examples]
    return LabelledSet(examples, texts, corpus_vectors(texts, encoder_dir, cache_dir),
                       np.array([example.escalate for example in examples]))


def fit_arrays(data: LabelledSet) -> dict[str, np.ndarray]:
    """Fit the lexical, dense and category parts; everything head.npz holds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    lexical = LexicalFeatures.fit(data.texts)
    matrix = lexical.transform(data.texts)
    binary = LogisticRegression(C=32.0, class_weight="balanced", max_iter=8000).fit(matrix, data.labels)
    dense = MLPClassifier(hidden_layer_sizes=(256,), alpha=1e-3, max_iter=400, random_state=7,
                          early_stopping=True).fit(data.vectors, data.labels)
    risky = np.flatnonzero(data.labels & np.array([example.category is not None for example in data.examples]))
    categories = LogisticRegression(C=16.0, max_iter=8000).fit(
        matrix[risky], [str(data.examples[i].category) for i in risky])
    arrays = lexical.to_arrays() | {
        "lexical_w": binary.coef_[0].astype(np.float64),
        "lexical_b": np.array(binary.intercept_[0]),
        "category_w": categories.coef_.T.astype(np.float64),
        "category_b": categories.intercept_.astype(np.float64),
        "category_names": np.array([str(name) for name in categories.classes_]),
        "example_vectors": data.vectors[risky].astype(np.float16),
        "example_texts": np.array([data.texts[i] for i in risky]),
        "example_categories": np.array([str(data.examples[i].category) for i in risky]),
    }
    for index, (weight, bias) in enumerate(zip(dense.coefs_, dense.intercepts_, strict=True)):
        arrays[f"dense_w{index}"] = weight.astype(np.float32)
        arrays[f"dense_b{index}"] = bias.astype(np.float32)
    return arrays


def head_meta(arrays: dict[str, np.ndarray], mix: float, thresholds: dict[str, float]) -> dict:
    """What RiskHead needs besides the arrays (the rest of head.json is provenance)."""
    return {"dense_layers": sum(1 for name in arrays if name.startswith("dense_w")), "lexical_weight": mix,
            "thresholds": thresholds, "categories": [str(name) for name in arrays["category_names"]]}


def head_with(arrays: dict[str, np.ndarray], mix: float, thresholds: dict[str, float]) -> RiskHead:
    return RiskHead(arrays, head_meta(arrays, mix, thresholds))


def train(corpus_dir: Path, heldout_file: Path, patterns_dir: Path, encoder_dir: Path, out_dir: Path,
          nlu_dir: Path | None = None) -> dict:
    """Train on `train` batches (+ the legacy texts), choose on `validation` batches, save; the metadata."""
    from bot.risk.screener import RiskScreener

    corpus = load_corpus(corpus_dir)
    training = select(corpus, "train") + legacy_examples(heldout_file, patterns_dir, nlu_dir)
    train_set = labelled(training, encoder_dir, out_dir)
    validation = labelled(select(corpus, "validation"), encoder_dir, out_dir)
    arrays = fit_arrays(train_set)
    screener = RiskScreener(patterns_dir)
    pattern_results = [screener.screen(text) for text in validation.texts]
    pattern_hits = np.array([result.escalate for result in pattern_results])
    below_imminent = np.array([result.escalate and result.level != "imminent" for result in pattern_results])
    by_mix = {}
    batches = np.array([example.batch for example in validation.examples])
    for mix in MIXES:
        head = head_with(arrays, mix, {"escalate": 0.5, "watch": 0.5})
        scores = np.array([head.message_score(text, vector[np.newaxis, :])
                           for text, vector in zip(validation.texts, validation.vectors, strict=True)])
        worst = min(recall_at_false_rate(scores[batches == batch], validation.labels[batches == batch], MIX_FALSE_RATE)
                    for batch in np.unique(batches))
        by_mix[mix] = (worst, scores)
    mix = max(reversed(MIXES), key=lambda candidate: by_mix[candidate][0])  # ties go to more meaning
    thresholds = choose_thresholds(by_mix[mix][1], validation.labels, pattern_hits)
    alone = below_imminent & (by_mix[mix][1] < thresholds["escalate"])
    thresholds["disagree"] = disagreement_floor(by_mix[mix][1], validation.labels, alone, thresholds["watch"])
    meta = head_meta(arrays, mix, thresholds) | {
        "worst_validation_batch_recall_at_3pct_by_mix": {str(key): round(value[0], 4) for key, value in by_mix.items()},
        "train_examples": len(train_set.examples),
        "validation_examples": len(validation.examples),
        "train_batches": sorted({example.batch for example in train_set.examples}),
        "validation_batches": sorted({example.batch for example in validation.examples}),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez(out_dir / WEIGHTS_FILE, **arrays)
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta
