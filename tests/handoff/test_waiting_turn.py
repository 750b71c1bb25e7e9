"""While a hand-off is open the bot listens; it speaks only to give new advice or confirm a contact answer."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.handoff import wording
from bot.handoff.waiting_turn import (
    ACTION_LISTEN,
    CONTACT_LATER,
    DEACTIVATE_LOOP,
    OPENING_ACTIONS,
    SAFETY_ADVICE,
    WaitingHandoff,
    next_action,
    turn_view,
)

NORMAL = WaitingHandoff(id=1, priority=3)
IMMINENT = WaitingHandoff(id=1, priority=0)
KNIFE = {"escalate": True, "level": "imminent", "category": "imminent_danger"}


def said(text: str, intent: str = "inform", risk: dict | None = None, message_id: str | None = None) -> UserUttered:
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "risk": risk or {}}
    return UserUttered(text, parse_data=parse_data, message_id=message_id)


def handoff_message(*, on_duty: bool, wait_minutes: int | None = None) -> BotUttered:
    """The bot's last words when the hand-off opened (the contact question when nobody is on duty)."""
    return BotUttered(wording.texts(wording.handoff_replies(on_duty=on_duty, wait_minutes=wait_minutes), "sms")[-1])


def decide(*events, handoff: WaitingHandoff = NORMAL, active_loop: str | None = None) -> str:
    return next_action(turn_view(event.as_dict() for event in events), handoff, active_loop=active_loop)


def test_an_ordinary_message_gets_no_reply():
    told = handoff_message(on_duty=True, wait_minutes=3)
    assert decide(told, ActionExecuted(ACTION_LISTEN), said("hello", "greet")) == ACTION_LISTEN


def test_a_more_urgent_risk_gets_the_advice_once_then_the_bot_listens():
    turn = [ActionExecuted(ACTION_LISTEN), said("he's here with a knife", "risk_disclosure", KNIFE)]
    assert decide(*turn) == SAFETY_ADVICE
    assert decide(*turn, ActionExecuted(SAFETY_ADVICE), BotUttered("Call 999")) == ACTION_LISTEN


def test_a_risk_no_more_urgent_than_the_hand_off_gets_no_new_advice():
    assert decide(said("he's here with a knife", "risk_disclosure", KNIFE), handoff=IMMINENT) == ACTION_LISTEN
    not_escalating = {"escalate": False, "band": "uncertain", "level": "imminent"}
    assert decide(said("I feel low", "risk_uncertain", not_escalating)) == ACTION_LISTEN


def test_the_turn_that_opened_the_hand_off_ends_with_listening():
    turn = [said("he's here with a knife", "risk_disclosure", KNIFE), ActionExecuted(SAFETY_ADVICE)]
    told = handoff_message(on_duty=True, wait_minutes=2)
    assert decide(*turn, ActionExecuted("action_escalate"), told) == ACTION_LISTEN
    assert decide(said("a person please", "talk_to_human"), ActionExecuted("action_request_human")) == ACTION_LISTEN


def test_a_re_run_of_the_turn_that_opened_the_hand_off_lets_the_bot_finish_it():
    opened_by_inbox_7 = WaitingHandoff(id=1, priority=1, opened_for="inbox-7")  # its first run died after opening
    again = said("he said he will kill me tonight", "risk_disclosure", KNIFE, message_id="inbox-7")
    assert decide(again, handoff=opened_by_inbox_7) is None  # the other policies decide, as on the first run
    assert decide(again, ActionExecuted(SAFETY_ADVICE), handoff=opened_by_inbox_7) is None
    told = handoff_message(on_duty=True, wait_minutes=2)
    finished = [again, ActionExecuted(SAFETY_ADVICE), ActionExecuted("action_escalate"), told]
    assert decide(*finished, handoff=opened_by_inbox_7) == ACTION_LISTEN  # who helps next was said: listen


def test_a_later_message_while_that_hand_off_is_open_gets_no_reply():
    opened_by_inbox_7 = WaitingHandoff(id=1, priority=1, opened_for="inbox-7")
    later = said("are you there?", "inform", message_id="inbox-8")
    assert decide(handoff_message(on_duty=True), ActionExecuted(ACTION_LISTEN), later, handoff=opened_by_inbox_7) == (
        ACTION_LISTEN
    )
    assert decide(said("hello", "greet"), handoff=WaitingHandoff(id=2, priority=3)) == ACTION_LISTEN  # none recorded


def test_a_form_left_open_is_closed_first():
    turn = [said("my date of birth is 01/02/1980")]
    assert decide(*turn, active_loop="case_update_form") == DEACTIVATE_LOOP
    closed = [*turn, ActionExecuted(DEACTIVATE_LOOP), SlotSet("requested_slot", None)]
    assert decide(*closed, active_loop=None) == ACTION_LISTEN


def test_an_answer_to_the_contact_later_question_is_recorded_by_its_action():
    asked = handoff_message(on_duty=False)
    assert decide(asked, ActionExecuted(ACTION_LISTEN), said("no", "deny")) == CONTACT_LATER
    assert decide(asked, said("no", "deny"), ActionExecuted(CONTACT_LATER)) == ACTION_LISTEN
    risky_no = said("no he's back", "deny", {"escalate": True, "level": "medium"})
    assert decide(asked, risky_no, handoff=IMMINENT) == ACTION_LISTEN  # a risk is never read as the answer


def test_the_view_reads_the_newest_message_and_what_was_asked_before_it():
    view = turn_view(
        event.as_dict()
        for event in [BotUttered("Question?"), ActionExecuted(ACTION_LISTEN), said("after 6pm"), ActionExecuted("x")]
    )
    assert (view.text, view.intent, view.asked, view.done) == ("after 6pm", "inform", "Question?", ("x",))


def test_each_action_that_opens_a_hand_off_is_in_the_domain():
    domain_text = (Path(__file__).resolve().parents[2] / "domain.yml").read_text()
    assert all(f"- {name}\n" in domain_text for name in OPENING_ACTIONS)
    assert not turn_view([]).has_message
