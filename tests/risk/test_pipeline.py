"""RiskScreen inside a real (tiny, keyword-based) Rasa NLU pipeline: trained and parsed end to end."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

CONFIG = """recipe: default.v1
language: en
assistant_id: risk_tiny
pipeline:
  - name: WhitespaceTokenizer
  - name: KeywordIntentClassifier
  - name: bot.risk.component.RiskScreen
policies: []
"""
NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
- intent: case_update
  examples: |
    - update on my case
    - any news on my case
"""


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory):
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    folder: Path = tmp_path_factory.mktemp("tiny_nlu")
    saved_cache = os.environ.get("RASA_CACHE_DIRECTORY")
    os.environ["RASA_CACHE_DIRECTORY"] = str(folder / "cache")  # keep the repo's .rasa/ untouched
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "nlu.yml").write_text(NLU, encoding="utf-8")
    model = train_nlu(
        config=str(folder / "config.yml"),
        nlu_data=str(folder / "nlu.yml"),
        output=str(folder / "models"),
        fixed_model_name="tiny",
    )
    try:
        loaded = Agent.load(model)
    finally:
        if saved_cache is None:
            os.environ.pop("RASA_CACHE_DIRECTORY", None)
        else:
            os.environ["RASA_CACHE_DIRECTORY"] = saved_cache
    assert loaded.is_ready()
    return loaded


def test_parse_data_carries_risk_and_the_forced_intent(agent) -> None:
    parsed = asyncio.run(agent.parse_message("any news on my case? he said he will kill me"))
    assert parsed["intent"]["name"] == "risk_disclosure"
    assert parsed["intent_ranking"][0] == {"name": "risk_disclosure", "confidence": 1.0}
    assert parsed["risk"]["escalate"] is True and parsed["risk"]["category"] == "threat_to_life"


def test_benign_parse_keeps_the_intent_and_says_no_risk(agent) -> None:
    parsed = asyncio.run(agent.parse_message("any news on my case"))
    assert parsed["intent"]["name"] == "case_update"
    assert parsed["risk"]["escalate"] is False and parsed["risk"]["band"] == "none"
    assert parsed["risk"]["matched"] == []
