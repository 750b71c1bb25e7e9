"""The hand-off policy follows the hand-off row: it decides every action while the row is open, and only then."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff import queue
from bot.handoff.open_state import OpenHandoffs
from bot.handoff.policy import HandoffPolicy
from bot.settings import get_settings
from tests.handoff.factories import make_handoff, make_staff

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
SENDER = "sms:+447700900555"
KNIFE = {"escalate": True, "level": "imminent", "category": "imminent_danger"}


@pytest.fixture
def policy(tmp_path) -> HandoffPolicy:
    context = ExecutionContext(GraphSchema({}), "test")
    made = HandoffPolicy.create(
        HandoffPolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("handoff_policy"), context
    )
    made._open_handoffs = OpenHandoffs()  # nothing remembered from other tests
    return made


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(SENDER, [ActionExecuted("action_listen"), *events], DOMAIN.slots)


def said(text: str, intent: str = "greet", risk: dict | None = None) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": intent, "confidence": 0.9}, "risk": risk or {}})


def chosen(policy: HandoffPolicy, conversation: DialogueStateTracker) -> tuple[str | None, bool]:
    prediction = policy.predict_action_probabilities(conversation, DOMAIN)
    if prediction.max_confidence == 0:
        return None, prediction.is_no_user_prediction
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index], prediction.is_no_user_prediction


def test_without_an_open_hand_off_it_abstains(policy, db_url):
    assert chosen(policy, tracker(said("hello"))) == (None, False)


def test_while_the_row_is_open_it_wins_over_every_other_policy(policy, session):
    make_handoff(session, SENDER)
    assert policy.priority > 6  # RulePolicy's
    assert chosen(policy, tracker(said("hello"))) == ("action_listen", True)
    assert chosen(policy, tracker(said("/restart", "restart"))) == ("action_listen", True)
    assert chosen(policy, tracker(said("he's here with a knife", "risk_disclosure", KNIFE))) == (
        "utter_safety_advice",
        True,
    )


def test_closing_the_row_gives_the_conversation_back_at_once(policy, session):
    handoff = make_handoff(session, SENDER)
    assert chosen(policy, tracker(said("hello")))[0] == "action_listen"
    staff = make_staff(session, role="supervisor")
    queue.close(session, handoff_id=handoff.id, staff=staff, outcome="advice_given", resolution="handback")
    session.commit()
    assert chosen(policy, tracker(said("hello"))) == (None, False)


def test_with_the_database_down_a_waiting_conversation_stays_with_staff(policy, session, monkeypatch):
    make_handoff(session, SENDER)
    assert chosen(policy, tracker(said("hello")))[0] == "action_listen"
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")  # nothing listens on port 9
    get_settings.cache_clear()
    assert chosen(policy, tracker(said("hello")))[0] == "action_listen"
    other = DialogueStateTracker.from_events("sms:+447700900556", [said("hello")], DOMAIN.slots)
    assert chosen(policy, other) == (None, False)  # never seen waiting: the bot's


def test_the_row_is_read_once_per_turn_and_again_after_a_custom_action(policy, session):
    reads: list[str] = []
    real_read = policy._open_handoffs.read
    policy._open_handoffs.read = lambda sender_id: reads.append(sender_id) or real_read(sender_id)
    message = said("he's here with a knife", "risk_disclosure", KNIFE)
    assert chosen(policy, tracker(message)) == (None, False)  # not waiting yet: the rules escalate
    advised = tracker(message, ActionExecuted("utter_safety_advice"))
    assert chosen(policy, advised) == (None, False) and len(reads) == 1  # a response opens nothing
    make_handoff(session, SENDER, level="imminent", reason="risk")  # what action_escalate does
    escalated = tracker(message, ActionExecuted("utter_safety_advice"), ActionExecuted("action_escalate"))
    assert chosen(policy, escalated) == ("action_listen", True) and len(reads) == 2


def test_a_re_run_of_the_turn_whose_action_opened_the_row_is_left_to_the_bot_until_that_action_runs(
    policy, session
):
    queue.open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="imminent",
                       opened_for="inbox-9")  # fmt: skip  # its first run died before the reply went out
    session.commit()
    again = UserUttered("he's here with a knife", parse_data={"intent": {"name": "risk_disclosure"}, "risk": KNIFE},
                        message_id="inbox-9")  # fmt: skip
    assert chosen(policy, tracker(again)) == (None, False)  # the rules decide: advice, then action_escalate
    assert chosen(policy, tracker(again, ActionExecuted("utter_safety_advice"))) == (None, False)
    finished = tracker(again, ActionExecuted("utter_safety_advice"), ActionExecuted("action_escalate"))
    assert chosen(policy, finished) == ("action_listen", True)
    later = UserUttered("are you there?", parse_data={"intent": {"name": "inform"}}, message_id="inbox-10")
    assert chosen(policy, tracker(later)) == ("action_listen", True)  # any later message waits for staff
