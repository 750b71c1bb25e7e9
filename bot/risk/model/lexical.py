"""Word and character n-gram TF-IDF features, stored as plain arrays so a trained head loads without pickle."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

WORD_PATTERN = r"(?u)\b\w[\w']*\b"


def _char_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                           lowercase=True, vocabulary=vocabulary)


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                           lowercase=True, token_pattern=WORD_PATTERN, vocabulary=vocabulary)


class LexicalFeatures:
    """Character 2-5-grams and word 1-2-grams, TF-IDF weighted, side by side."""

    def __init__(self, char: TfidfVectorizer, word: TfidfVectorizer) -> None:
        self.char = char
        self.word = word

    @classmethod
    def fit(cls, texts: list[str]) -> LexicalFeatures:
        """Learn both vocabularies and their IDF weights from training texts."""
        return cls(_char_vectorizer().fit(texts), _word_vectorizer().fit(texts))

    def transform(self, texts: list[str]) -> csr_matrix:
        """The [n, n_features] sparse matrix for some texts."""
        return hstack([self.char.transform(texts), self.word.transform(texts)]).tocsr()

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Vocabularies (in column order) and IDF weights."""
        arrays = {}
        for name, vectorizer in (("char", self.char), ("word", self.word)):
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            arrays[f"{name}_terms"] = np.array(terms)
            arrays[f"{name}_idf"] = vectorizer.idf_.astype(np.float64)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LexicalFeatures:
        """Rebuild the fitted vectorizers from `to_arrays()` output."""
        built = []
        for name, factory in (("char", _char_vectorizer), ("word", _word_vectorizer)):
            vocabulary = {str(term): index for index, term in enumerate(arrays[f"{name}_terms"])}
            vectorizer = factory(vocabulary)
            vectorizer.idf_ = np.asarray(arrays[f"{name}_idf"], dtype=np.float64)
            built.append(vectorizer)
        return cls(*built)
