"""Contact identities: recorded on contact, linked only after verification, opt-out and back in."""

from datetime import datetime

from sqlalchemy import select

from bot.cases.identities import (
    SenderAddress,
    is_opted_out,
    link_verified,
    opt_in,
    opt_out,
    record_contact,
)
from bot.models.cases import ContactIdentity
from tests.cases.factories import make_case

T0 = datetime(2026, 11, 24, 9, 0)
T1 = datetime(2026, 11, 24, 10, 0)


def test_record_contact_creates_once_and_updates_last_seen(session):
    record_contact(session, channel="sms", address="+447700900123", now=T0)
    record_contact(session, channel="sms", address="+447700900123", now=T1)
    session.commit()
    identity = session.scalars(select(ContactIdentity)).one()
    assert (identity.first_seen_at, identity.last_seen_at, identity.victim_id) == (T0, T1, None)


def test_link_verified_ties_the_address_to_the_victim(session):
    _case, victim = make_case(session)
    link_verified(session, channel="telegram", address="42", victim_id=victim.id, now=T1)
    session.commit()
    identity = session.scalars(select(ContactIdentity)).one()
    assert identity.victim_id == victim.id and identity.verified_at == T1


def test_opt_out_and_back_in(session):
    assert not is_opted_out(session, channel="sms", address="+447700900123")
    opt_out(session, channel="sms", address="+447700900123", now=T0)
    assert is_opted_out(session, channel="sms", address="+447700900123")
    assert not is_opted_out(session, channel="telegram", address="+447700900123")
    opt_in(session, channel="sms", address="+447700900123")
    assert not is_opted_out(session, channel="sms", address="+447700900123")


def test_a_sender_address_has_one_stored_form() -> None:
    assert SenderAddress.parse("sms:+447700900123") == ("sms", "+447700900123")
    assert SenderAddress.parse("webchat:abc:def") == ("webchat", "abc:def")
    assert SenderAddress.parse("rest:sms:+44") == ("rest", "sms:+44")
    assert SenderAddress.parse("no-prefix") == ("", "no-prefix")
    assert SenderAddress("sms", "+447700900123").sender_id == "sms:+447700900123"
    assert SenderAddress.on("sms", "sms:+44") == SenderAddress.on("sms", "+44") == ("sms", "+44")
    assert SenderAddress.on("sms", "telegram:1").id == "telegram:1"  # another channel's sender id stays whole
