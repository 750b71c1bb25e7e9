"""A turn's replies are written in one transaction, and a turn saved before a crash has its replies queued again."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from bot.db import session_scope
from bot.handoff.conversation_log import staff_message
from bot.inbox.store import ClaimedInbound
from bot.models import OutboxMessage
from bot.tracker_store import HavenTrackerStore
from connectors.pipeline import messages
from connectors.pipeline.inbound_text import MAX_RAW_CHARS, cut_notice
from connectors.pipeline.rate_gate import HELD_FLAG
from connectors.pipeline.turns import replies_of_turn, reply_output, run_turn

CHANNEL, ADDRESS = "telegram", "700123"
SENDER_ID = f"{CHANNEL}:{ADDRESS}"
BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
SAID = [  # (utter action, text, data): what the stand-in for Rasa says in every turn
    ("utter_safety_advice", "If you are in danger now, call 999.", {}),
    ("utter_handoff", "I'm passing you to a person.", {}),
    ("utter_ask_safe", "Are you safe to talk?", {"buttons": BUTTONS}),
]


class ScriptedRasa:
    """Stands in for Rasa's agent with a real, stored conversation: logs the victim's message (with its
    message id), then for each action an ActionExecuted and its BotUttered, sent as Rasa's processor sends
    them (`send_response(sender_id, event.message())`), then action_listen; saves; `crash_after_save`
    makes the next turn fail right after the save, before the turn's replies are written."""

    def __init__(self, tracker_store: HavenTrackerStore) -> None:
        self.tracker_store = tracker_store
        self.turns = 0

    async def handle_message(self, message: UserMessage) -> None:
        self.turns += 1
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, message_id=message.message_id, input_channel=CHANNEL))
        for action, text, data in SAID:
            tracker.update(ActionExecuted(action))
            said = BotUttered(text, data=data, metadata={"utter_action": action})
            tracker.update(said)
            await message.output_channel.send_response(message.sender_id, said.message())
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await self.tracker_store.save(tracker)


@pytest.fixture
def rasa(db_url: str) -> ScriptedRasa:
    return ScriptedRasa(HavenTrackerStore(domain=Domain.empty()))


@pytest.fixture
def commits() -> Iterator[list[int]]:
    """How many outbox rows each committed transaction (any session) inserted."""
    counts: list[int] = []

    def count(session: Session) -> None:
        counts.append(session.info.pop("outbox_rows", 0))

    def note_rows(state: ORMExecuteState) -> None:
        table = getattr(state.statement, "table", None)
        if state.is_insert and table is not None and table.name == OutboxMessage.__tablename__:
            state.session.info["outbox_rows"] = state.session.info.get("outbox_rows", 0) + 1

    event.listen(Session, "after_commit", count)
    event.listen(Session, "do_orm_execute", note_rows)
    yield counts
    event.remove(Session, "after_commit", count)
    event.remove(Session, "do_orm_execute", note_rows)


def _claim(attempts: int, inbox_id: int = 7) -> ClaimedInbound:
    return ClaimedInbound(inbox_id, f"U{inbox_id}", CHANNEL, ADDRESS, {}, attempts, "token")


def _app(rasa: ScriptedRasa) -> SimpleNamespace:
    return SimpleNamespace(ctx=SimpleNamespace(agent=rasa))


async def _turn(rasa: ScriptedRasa, claim: ClaimedInbound, text: str = "he is outside") -> str:
    return await run_turn(_app(rasa), claim, on_new_message=rasa.handle_message, text=text, output=reply_output(claim))


def _queued() -> list[tuple[str, dict[str, Any]]]:
    """(idempotency key without its part, payload) of every outbox row, in the order the worker sends them."""
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.idempotency_key.split("#")[0], row.payload) for row in rows]


EXPECTED = [
    ("reply:7:1", {"text": "If you are in danger now, call 999."}),
    ("reply:7:2", {"text": "I'm passing you to a person."}),
    ("reply:7:3", {"text": "Are you safe to talk?", "buttons": BUTTONS}),
]


async def test_a_turn_with_several_replies_writes_them_in_one_commit(rasa, commits) -> None:
    assert await _turn(rasa, _claim(attempts=1)) == "replied"
    assert _queued() == EXPECTED
    assert [rows for rows in commits if rows] == [3]  # one transaction wrote all three


async def test_a_message_sent_outside_a_turn_is_written_at_once(db_url) -> None:
    output = reply_output(_claim(attempts=1))
    await output.send_text_message(SENDER_ID, "Send STOP to stop.")  # e.g. a keyword reply before the turn
    assert _queued() == [("reply:7:1", {"text": "Send STOP to stop."})]


async def test_a_crash_after_the_turn_was_saved_is_redriven_and_its_replies_queued_once(rasa, monkeypatch) -> None:
    def died(*_args: Any) -> None:
        raise ConnectionError("the process died before the replies were written")

    monkeypatch.setattr(messages, "_enqueue_now", died)
    with pytest.raises(ConnectionError):
        await _turn(rasa, _claim(attempts=1))
    monkeypatch.undo()
    assert rasa.turns == 1 and _queued() == []  # the conversation holds the turn; the outbox nothing

    assert await _turn(rasa, _claim(attempts=2)) == "turn already saved"
    assert rasa.turns == 1  # not run again
    assert _queued() == EXPECTED  # same keys, same order, same payloads as the turn itself writes


async def test_a_redrive_after_the_replies_were_written_queues_nothing_new(rasa) -> None:
    await _turn(rasa, _claim(attempts=1))
    assert await _turn(rasa, _claim(attempts=2)) == "turn already saved"
    assert await _turn(rasa, _claim(attempts=3)) == "turn already saved"
    assert rasa.turns == 1
    assert _queued() == EXPECTED


async def test_a_cut_message_redriven_gets_its_notice_and_replies_under_the_first_runs_keys(rasa, monkeypatch) -> None:
    long_text = "help " * (MAX_RAW_CHARS // 4)
    await _turn(rasa, _claim(attempts=1, inbox_id=8), long_text)
    first_run = _queued()
    assert [key for key, _ in first_run] == ["reply:8:1", "reply:8:2", "reply:8:3", "reply:8:4"]
    assert first_run[0][1] == {"text": cut_notice(CHANNEL)}
    with session_scope() as session:  # as if the process died before writing the last two
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("reply:8:3%")
                                                              | OutboxMessage.idempotency_key.like("reply:8:4%"))):
            session.delete(row)
    await _turn(rasa, _claim(attempts=2, inbox_id=8), long_text)
    assert _queued() == first_run and rasa.turns == 1


async def test_a_redrive_queues_only_its_own_turns_replies(rasa) -> None:
    await _turn(rasa, _claim(attempts=1, inbox_id=7))
    tracker = await rasa.tracker_store.retrieve(SENDER_ID)
    tracker.update(staff_message("I'm Sam from the gateway.", display_name="Sam"))  # said after the turn
    await rasa.tracker_store.save(tracker)
    await _turn(rasa, _claim(attempts=1, inbox_id=9), "thank you")
    replies = replies_of_turn(list((await rasa.tracker_store.retrieve(SENDER_ID)).events), "inbox-7")
    assert [reply["text"] for reply in replies or []] == [text for _, text, _ in SAID]


def test_a_message_kept_by_the_rate_gate_had_no_turn_and_no_replies() -> None:
    events = [UserUttered("again", message_id="inbox-5", metadata={HELD_FLAG: True}),
              staff_message("Please wait, I'm here.", display_name="Sam")]
    assert replies_of_turn(events, "inbox-5") == [] and replies_of_turn(events, "inbox-6") is None
