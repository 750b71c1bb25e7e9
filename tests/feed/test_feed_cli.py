"""The feed's command line: an integration's token is printed once and works; `case add-update` uses the feed."""

from __future__ import annotations

from sqlalchemy import select

from bot.cases.identities import link_verified
from bot.cli import case_feed
from bot.feed.cli import main
from bot.feed.integrations import integration_for_token
from bot.feed.models import CLI_SOURCE, CaseEvent, FeedIntegration
from bot.models.messaging import OutboxMessage
from tests.cases.factories import make_case


def test_add_integration_prints_a_token_that_works_and_keeps_only_its_hash(session, capsys):
    assert main(["add-integration", "Force-RMS"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert integration_for_token(session, token) == "force-rms"
    session.commit()
    assert token not in {row.token_hash for row in session.scalars(select(FeedIntegration))}
    assert main(["add-integration", "force-rms"]) == 1
    assert "already an integration" in capsys.readouterr().out
    assert main(["revoke", "force-rms"]) == 0
    session.expire_all()
    assert integration_for_token(session, token) is None


def test_case_add_update_goes_through_the_feed_and_nudges_the_verified_victim(session, capsys):
    case, victim = make_case(session)
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    session.commit()
    assert case_feed.main(["add-update", "SP/20001/26", "--summary", "A man was charged.", "--status", "charged"]) == 0
    assert capsys.readouterr().out.strip() == "Update added to SP/20001/26; 1 notification(s) queued."
    session.expire_all()
    [stored] = session.scalars(select(CaseEvent)).all()
    assert (stored.source, stored.kind, stored.case_id) == (CLI_SOURCE, "status_change", case.id)
    assert len(session.scalars(select(OutboxMessage)).all()) == 1
    assert case_feed.main(["add-update", "SP/99999/26", "--summary", "x"]) == 1
    assert capsys.readouterr().out.strip() == "No case with that reference."
