"""The Rasa NLU component: puts `risk` in the parse data and makes the intent agree with the verdict."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.risk.component import RiskScreen
from tests.risk.conftest import RISK_DIR


@pytest.fixture(scope="module")
def component() -> RiskScreen:
    return RiskScreen({**RiskScreen.get_default_config(), "patterns_dir": str(RISK_DIR)})


def _message(text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as the classifiers before RiskScreen leave it."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={"text": text})
    message.set("intent", intents[0] if intents else {"name": None, "confidence": 0.0}, add_to_output=True)
    message.set("intent_ranking", intents, add_to_output=True)
    return message


def _output(message: Message) -> dict:
    return message.as_dict(only_output_properties=True)


def test_escalation_forces_risk_disclosure_first(component: RiskScreen) -> None:
    message = _message("he said he'd kill me if i leave", [("greet", 0.8), ("case_update", 0.2)])
    component.process([message])
    output = _output(message)
    assert output["intent"] == {"name": "risk_disclosure", "confidence": 1.0}
    assert [entry["name"] for entry in output["intent_ranking"]] == ["risk_disclosure", "greet", "case_update"]
    assert output["risk"]["escalate"] is True and output["risk"]["category"] == "threat_to_life"


def test_escalation_does_not_duplicate_a_predicted_risk_disclosure(component: RiskScreen) -> None:
    message = _message("im not safe", [("risk_disclosure", 0.7), ("greet", 0.3)])
    component.process([message])
    names = [entry["name"] for entry in _output(message)["intent_ranking"]]
    assert names == ["risk_disclosure", "greet"]


def test_no_escalation_keeps_the_intent_and_reports_risk(component: RiskScreen) -> None:
    message = _message("when is my court date", [("ask_court_date", 0.9)])
    component.process([message])
    output = _output(message)
    assert output["intent"]["name"] == "ask_court_date"
    assert output["risk"]["escalate"] is False and output["risk"]["band"] == "none"
    assert output["risk"]["matched"] == [] and output["risk"]["score"] < 0.3


def test_unconfirmed_risk_disclosure_gives_way_to_the_next_intent(component: RiskScreen) -> None:
    message = _message("this wait is killing me", [("risk_disclosure", 0.6), ("case_update", 0.3)])
    component.process([message])
    output = _output(message)
    assert output["intent"] == {"name": "case_update", "confidence": 0.3}
    assert [entry["name"] for entry in output["intent_ranking"]] == ["case_update"]


def test_unconfirmed_risk_disclosure_alone_becomes_nlu_fallback(component: RiskScreen) -> None:
    message = _message("my phone died", [("risk_disclosure", 0.9)])
    component.process([message])
    assert _output(message)["intent"]["name"] == "nlu_fallback"


def test_training_data_passes_through_unchanged(component: RiskScreen) -> None:
    training_data = TrainingData([Message(data={"text": "he hit me", "intent": "greet"})])
    assert component.process_training_data(training_data) is training_data
    assert training_data.training_examples[0].get("intent") == "greet"


def test_component_is_registered_as_an_intent_classifier() -> None:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._from_registry("bot.risk.component.RiskScreen")
    assert registered.clazz is RiskScreen
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert registered.is_trainable is False


def test_confident_classifier_can_be_trusted_as_a_second_safety_net(tmp_path) -> None:
    config = {**RiskScreen.get_default_config(), "patterns_dir": str(RISK_DIR), "model_dir": str(tmp_path),
              "trust_classifier_above": 0.8}  # no model in tmp_path: patterns and classifier alone
    component = RiskScreen(config)
    confident = _message("things at home are bad and i dont know what to do", [("risk_disclosure", 0.93)])
    unsure = _message("things are bad", [("risk_disclosure", 0.5), ("case_update", 0.4)])
    component.process([confident, unsure])
    assert _output(confident)["intent"]["name"] == "risk_disclosure"
    risk = _output(confident)["risk"]
    assert (risk["escalate"], risk["level"], risk["category"]) == (True, "medium", None)
    assert risk["matched"] == ["classifier:risk_disclosure"]
    assert _output(unsure)["intent"]["name"] == "case_update"
    assert _output(unsure)["risk"]["escalate"] is False


@pytest.mark.parametrize("text", ["domestic abuse", "it was domestic violence", "stalking support please"])
def test_a_bare_topic_label_is_a_need_not_a_disclosure(text: str) -> None:
    component = RiskScreen({**RiskScreen.get_default_config(), "patterns_dir": str(RISK_DIR),
                            "trust_classifier_above": 0.95})
    message = _message(text, [("risk_disclosure", 0.99), ("find_support", 0.01)])
    component.process([message])
    output = _output(message)
    assert output["risk"]["escalate"] is False
    assert output["intent"]["name"] == "inform_need"


def test_an_unsure_runner_up_becomes_nlu_fallback(component: RiskScreen) -> None:
    message = _message("who is going to win the league", [("risk_disclosure", 0.8), ("greet", 0.1)])
    component.process([message])
    assert _output(message)["intent"]["name"] == "nlu_fallback"
