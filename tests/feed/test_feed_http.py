"""POST /api/v1/case-events over real HTTP: accepted events reach what victims are told; bad input is refused."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.cases.identities import link_verified
from bot.cases.summary import case_details_messages, case_update_message
from bot.feed.integrations import revoke_integration
from bot.feed.models import CaseEvent
from bot.feed.schema import KINDS
from bot.models.cases import CaseUpdate
from bot.models.messaging import OutboxMessage
from bot.settings import get_settings
from tests.cases.factories import make_case
from tests.e2e.stack import free_port  # a port nothing listens on
from tests.feed.conftest import event

VERIFIED_NUMBER = "+447700900123"


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def verified_victim(session):
    case, victim = make_case(session)
    link_verified(session, channel="sms", address=VERIFIED_NUMBER, victim_id=victim.id)
    session.commit()
    return case, victim


async def test_a_status_change_is_what_the_verified_victim_is_told_next(feed, session):
    case, victim = verified_victim(session)
    summary = "A man has been charged. The first court hearing is next month."
    reply = await feed.post(event("status_change", status="charged", summary=summary))
    assert reply.status == 201, reply.body
    assert reply.body["reference"] == "SP/20001/26" and reply.body["kind"] == "status_change"
    session.expire_all()
    first_reply = case_update_message(session, case_id=case.id, victim_id=victim.id)
    assert "Here is the latest on SP/20001/26: Charged." in first_reply
    assert f"Latest news (20 November 2026): {summary}" in "\n".join(
        case_details_messages(session, case_id=case.id, victim_id=victim.id)
    )
    [nudge] = session.scalars(select(OutboxMessage)).all()
    assert (nudge.channel, nudge.recipient, nudge.origin) == ("sms", VERIFIED_NUMBER, "notification")
    assert nudge.payload["text"].startswith("You have a new message from Haven.")
    assert "charged" not in nudge.payload["text"].lower()


async def test_an_update_the_victim_may_not_be_told_is_kept_from_them(feed, session):
    case, victim = verified_victim(session)
    reply = await feed.post(event("update", summary="POLICE ONLY: suspect named", victim_may_be_told=False))
    assert reply.status == 201, reply.body
    session.expire_all()
    assert "POLICE ONLY" not in "\n".join(case_details_messages(session, case_id=case.id, victim_id=victim.id))
    assert count(session, OutboxMessage) == 0


async def test_a_repeated_event_id_is_stored_once_and_gets_the_first_answer(feed, session):
    verified_victim(session)
    body = event("update", summary="CCTV has been collected.", victim_may_be_told=True)
    first, again = await feed.post(body), await feed.post(body)
    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body and again.headers.get("Idempotent-Replayed") == "true"
    assert (count(session, CaseEvent), count(session, CaseUpdate), count(session, OutboxMessage)) == (1, 1, 1)
    changed = await feed.post({**body, "summary": "Something else."})
    assert changed.status == 409 and changed.fields() == ["event_id"]
    assert count(session, CaseUpdate) == 1


async def test_without_the_integrations_own_token_nothing_gets_in(feed, session):
    make_case(session)
    body = event("update", summary="CCTV has been collected.", victim_may_be_told=True)
    for token in (None, "nope", "hvf_" + "x" * 43):
        reply = await feed.post(body, token=token)
        assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
    revoke_integration(session, "force-rms")
    session.commit()
    assert (await feed.post(body)).status == 401
    assert count(session, CaseUpdate) == 0


async def test_an_unknown_reference_is_named(feed, session):
    make_case(session)
    reply = await feed.post(event("status_change", reference="SP/99999/26", status="charged"))
    assert reply.status == 404 and reply.fields() == ["reference"]
    not_a_reference = await feed.post(event("status_change", reference="banana", status="charged"))
    assert not_a_reference.status == 422 and not_a_reference.fields() == ["reference"]
    assert count(session, CaseEvent) == 0


async def test_an_invalid_status_is_named_and_nothing_is_stored(feed, session):
    case, _victim = make_case(session)
    reply = await feed.post(event("status_change", status="sort_of_charged"))
    assert reply.status == 422 and reply.fields() == ["status"]
    assert "permitted" in reply.body["errors"][0]["message"]
    session.expire_all()
    assert case.status == "under_investigation" and count(session, CaseUpdate) == 0


async def test_missing_unknown_and_extra_fields_are_each_named(feed, session):
    make_case(session)
    unknown_kind = await feed.post(event("arrest_warrant"))
    assert unknown_kind.status == 422 and unknown_kind.fields() == ["kind"]
    missing = await feed.post({"kind": "update", "reference": "SP/20001/26", "summary": "x"})
    assert missing.status == 422 and set(missing.fields()) == {"event_id", "occurred_at", "victim_may_be_told"}
    extra = await feed.post(event("update", summary="x", victim_may_be_told=True, victim_name="Alex"))
    assert extra.status == 422 and extra.fields() == ["victim_name"]


async def test_a_malformed_body_is_a_400(feed, session):
    for raw in (b'{"kind": "update", ', b"", b"[1, 2]"):
        reply = await feed.post(raw=raw)
        assert reply.status == 400 and reply.fields() == ["body"], raw
    assert count(session, CaseEvent) == 0


async def test_a_new_case_twice_is_a_conflict_on_the_reference(feed, session):
    body = event(
        "new_case", reference="SP/30001/26", offence="Theft of a bike", reported_on="2026-11-19",
        victim_first_name="Sam", victim_dob="1990-05-06", victim_postcode="SX1 2AB",
    )
    assert (await feed.post(body)).status == 201
    again = await feed.post({**body, "event_id": "evt-2"})
    assert again.status == 409 and again.fields() == ["reference"]
    [stored] = session.scalars(select(CaseEvent)).all()
    assert "victim_dob" not in stored.details and "victim_postcode" not in stored.details


async def test_the_openapi_document_is_served_and_names_every_kind(feed):
    reply = await feed.get("/api/v1/openapi.json")
    assert reply.status == 200 and reply.body["openapi"].startswith("3.")
    operation = reply.body["paths"]["/api/v1/case-events"]["post"]
    assert {"201", "400", "401", "404", "409", "422"} <= set(operation["responses"])
    body_schema = reply.body["components"]["schemas"]["CaseEventBody"]
    assert set(body_schema["discriminator"]["mapping"]) == set(KINDS)
    assert len(KINDS) == 9
    status_schema = reply.body["components"]["schemas"]["StatusChange"]["properties"]["status"]
    assert "charged" in status_schema["enum"]


async def test_one_event_delivered_twice_at_once_is_stored_once(feed, session):
    verified_victim(session)
    body = event("update", summary="CCTV has been collected.", victim_may_be_told=True)
    first, second = await asyncio.gather(feed.post(body), feed.post(body))
    assert (first.status, second.status) == (201, 201) and first.body == second.body
    assert (count(session, CaseEvent), count(session, CaseUpdate), count(session, OutboxMessage)) == (1, 1, 1)


async def test_with_the_database_gone_the_feed_answers_503_and_asks_for_a_retry(feed, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/gone")
    get_settings.cache_clear()
    reply = await feed.post(event("update", summary="The suspect was interviewed.", victim_may_be_told=True))
    get_settings.cache_clear()
    assert reply.status == 503 and reply.headers["Retry-After"] == "5"
    assert "nothing was stored" in reply.body["error"]
