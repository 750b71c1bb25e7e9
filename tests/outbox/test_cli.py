"""`python -m bot outbox`: staff see what is stuck, without message bodies or full numbers."""

from __future__ import annotations

from bot.outbox.claims import claim_due, mark_failed_attempt
from bot.outbox.cli import main
from bot.outbox.store import enqueue
from bot.settings import get_settings


def test_list_shows_pending_and_failed_without_bodies(session, capsys) -> None:
    enqueue(session, channel="sms", recipient="+447700900123", payload={"text": "secret body one"})
    enqueue(session, channel="sms", recipient="+447700900456", payload={"text": "secret body two"})
    session.commit()
    [first, _second] = claim_due(session, channels=["sms"])
    mark_failed_attempt(session, first, error="permanent: Twilio refused", permanent=True)
    session.commit()
    assert main(["list"]) == 0
    output = capsys.readouterr().out
    assert "failed" in output and "sending" in output and "permanent: Twilio refused" in output
    assert "secret body" not in output and "+447700900123" not in output and "…123" in output
    assert "2 message(s)" in output


def test_retry_requeues_a_failed_message(session, capsys) -> None:
    enqueue(session, channel="sms", recipient="+447700900123", payload={"text": "x"})
    session.commit()
    [claimed] = claim_due(session, channels=["sms"])
    mark_failed_attempt(session, claimed, error="permanent: no", permanent=True)
    session.commit()
    assert main(["retry", str(claimed.id)]) == 0
    assert main(["retry", str(claimed.id)]) == 1
    assert main(["list", "--status", "failed"]) == 0
    assert "0 message(s)" in capsys.readouterr().out


def test_show_reads_a_waiting_code_in_a_local_trial_only(session, capsys, monkeypatch) -> None:
    row = enqueue(session, channel="sms", recipient="+447700900123", payload={"text": "Your Haven code is 482913."})
    session.commit()
    monkeypatch.setenv("HAVEN_ENV", "development")
    get_settings.cache_clear()
    assert main(["show", str(row.id)]) == 0
    assert "482913" in capsys.readouterr().out
    monkeypatch.setenv("HAVEN_ENV", "production")
    get_settings.cache_clear()
    assert main(["show", str(row.id)]) == 2
    assert "482913" not in capsys.readouterr().out
    get_settings.cache_clear()
