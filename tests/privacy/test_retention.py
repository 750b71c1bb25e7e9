"""Retention: old conversations go, the ones a safeguarding record needs stay, and the audit says only what went."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted
from sqlalchemy import select

from bot.__main__ import main as cli
from bot.models.base import utcnow
from bot.models.handoff import Handoff, HandoffNote
from bot.models.live import LiveConversation
from bot.models.messaging import OutboxMessage
from bot.models.staff import AuditEntry
from bot.privacy.encryption import decrypt_data
from bot.privacy.keys import sender_digest
from bot.privacy.retention import AUDIT_ACTION, run_retention
from bot.privacy.stale_answers import scrub_stale_answers
from bot.settings import Settings, SettingsError, get_settings
from tests.privacy.conftest import answered, asked_for_verification, raw_rows, said, save_turn

DAY = 24 * 3600.0
OLD_TEXT = "he kept the car keys and the dog"


def conversation(at: float, words: str = OLD_TEXT) -> list:
    return [SessionStarted(timestamp=at), ActionExecuted("action_listen", timestamp=at),
            said(words, at=at + 1), BotUttered("I'm sorry to hear that.", timestamp=at + 2)]  # fmt: skip


def add_handoff(session, sender_id: str, *, status: str, outcome: str | None = None, days_ago: float = 100) -> Handoff:
    when = utcnow() - timedelta(days=days_ago)
    handoff = Handoff(sender_id=sender_id, channel="sms", reason="risk", status=status, outcome=outcome,
                      created_at=when, closed_at=when if status == "closed" else None)  # fmt: skip
    session.add(handoff)
    session.commit()
    return handoff


def live_senders(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(LiveConversation.sender_id)))


def user_texts(tracker) -> list[str]:
    return [event.text for event in tracker.events if event.type_name == "user"] if tracker else []


async def test_an_old_conversation_is_deleted_and_a_recent_one_kept(store, session):
    await save_turn(store, "sms:+447700900001", conversation(time.time() - 100 * DAY))
    await save_turn(store, "sms:+447700900002", conversation(time.time() - 10 * DAY, "recent"))
    report = run_retention(session)
    session.commit()
    assert (report.conversations_deleted, report.events_deleted) == (1, 4)
    assert await store.retrieve_full_tracker("sms:+447700900001") is None
    assert user_texts(await store.retrieve_full_tracker("sms:+447700900002")) == ["recent"]
    assert live_senders(session) == ["sms:+447700900002"]


async def test_an_ongoing_conversation_loses_only_its_old_sessions(store, session):
    sender = "telegram:777"
    await save_turn(store, sender, conversation(time.time() - 200 * DAY))
    await save_turn(store, sender, conversation(time.time() - 60, "today"))
    report = run_retention(session)
    session.commit()
    assert (report.conversations_trimmed, report.conversations_deleted) == (1, 0)
    assert user_texts(await store.retrieve_full_tracker(sender)) == ["today"]
    await save_turn(store, sender, [said("still here")])  # Rasa carries on with the current session
    assert user_texts(await store.retrieve(sender)) == ["today", "still here"]


async def test_open_handoffs_and_safeguarding_outcomes_keep_the_whole_conversation(store, session):
    waiting, referred = "sms:+447700900003", "sms:+447700900004"
    for sender in (waiting, referred):
        await save_turn(store, sender, conversation(time.time() - 300 * DAY))
    add_handoff(session, waiting, status="waiting")
    add_handoff(session, referred, status="closed", outcome="safeguarding_referral", days_ago=290)
    report = run_retention(session)
    session.commit()
    assert (report.kept_open_handoff, report.kept_safeguarding, report.events_deleted) == (1, 1, 0)
    assert user_texts(await store.retrieve_full_tracker(waiting)) == [OLD_TEXT]
    assert user_texts(await store.retrieve_full_tracker(referred)) == [OLD_TEXT]
    assert live_senders(session) == sorted([waiting, referred])


def test_an_old_closed_handoff_loses_its_notes_and_its_sender(db_url, session):
    handoff = add_handoff(session, "sms:+447700900005", status="closed", outcome="advice_given")
    session.add(HandoffNote(handoff_id=handoff.id, body="lives with her mother on Mill Lane"))
    session.commit()
    report = run_retention(session)
    session.commit()
    session.expire_all()
    assert (report.handoffs_anonymised, report.handoff_notes_deleted) == (1, 1)
    assert session.get(Handoff, handoff.id).sender_id == "removed:" + sender_digest("sms:+447700900005")
    assert session.scalars(select(HandoffNote)).all() == []


def test_finished_outbox_messages_go_and_undelivered_ones_stay(db_url, session):
    old = utcnow() - timedelta(days=120)
    for status in ("sent", "failed", "pending"):
        session.add(OutboxMessage(channel="sms", recipient="+447700900006", payload={"text": "Your case update"},
                                  status=status, created_at=old, next_attempt_at=old))  # fmt: skip
    session.commit()
    assert run_retention(session).outbox_deleted == 2
    session.commit()
    assert [row.status for row in session.scalars(select(OutboxMessage))] == ["pending"]


async def test_the_audit_says_what_was_removed_and_never_what_it_said(store, session):
    sender = "sms:+447700900007"
    await save_turn(store, sender, conversation(time.time() - 100 * DAY))
    run_retention(session)
    session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION)).one()
    recorded = json.dumps({"target": entry.target, "detail": entry.detail})
    assert entry.detail["events_deleted"] == 4 and entry.detail["senders"] == [sender_digest(sender)]
    assert entry.detail["oldest_removed"] and entry.detail["cutoff"]
    assert "447700900007" not in recorded and "car keys" not in recorded and "sorry" not in recorded


def test_a_run_that_removes_nothing_leaves_no_audit_entry(db_url, session):
    run_retention(session)
    session.commit()
    assert session.scalars(select(AuditEntry)).all() == []


async def test_the_command_line_dry_run_changes_nothing_and_the_real_run_removes(store, capsys):
    sender = "sms:+447700900008"
    await save_turn(store, sender, conversation(time.time() - 100 * DAY))
    assert cli(["retention", "run", "--dry-run"]) == 0
    assert "would remove" in capsys.readouterr().out
    assert user_texts(await store.retrieve_full_tracker(sender)) == [OLD_TEXT]
    assert cli(["retention", "run"]) == 0
    assert "conversations deleted whole: 1" in capsys.readouterr().out
    assert await store.retrieve_full_tracker(sender) is None


async def test_a_partial_answer_nobody_completed_is_cleared_after_half_an_hour(store, session, engine):
    await save_turn(store, "web:abandoned", asked_for_verification())
    await save_turn(store, "web:abandoned", answered("23/07/1992", verified=False))
    assert any("1992-07-23" in decrypt_data(row) for row in raw_rows(engine))  # kept, encrypted, for the next turn
    assert scrub_stale_answers(session) == 0  # still fresh: the victim may send the rest
    assert scrub_stale_answers(session, now=utcnow() + timedelta(minutes=31)) == 1
    session.commit()
    assert not any("1992-07-23" in decrypt_data(row) for row in raw_rows(engine))


async def test_the_period_comes_from_haven_retention_days(store, session, monkeypatch):
    await save_turn(store, "sms:+447700900009", conversation(time.time() - 10 * DAY))
    monkeypatch.setenv("HAVEN_RETENTION_DAYS", "7")
    get_settings.cache_clear()
    assert run_retention(session).conversations_deleted == 1


@pytest.mark.parametrize("variable, value", [("HAVEN_RETENTION_DAYS", "0"), ("HAVEN_RETENTION_INTERVAL_MINUTES", "-1")])
def test_a_period_that_would_delete_everything_is_refused(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match="HAVEN_RETENTION_DAYS"):
        Settings.from_env()
