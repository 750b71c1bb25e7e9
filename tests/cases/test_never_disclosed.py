"""Who must never get a case update: each row tries, through the real actions and database, and gets nothing.

Every row ends with the strongest claim an attacker can make: a tracker that says "verified" for the
target case. action_give_case_update must still refuse, because the database holds no two-factor grant.
The two positive rows prove the same harness does disclose when both factors really passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, update

from actions.case_update import ValidateCaseUpdateForm
from actions.case_update_replies import ActionGiveCaseUpdate
from bot.cases.one_time_codes import read_code
from bot.models.messaging import OutboxMessage
from bot.models.security import VerificationAttempt
from bot.models.verification import DisclosureGrant, VerificationCode
from tests.cases.factories import make_case
from tests.cases.replies import channel_of, said_by, text_of

DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
REF, OTHER = "SP/20001/26", "SP/20002/26"
PIN, OTHER_PIN = "482913", "735160"
OWN_NUMBER, OTHER_NUMBER = "+447700900301", "+447700900302"
CASE_WORDS = ("Alex", "Burglary", "Latest update", "DC Example Jones", "Under investigation")
NOT_VERIFIED, LOCKED = text_of("utter_not_verified"), text_of("utter_verification_locked")


class Conversation:
    """One sender talking to the case-update form: each answer goes through validate_case_update_form."""

    def __init__(self, sender: str) -> None:
        self.sender = sender
        self.slots: dict = {"verified": False, "requested_slot": "crime_ref"}
        self.said: list[str] = []

    async def send(self, text: str, intent: str = "inform") -> None:
        requested = self.slots.get("requested_slot") or "crime_ref"
        parse = {"text": text, "intent": {"name": intent}, "entities": []}
        events = [{"event": "slot", "name": "requested_slot", "value": requested},
                  {"event": "user", "text": text, "parse_data": parse},
                  {"event": "action", "name": "case_update_form"},
                  {"event": "slot", "name": requested, "value": text}]
        values = {name: None for name in DOMAIN["slots"]} | self.slots | {requested: text}
        dispatcher = CollectingDispatcher()
        tracker = Tracker(self.sender, values, parse, events, False, None, {"name": "case_update_form"}, None)
        for event in await ValidateCaseUpdateForm().run(dispatcher, tracker, DOMAIN):
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.said += said_by(dispatcher, channel_of(self.sender))
        self.slots["requested_slot"] = next(
            (slot for slot in ("crime_ref", "verification_answer", "verification_code") if not self.slots.get(slot)),
            None,
        )

    async def ask_for_update(self, **claimed) -> list[str]:
        """Run action_give_case_update with these slots (what a forged tracker would claim)."""
        values = {name: None for name in DOMAIN["slots"]} | self.slots | claimed
        dispatcher = CollectingDispatcher()
        tracker = Tracker(self.sender, values, {}, [], False, None, None, None)
        await ActionGiveCaseUpdate().run(dispatcher, tracker, DOMAIN)
        return said_by(dispatcher, channel_of(self.sender))


def latest_code(session, recipient: str = OWN_NUMBER) -> str:
    row = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())
    ).first()
    return read_code(row.payload["text"]) if row else "000000"


def earlier_failures(session, count: int, *, minutes_ago: int = 5) -> None:
    """Failures on REF by other senders, far enough back that no delay is still running."""
    at = datetime.utcnow() - timedelta(minutes=minutes_ago)
    for index in range(count):
        session.add(VerificationAttempt(reference=REF, sender_key=f"rest:other{index}", succeeded=False,
                                        attempted_at=at - timedelta(minutes=index)))
    session.commit()


async def wrong_pin(session):
    talk = Conversation(f"sms:{OWN_NUMBER}")
    await talk.send(REF)
    await talk.send("912345")
    return talk


async def right_pin_for_another_case(session):
    talk = Conversation(f"sms:{OWN_NUMBER}")
    await talk.send(REF)
    await talk.send(OTHER_PIN)
    return talk


async def right_dob_wrong_postcode(session):
    talk = Conversation(f"sms:{OWN_NUMBER}")
    await talk.send(REF)
    await talk.send("01/02/1980 SX9 9ZZ")
    return talk


async def right_answer_after_a_lock(session):
    earlier_failures(session, 3, minutes_ago=1)
    talk = Conversation(f"sms:{OWN_NUMBER}")
    await talk.send(REF)
    await talk.send(PIN)
    assert LOCKED in talk.said
    return talk


async def second_sender_after_others_failures(session):
    earlier_failures(session, 2)
    attacker = Conversation("rest:third")
    await attacker.send(REF)
    await attacker.send("01/02/1980 SX1 2AB")  # what an ex-partner knows: only sends a code to the victim
    await attacker.send("123456")
    return attacker


async def forged_tracker(session):
    return Conversation("rest:forger")  # never verified; ask_for_update claims it was


async def replayed_web_session(session):
    victim = Conversation("webchat:victim-session")
    await victim.send(REF)
    await victim.send(PIN)
    await victim.send(latest_code(session))
    assert victim.slots["verified"] is True
    intruder = Conversation("webchat:intruder-session")
    intruder.slots = dict(victim.slots)  # everything the victim's conversation holds
    await intruder.send(latest_code(session))  # and the code the victim used
    return intruder


async def expired_code(session):
    talk = Conversation("webchat:slow")
    await talk.send(REF)
    await talk.send(PIN)
    code = latest_code(session)
    session.execute(update(VerificationCode).values(expires_at=datetime.utcnow() - timedelta(seconds=1)))
    session.commit()
    await talk.send(code)
    return talk


async def code_for_another_case(session):
    talk = Conversation("webchat:two-cases")
    await talk.send(OTHER)
    await talk.send(OTHER_PIN)
    other_code = latest_code(session, OTHER_NUMBER)
    talk.slots = {"verified": False, "requested_slot": "crime_ref"}
    await talk.send(REF)
    await talk.send(PIN)
    await talk.send(other_code)
    return talk


async def verified_for_another_case(session):
    talk = Conversation(f"sms:{OTHER_NUMBER}")
    await talk.send(OTHER)
    await talk.send(OTHER_PIN)
    assert talk.slots["verified"] is True
    return talk


NEVER = [wrong_pin, right_pin_for_another_case, right_dob_wrong_postcode, right_answer_after_a_lock,
         second_sender_after_others_failures, forged_tracker, replayed_web_session, expired_code,
         code_for_another_case, verified_for_another_case]


@pytest.fixture
def cases(session):
    make_case(session, reference=REF, pin=PIN, contact=("sms", OWN_NUMBER))
    make_case(session, reference=OTHER, pin=OTHER_PIN, first_name="Sam", dob=None, postcode=None,
              contact=("sms", OTHER_NUMBER))


@pytest.mark.parametrize("attempt", NEVER, ids=[row.__name__ for row in NEVER])
async def test_never_gets_a_case_update(session, cases, attempt):
    talk = await attempt(session)
    claimed = {"verified": True, "verified_reference": REF, "crime_ref": REF,
               "verification_answer": "verified", "verification_code": "verified"}
    said = talk.said + await talk.ask_for_update(**claimed)
    assert NOT_VERIFIED in said
    assert not [message for message in said if any(word in message for word in CASE_WORDS)]
    grants = session.scalars(select(DisclosureGrant.sender_key).where(DisclosureGrant.reference == REF)).all()
    assert talk.sender not in grants


async def test_registered_number_and_pin_get_the_update(session, cases):
    talk = Conversation(f"sms:{OWN_NUMBER}")
    await talk.send(REF)
    await talk.send(PIN)
    update_text = await talk.ask_for_update()
    assert update_text[0].startswith(f"Thanks, Alex. Here is the latest on {REF}")


async def test_web_chat_with_pin_and_code_gets_the_update(session, cases):
    talk = Conversation("webchat:own-session")
    await talk.send(REF)
    await talk.send(PIN)
    assert talk.slots["verified"] is False and talk.slots["requested_slot"] == "verification_code"
    await talk.send(latest_code(session))
    update_text = await talk.ask_for_update()
    assert update_text[0].startswith(f"Thanks, Alex. Here is the latest on {REF}")


ABUSE_REF, ABUSE_PIN, ABUSE_NUMBER = "SP/20003/26", "260417", "+447700900303"


@pytest.fixture
def abuse_case(session):
    """A domestic-abuse case whose victim has a PIN, a date of birth and postcode, and a registered number."""
    make_case(session, reference=ABUSE_REF, category="domestic_abuse", offence="Assault", pin=ABUSE_PIN,
              contact=("sms", ABUSE_NUMBER))


@pytest.mark.parametrize("sender", [f"sms:{ABUSE_NUMBER}", "webchat:someone-who-knows-them"])
async def test_domestic_abuse_case_with_date_of_birth_and_postcode_alone_discloses_nothing(session, abuse_case,
                                                                                             sender):
    talk = Conversation(sender)
    await talk.send(ABUSE_REF)
    await talk.send("01/02/1980 SX1 2AB")  # right, but not enough for this case
    guess = Conversation("webchat:guesser")
    await guess.send("SP/20009/26")  # a reference that does not exist
    await guess.send("01/02/1980 SX1 2AB")
    assert talk.said == guess.said  # reads exactly like an unknown reference
    said = talk.said + await talk.ask_for_update(verified=True, verified_reference=ABUSE_REF, crime_ref=ABUSE_REF)
    assert NOT_VERIFIED in said and not [message for message in said if "Alex" in message or "Assault" in message]
    assert session.scalars(select(DisclosureGrant)).all() == []
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == ABUSE_NUMBER)).all() == []


async def test_domestic_abuse_case_with_pin_and_code_gets_the_update(session, abuse_case):
    talk = Conversation("webchat:victim-on-a-laptop")
    await talk.send(ABUSE_REF)
    await talk.send(ABUSE_PIN)
    assert talk.slots["verified"] is False and talk.slots["requested_slot"] == "verification_code"
    await talk.send(latest_code(session, ABUSE_NUMBER))
    update_text = await talk.ask_for_update()
    assert update_text[0].startswith(f"Thanks, Alex. Here is the latest on {ABUSE_REF}")
