"""Run in a fresh process pinned to one core: encoder cost per message, its added memory, NLU parse times (JSON out)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import numpy as np


def rss_mib() -> float:
    """Current resident memory of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(seconds: list[float]) -> dict[str, float]:
    values = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
            "max_ms": round(float(values.max()), 2)}


def messages(limit: int) -> list[str]:
    """Real-length messages: the corpus's test batches (the encoder's cost depends only on length)."""
    from bot.risk.model.corpus import load_corpus, select
    from bot.settings import get_settings

    return [example.text for example in select(load_corpus(get_settings().risk_corpus_dir), "test")][:limit]


def encoder_figures(texts: list[str]) -> dict:
    from bot.encoder.runtime import load_encoder
    from bot.settings import get_settings

    before = rss_mib()
    encoder = load_encoder(get_settings().encoder_dir)
    encoder.encode("warm up")
    loaded = rss_mib()
    timings = []
    for text in texts:
        started = time.perf_counter()
        encoder.encode(text)
        timings.append(time.perf_counter() - started)
    return {"encoder": percentiles(timings), "encoder_rss_added_mib": round(rss_mib() - before, 1),
            "encoder_rss_after_load_mib": round(loaded - before, 1), "messages": len(texts)}


def nlu_figures(texts: list[str], model: str) -> dict:
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=model))
    asyncio.run(agent.parse_message("warm up"))
    timings = []
    for text in texts:
        started = time.perf_counter()
        asyncio.run(agent.parse_message(text))
        timings.append(time.perf_counter() - started)
    return {"nlu": percentiles(timings), "nlu_process_rss_mib": round(rss_mib(), 1)}


def main() -> int:
    """`python -m tests.bench.encoder_probe MODEL [N]`."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    model, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 500
    texts = messages(count)
    figures = encoder_figures(texts)
    figures |= nlu_figures(texts, model)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
