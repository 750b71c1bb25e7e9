"""The compiled encoder: verified weights, the published similarity scores, windows for long text, offline."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from bot.encoder.build import EncoderCheckFailed, verify_encoder
from bot.encoder.reference import check_reference
from bot.encoder.runtime import SentenceEncoder, load_encoder
from bot.encoder.weights import WeightsError, package_archive, read_verified
from bot.nlu.encoder_featurizer import token_vectors
from bot.settings import get_settings


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return load_encoder(get_settings().encoder_dir)


def test_encoder_reproduces_the_published_similarity_scores(encoder) -> None:
    check = check_reference(encoder.encode_many)
    assert check.passed, check.report()
    assert check.computed[(0, 1)] == pytest.approx(0.6660, abs=5e-4)
    assert "published 0.1046" in verify_encoder(get_settings().encoder_dir)


def test_a_check_against_wrong_vectors_fails() -> None:
    assert not check_reference(lambda texts: np.eye(len(texts), 384)).passed


def test_weights_with_a_wrong_digest_are_refused(tmp_path) -> None:
    forged = tmp_path / "model.zip"
    with zipfile.ZipFile(package_archive()) as original, zipfile.ZipFile(forged, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            copy.writestr(name, data + b"x" if name == "tokenizer.json" else data)
    with pytest.raises(WeightsError, match=r"tokenizer\.json"):
        read_verified(forged)


def test_vectors_are_unit_length_and_meaning_shows(encoder) -> None:
    vectors = encoder.encode_many(["he said he will kill me", "he threatened to end my life", "any news on my case"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_a_long_text_is_encoded_whole_in_overlapping_windows(encoder) -> None:
    text = "I need to ask about my court date and the bus times. " * 60 + "He is outside with a knife."
    encoded = encoder.encode(text)
    assert len(encoded.windows) > 3
    danger = encoder.encode("He is outside with a knife.").sentence
    similarities = [float(window @ danger) for window in encoded.windows]
    assert similarities[-1] > similarities[0] + 0.2  # the end of the message is seen, not cut off


def test_empty_and_odd_text_still_encode(encoder) -> None:
    for text in ["", "   ", "🙂🙂", "\u202eplh\u202c", "א ב ג"]:
        assert encoder.encode(text).windows.shape[1] == 384


def test_token_vectors_align_word_pieces_with_rasa_tokens(encoder) -> None:
    encoded = encoder.encode("unbelievably scared")
    rows = token_vectors(encoded, [(0, 12), (13, 19), (30, 40)])
    assert rows.shape == (3, 384)
    assert np.abs(rows[0]).sum() > 0 and np.abs(rows[1]).sum() > 0
    assert np.abs(rows[2]).sum() == 0  # a span with no word pieces gets zeros


def test_verify_refuses_a_broken_model(tmp_path) -> None:
    with pytest.raises(Exception):  # noqa: B017 - no model file at all
        verify_encoder(tmp_path)
    assert EncoderCheckFailed.__doc__
