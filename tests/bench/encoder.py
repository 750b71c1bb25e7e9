"""Encoder figures: cost per message on one core, memory added, NLU p95 with it (targets: 15 ms, 300 MB, 40 ms)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.bench.report import ROOT, Section

MODEL = "models/haven.tar.gz"


def measure(count: int = 500) -> dict:
    """Run the probe in a fresh process (so its memory is the encoder's and Rasa's alone)."""
    output = subprocess.run([sys.executable, "-m", "tests.bench.encoder_probe", MODEL, str(count)], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def section(count: int = 500) -> Section:
    """The encoder and NLU timing table."""
    figures = measure(count)
    result = Section("2b. Sentence encoder and NLU cost (one core)")
    result.text(f"{figures['messages']} messages of real length (the corpus's test batches), one process pinned to "
                "one core, onnxruntime with one thread. NLU = the whole pipeline (tokenizer, sparse and encoder "
                "features, DIET, fallback, risk screen with patterns and model) through `agent.parse_message`.")
    encoder, nlu = figures["encoder"], figures["nlu"]
    rows = [
        ["encoder per message", f"{encoder['p50_ms']} ms", f"{encoder['p95_ms']} ms", "p95 <= 15 ms",
         "met" if encoder["p95_ms"] <= 15 else "**missed**"],
        ["NLU per message, encoder included", f"{nlu['p50_ms']} ms", f"{nlu['p95_ms']} ms", "p95 <= 40 ms",
         "met" if nlu["p95_ms"] <= 40 else "**missed**"],
        ["memory the encoder adds (RSS)", "-", f"{figures['encoder_rss_added_mib']} MiB", "<= 300 MB",
         "met" if figures["encoder_rss_added_mib"] <= 286 else "**missed**"],
        ["NLU process RSS (model loaded)", "-", f"{figures['nlu_process_rss_mib']} MiB", "-", "-"],
    ]
    result.table(["measure", "p50", "p95 / value", "goal", ""], rows)
    result.commands("python -m tests.bench --only encoder")
    return result
