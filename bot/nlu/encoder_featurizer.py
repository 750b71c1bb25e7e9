"""Rasa dense featurizer: all-MiniLM-L6-v2 token and sentence vectors for DIET and the risk model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.runtime import Encoded, load_encoder

ENCODED_KEY = "haven_encoded"  # the Encoded result, kept on the message for the risk screen (not output)
logger = logging.getLogger(__name__)


def token_vectors(encoded: Encoded, spans: list[tuple[int, int]]) -> np.ndarray:
    """One vector per Rasa token: the mean of the word pieces overlapping its character span (else zeros)."""
    width = encoded.token_states.shape[1]
    rows = np.zeros((len(spans), width), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        pieces = [
            index
            for index, (piece_start, piece_end) in enumerate(encoded.token_offsets)
            if piece_start < end and piece_end > start
        ]
        if pieces:
            rows[row] = encoded.token_states[pieces].mean(axis=0)
    return rows


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the pretrained encoder's features to each message's text, and keeps its windows for the risk screen.

    Config: `encoder_dir` (optional) overrides settings.encoder_dir (the compiled encoder, see models/README.md).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Encoder directory from settings unless given."""
        return {**DenseFeaturizer.get_default_config(), "encoder_dir": None}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """A new featurizer; the encoder itself loads on first use (once per process)."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to validate beyond the defaults."""

    def _encoder_dir(self) -> Path:
        if self._config.get("encoder_dir"):
            return Path(self._config["encoder_dir"])
        from bot.settings import get_settings

        return get_settings().encoder_dir

    def _featurize(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        text = message.get(TEXT)
        if not tokens or text is None:
            return
        encoded = load_encoder(self._encoder_dir()).encode(text)
        message.set(ENCODED_KEY, encoded)
        sequence = token_vectors(encoded, [(token.start, token.end) for token in tokens])
        self.add_features_to_message(sequence, encoded.sentence[np.newaxis, :], TEXT, message)

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize each message's text."""
        for message in messages:
            self._featurize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example that has text."""
        self.process(training_data.training_examples)
        return training_data
