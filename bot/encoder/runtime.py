"""Run the sentence encoder on one CPU thread: text in, unit-length 384-d sentence vectors out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
WINDOW_TOKENS = 128  # tokens per window, [CLS] and [SEP] included
WINDOW_STRIDE = 32  # tokens shared by neighbouring windows, so no phrase is cut in two unseen


@dataclass(frozen=True)
class Encoded:
    """One text's windows: a sentence vector per window, and the first window's token states and offsets."""

    windows: np.ndarray  # [n_windows, 384], unit length
    token_states: np.ndarray  # [n_tokens, 384] for the first window, special tokens excluded
    token_offsets: list[tuple[int, int]]  # character span of each of those tokens

    @property
    def sentence(self) -> np.ndarray:
        """The message as one vector: the mean of its windows, made unit length again."""
        mean = self.windows.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


class SentenceEncoder:
    """all-MiniLM-L6-v2 compiled to ONNX (see bot/encoder/build.py), run with onnxruntime."""

    def __init__(self, directory: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(Path(directory) / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(Path(directory) / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(WINDOW_TOKENS, stride=WINDOW_STRIDE)

    def _run(self, ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for index, row in enumerate(ids):
            input_ids[index, : len(row)] = row
            mask[index, : len(row)] = 1
        states, sentences = self.session.run(
            ["token_states", "sentence_embedding"], {"input_ids": input_ids, "attention_mask": mask}
        )
        return states, sentences

    def encode(self, text: str) -> Encoded:
        """Encode one text; a long text becomes overlapping windows, all of them encoded."""
        encoding = self.tokenizer.encode(text or "")
        windows = [encoding, *encoding.overflowing]
        states, sentences = self._run([window.ids for window in windows])
        first = windows[0]
        keep = [i for i, special in enumerate(first.special_tokens_mask) if not special]
        return Encoded(
            windows=sentences,
            token_states=states[0, keep, :],
            token_offsets=[first.offsets[i] for i in keep],
        )

    def encode_many(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Sentence vectors for many texts (as `encode(text).sentence`), batched for speed."""
        vectors = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([text or "" for text in chunk])
            if all(not encoding.overflowing for encoding in encodings):
                vectors.append(self._run([encoding.ids for encoding in encodings])[1])
            else:
                vectors.append(np.stack([self.encode(text).sentence for text in chunk]))
        return np.concatenate(vectors) if vectors else np.zeros((0, 384), dtype=np.float32)


@lru_cache(maxsize=2)
def load_encoder(directory: Path) -> SentenceEncoder:
    """One encoder per directory and process, loaded on first use."""
    return SentenceEncoder(Path(directory))
