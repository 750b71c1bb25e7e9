"""Sentence vectors for corpus texts, cached on disk by text digest so retraining does not re-encode."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from bot.encoder.runtime import load_encoder

CACHE_FILE = "vectors-cache.npz"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def corpus_vectors(texts: list[str], encoder_dir: Path, cache_dir: Path) -> np.ndarray:
    """[n, 384] unit vectors for `texts` (mean of windows), reusing cached ones."""
    cache_path = Path(cache_dir) / CACHE_FILE
    cached: dict[str, np.ndarray] = {}
    if cache_path.is_file():
        with np.load(cache_path, allow_pickle=False) as stored:
            cached = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    keys = [_digest(text) for text in texts]
    missing = sorted({key: text for key, text in zip(keys, texts, strict=True) if key not in cached}.items())
    if missing:
        encoder = load_encoder(Path(encoder_dir))
        fresh = encoder.encode_many([text for _key, text in missing])
        cached.update({key: vector for (key, _text), vector in zip(missing, fresh, strict=True)})
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(cached)
        np.savez(cache_path, keys=np.array(names), vectors=np.stack([cached[name] for name in names]))
    return np.stack([cached[key] for key in keys]).astype(np.float32)
