"""Check the compiled encoder against similarity scores published for all-MiniLM-L6-v2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The example in the sentence-transformers README (v3+ "Usage"), computed with all-MiniLM-L6-v2:
# model.similarity(embeddings, embeddings) -> [[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], ...]
REFERENCE_SENTENCES = ("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.")
REFERENCE_SIMILARITIES = {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411}
TOLERANCE = 0.0005  # the published figures are rounded to 4 decimals


@dataclass(frozen=True)
class ReferenceCheck:
    """What the encoder computed for each published pair, and whether all agree."""

    computed: dict[tuple[int, int], float]

    @property
    def passed(self) -> bool:
        pairs = REFERENCE_SIMILARITIES.items()
        return all(abs(self.computed[pair] - expected) <= TOLERANCE for pair, expected in pairs)

    def report(self) -> str:
        """One line per pair: published, computed."""
        lines = []
        for (a, b), expected in REFERENCE_SIMILARITIES.items():
            lines.append(
                f"{REFERENCE_SENTENCES[a]!r} ~ {REFERENCE_SENTENCES[b]!r}: "
                f"published {expected:.4f}, computed {self.computed[(a, b)]:.4f}"
            )
        return "\n".join(lines)


def check_reference(encode_many) -> ReferenceCheck:
    """Run `encode_many(list[str]) -> [n, d]` on the reference sentences and compare cosine similarities."""
    vectors = np.asarray(encode_many(list(REFERENCE_SENTENCES)), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    return ReferenceCheck(computed={pair: round(float(similarity[pair]), 4) for pair in REFERENCE_SIMILARITIES})
