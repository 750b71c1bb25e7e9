"""End to end over REST: after verifying, no trace of the answer is left in the database file or the log, and
the console transcript shows "[verification answer]" where the victim typed it."""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cases.one_time_codes import read_code
from bot.privacy.encryption import decrypt_data
from bot.privacy.keys import keyring_for
from bot.privacy.redaction import REDACTED_TEXT
from tests.e2e.stack import PROJECT_ROOT

pytestmark = pytest.mark.slow

SAMPLE_CASES = PROJECT_ROOT / "data" / "sample" / "cases.yml"
PIN_CASE, DOB_CASE = "SP/10002/26", "SP/10003/26"  # not the example the prompts give (01/02/1980 SX1 2AB)


def found(answers: list, haystack: bytes | str) -> list:
    """The answers that occur in `haystack` as typed (not as digits of a longer number or a time's fraction)."""
    text = haystack.decode("latin-1") if isinstance(haystack, bytes) else haystack
    return [answer for answer in filter(None, answers) if re.search(rf"(?<![.\d]){re.escape(answer)}(?!\d)", text)]


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def sample_victim(reference: str) -> dict:
    cases = yaml.safe_load(SAMPLE_CASES.read_text())["cases"]
    return next(case for case in cases if case["reference"] == reference)["victims"][0]


def codes_sent_to(twilio, victim: dict) -> int:
    """How many messages the victim's registered number has had so far."""
    return len(twilio.messages_to(victim["contact"]["address"], 0, timeout=0))


def complete_verification(haven, twilio, sender: str, victim: dict, reply: str, before: int) -> tuple[str, str | None]:
    """If Haven asked for a one-time code, read it from the new SMS to the registered contact and send it."""
    if "code" not in reply.lower():
        return reply, None
    sent = twilio.messages_to(victim["contact"]["address"], before + 1)
    assert len(sent) > before, "no one-time code reached the registered number"
    code = read_code(sent[-1]["Body"])
    return texts(haven.say(sender, code)), code


def database_bytes(haven) -> bytes:
    """The SQLite database file with its write-ahead log, as on disk, lower-cased."""
    path = Path(haven.env["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(part.read_bytes() for part in path.parent.glob(path.name + "*")).lower()


def decrypted_events(haven) -> str:
    """Every stored event decrypted with the stack's key: shows what redaction left, not only what encryption hid."""
    keys = tuple(filter(None, haven.env.get("HAVEN_DATA_KEYS", "").split(",")))
    keyring = keyring_for(keys, database_url=haven.env["DATABASE_URL"], development=True)
    path = haven.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT data FROM events").fetchall()
    return "\n".join(decrypt_data(data, keyring) for (data,) in rows).lower()


def transcript_of(haven, headers: dict, sender: str) -> list[dict]:
    haven.say(sender, "can I talk to a person please")
    status, queue = haven.get_json("/console/api/queue", headers=headers)
    assert status == 200
    entry = next(item for item in queue["items"] if item["sender_id"].endswith(sender))
    status, view = haven.get_json(f"/console/api/conversations/{entry['id']}", headers=headers)
    assert status == 200
    return view["transcript"]


def test_a_verification_leaves_no_answer_in_the_database_file_and_staff_see_a_marker(haven, twilio, console_headers):
    pin_victim, dob_victim = sample_victim(PIN_CASE), sample_victim(DOB_CASE)
    pin = str(pin_victim["pin"])
    dob = date.fromisoformat(str(dob_victim["dob"]))
    by_pin, by_dob = f"victim-{uuid.uuid4().hex[:10]}", f"victim-{uuid.uuid4().hex[:10]}"

    haven.say(by_pin, f"any news on my case {PIN_CASE}?")
    before = codes_sent_to(twilio, pin_victim)
    reply = texts(haven.say(by_pin, pin))
    update, pin_code = complete_verification(haven, twilio, by_pin, pin_victim, reply, before)
    assert PIN_CASE in update  # the update names its case (no refusal does): verification still works

    haven.say(by_dob, f"update on {DOB_CASE} please")
    asked_rest = texts(haven.say(by_dob, dob.strftime("%d/%m/%Y")))  # the answer in two messages
    assert "postcode" in asked_rest.lower()
    before = codes_sent_to(twilio, dob_victim)
    reply = texts(haven.say(by_dob, dob_victim["postcode"]))
    update, dob_code = complete_verification(haven, twilio, by_dob, dob_victim, reply, before)
    assert DOB_CASE in update

    transcript = transcript_of(haven, console_headers, by_pin)
    said = [entry["text"] for entry in transcript if entry["kind"] == "user"]
    assert REDACTED_TEXT in said and pin not in str(transcript)

    postcode = dob_victim["postcode"].lower()
    answers = [pin, dob.strftime("%d/%m/%Y"), dob.isoformat(), postcode, postcode.replace(" ", "")]
    assert found(answers, database_bytes(haven)) == []
    redacted = decrypted_events(haven)
    assert found([*answers, pin_code, dob_code], redacted) == []
    assert DOB_CASE.lower() in redacted  # the rest of the conversation is there, encrypted
    assert found(answers, haven.log_path.read_text().lower()) == []

