"""End to end on each victim channel: SMS through Twilio's wire format, Telegram's, and the web chat socket."""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request
import uuid

import pytest
import socketio
from twilio.request_validator import RequestValidator

from bot.cases.one_time_codes import read_code
from tests.e2e.conftest import TELEGRAM_SECRET
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

pytestmark = pytest.mark.slow


def post_sms(haven, number: str, body: str, *, sign: bool = True) -> int:
    """Deliver an inbound SMS as Twilio does: a signed form POST; the HTTP status."""
    url = f"{haven.base_url}/webhooks/twilio_sms/webhook"
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT_SID,
        "From": number,
        "To": FROM_NUMBER,
        "Body": body,
        "NumMedia": "0",
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_sms_case_update_with_verification(haven, twilio):
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    assert post_sms(haven, number, "any news on my case SP/10001/26") == 200
    asked = twilio.messages_to(number, 1)
    assert "date of birth" in asked[-1]["Body"]
    registered = "+447700900101"  # SP/10001/26's number (data/sample/cases.yml): the one-time code goes there
    before = len(twilio.messages_to(registered, 0, timeout=0))
    assert post_sms(haven, number, "01/02/1980 SX1 2AB") == 200
    assert "code" in twilio.messages_to(number, 2)[1]["Body"]
    code = read_code(twilio.messages_to(registered, before + 1)[-1]["Body"])
    assert post_sms(haven, number, code) == 200
    replies = twilio.messages_to(number, 3)
    assert "Here is the latest on SP/10001/26" in replies[2]["Body"] and "DC Example Jones" not in replies[2]["Body"]
    assert post_sms(haven, number, "DETAILS") == 200  # the officer and court only on request
    assert "DC Example Jones" in "\n".join(reply["Body"] for reply in twilio.messages_to(number, 5)[4:])


def test_forged_sms_is_refused_and_never_answered(haven, twilio):
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    assert post_sms(haven, number, "hello", sign=False) == 403
    assert post_sms(haven, "+447700900999", "hi") == 200  # a later, valid message is answered...
    assert twilio.messages_to("+447700900999", 1)
    assert twilio.messages_to(number, 1, timeout=1.0) == []  # ...the forged one never was


def test_sms_risk_message_gets_emergency_advice_first(haven, twilio):
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    assert post_sms(haven, number, "hes got a knife and says hes gona kill me") == 200
    first = twilio.messages_to(number, 1)[0]["Body"]
    assert first.startswith("In an emergency") or "999" in first.split(".")[0]


def test_telegram_message_is_answered_in_the_chat(haven, telegram):
    chat_id = uuid.uuid4().int % 10**9
    update = {
        "update_id": uuid.uuid4().int % 10**9,
        "message": {
            "message_id": 1,
            "date": 1_795_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sample"},
            "text": "hello",
        },
    }
    status, _ = haven.post_json(
        "/webhooks/telegram_haven/webhook", update, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    )
    assert status == 200
    calls = telegram.wait_for("sendMessage", count=1, timeout=20)
    mine = [
        call
        for call in telegram.calls
        if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(chat_id)
    ]
    assert mine and "Haven" in mine[0].params["text"]
    assert calls


def test_telegram_update_without_the_secret_is_refused(haven):
    status, _ = haven.post_json("/webhooks/telegram_haven/webhook", {"update_id": 1})
    assert status == 403


def test_web_chat_conversation_over_socket_io(haven):
    async def converse() -> list[dict]:
        client = socketio.AsyncClient(reconnection=False)
        received: list[dict] = []
        tokens: list[str] = []
        confirmed = asyncio.Event()
        replied = asyncio.Event()

        @client.on("session_confirm")
        async def _confirm(data):
            tokens.append(data)  # the session id the server signed: the only one it accepts back
            confirmed.set()

        @client.on("bot_uttered")
        async def _reply(data):
            received.append(data)
            replied.set()

        await client.connect(
            haven.base_url, socketio_path="/socket.io", transports=["polling"], headers={"Origin": haven.base_url}
        )
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 20)
        await client.emit("user_uttered", {"message": "what are my rights", "session_id": tokens[0]})
        await asyncio.wait_for(replied.wait(), 30)
        await client.disconnect()
        return received

    replies = asyncio.run(converse())
    assert any("Victims" in reply.get("text", "") for reply in replies)
