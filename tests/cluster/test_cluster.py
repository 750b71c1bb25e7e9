"""Two Rasa instances behind nginx on PostgreSQL and Redis: state, once-only handling, web chat, an instance lost."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import socketio
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bot.cases.one_time_codes import read_code
from tests.cluster.conftest import port_open, upstreams_in_log, wait_for
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

SMS_PATH = "/webhooks/twilio_sms/webhook"
REST_PATH = "/webhooks/rest/webhook"


def _post(url: str, data: bytes, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def say(base_url: str, sender: str, message: str) -> str:
    """One REST turn at `base_url` (an instance or the load balancer); the replies' text, joined."""
    status, body = _post(
        base_url + REST_PATH,
        json.dumps({"sender": sender, "message": message}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    return "\n".join(reply.get("text", "") for reply in json.loads(body))


def text_in(base_url: str, public_url: str, number: str, body: str, sid: str) -> int:
    """A signed Twilio webhook POSTed to `base_url` (signed for the public URL, as Twilio signs); the status."""
    params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": number, "To": FROM_NUMBER, "Body": body}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(public_url + SMS_PATH, params)
    headers = {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}
    return _post(base_url + SMS_PATH, urllib.parse.urlencode(params).encode(), headers)[0]


def _rows(cluster, query: str, **params) -> list:
    engine = create_engine(cluster.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).all()
    finally:
        engine.dispose()


def _number() -> str:
    return f"+447700{uuid.uuid4().int % 900000 + 100000}"


def test_a_conversation_alternating_between_instances_keeps_its_state(cluster, twilio):
    first, second = cluster.instance_urls
    sender = f"cluster-{uuid.uuid4().hex[:8]}"
    assert "date of birth" in say(first, sender, "any news on my case SP/10001/26")
    registered = "+447700900101"  # SP/10001/26's number (data/sample/cases.yml): the one-time code goes there
    before = len(twilio.messages_to(registered, 0, timeout=0))
    assert "code" in say(second, sender, "01/02/1980 SX1 2AB")  # instance 2 knows what instance 1 asked
    code = read_code(twilio.messages_to(registered, before + 1)[-1]["Body"])
    assert "Here is the latest on SP/10001/26" in say(first, sender, code)


def test_the_load_balancer_spreads_rest_turns_over_both_instances(cluster):
    before = len(upstreams_in_log(cluster, REST_PATH))
    for turn in range(4):
        assert say(cluster.public_url, f"spread-{turn}-{uuid.uuid4().hex[:6]}", "what are my rights")
    served = wait_for(lambda: upstreams_in_log(cluster, REST_PATH)[before:] or None, 10, "nginx's access log")
    assert {url.removeprefix("http://") for url in cluster.instance_urls} == set(served)


def test_an_sms_retried_to_the_other_instance_is_handled_once(cluster, twilio):
    number, sid = _number(), "SM" + uuid.uuid4().hex
    with ThreadPoolExecutor(2) as pool:  # Twilio's retry reaches the other instance while the first is in flight
        sends = [pool.submit(text_in, url, cluster.public_url, number, "hi", sid) for url in cluster.instance_urls]
        statuses = [send.result() for send in sends]
    assert statuses == [200, 200]
    replies = twilio.messages_to(number, 1)
    assert replies
    stored = wait_for(
        lambda: (
            (rows := _rows(cluster, "SELECT status FROM inbox WHERE provider_id = :sid", sid=sid))
            and rows[0].status == "handled"
            and rows
        ),
        60,
        "the message to be handled",
    )
    assert len(stored) == 1
    queued = wait_for(
        lambda: (
            (rows := _rows(cluster, "SELECT status FROM outbox WHERE recipient LIKE :n", n=f"%{number}%"))
            and all(row.status == "sent" for row in rows)
            and rows
        ),
        30,
        "the replies to be sent",
    )
    assert len(twilio.messages_to(number, len(queued) + 1, timeout=2)) == len(queued)  # one set of replies


async def _chat_once(connect_url: str, public_url: str, message: str) -> list[dict]:
    client = socketio.AsyncClient(reconnection=False)
    received: list[dict] = []
    tokens: list[str] = []
    confirmed, replied = asyncio.Event(), asyncio.Event()
    client.on("session_confirm", lambda data: (tokens.append(data), confirmed.set()))
    client.on("bot_uttered", lambda data: (received.append(data), replied.set()))
    await client.connect(  # polling: this aiohttp is too old for engineio's websocket client
        connect_url, socketio_path="/socket.io", transports=["polling"], headers={"Origin": public_url}
    )
    try:
        await client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 30)
        await client.emit("user_uttered", {"message": message, "session_id": tokens[0]})
        await asyncio.wait_for(replied.wait(), 60)
    finally:
        await client.disconnect()
    return received


def test_a_web_chat_reply_reaches_a_browser_on_the_other_instance(cluster):
    # The browser is on instance 1, which does not deliver web chat (HAVEN_WEBCHAT_DELIVERY=0): the reply is
    # emitted by instance 2's outbox worker and reaches the socket through Redis.
    replies = asyncio.run(_chat_once(cluster.instance_urls[0], cluster.public_url, "what are my rights"))
    assert any("Victims" in reply.get("text", "") for reply in replies)


def test_web_chat_works_through_the_load_balancer(cluster):
    replies = asyncio.run(_chat_once(cluster.public_url, cluster.public_url, "what are my rights"))
    assert any("Victims" in reply.get("text", "") for reply in replies)


def _inbox(cluster, sid: str) -> list:
    return _rows(cluster, "SELECT status, attempts FROM inbox WHERE provider_id = :sid", sid=sid)


def test_killing_an_instance_mid_turn_loses_nothing(cluster, twilio):
    number, sid = _number(), "SM" + uuid.uuid4().hex
    actions = cluster.processes[0]
    os.kill(actions.pid, signal.SIGSTOP)  # a new sender's session start (a custom action) now hangs: mid-turn
    try:
        assert text_in(cluster.public_url, cluster.public_url, number, "hi", sid) == 200
        took = wait_for(lambda: upstreams_in_log(cluster, SMS_PATH)[-1:], 10, "nginx's access log")[0]
        wait_for(lambda: _inbox(cluster, sid)[0].status == "processing", 30, "the turn to start")
        victim = next(i for i, url in enumerate(cluster.instance_urls) if url.endswith(took))
        cluster.rasa(victim).kill()  # the instance that received (and at once claimed) the message
        cluster.rasa(victim).wait(timeout=20)
    finally:
        os.kill(actions.pid, signal.SIGCONT)
    assert not port_open(int(took.rsplit(":", 1)[1]))
    wait_for(lambda: _inbox(cluster, sid)[0].status == "handled", 120, "the other instance to re-drive the message")
    assert _inbox(cluster, sid)[0].attempts == 2  # claimed by the killed instance, then by the survivor
    queued = wait_for(
        lambda: (
            (rows := _rows(cluster, "SELECT status FROM outbox WHERE recipient LIKE :n", n=f"%{number}%"))
            and all(row.status == "sent" for row in rows)
            and rows
        ),
        30,
        "the replies to be sent",
    )
    assert len(twilio.messages_to(number, len(queued) + 1, timeout=2)) == len(queued) > 0  # one set of replies
    for turn in range(3):  # the load balancer now sends everything to the survivor
        assert say(cluster.public_url, f"after-kill-{turn}-{uuid.uuid4().hex[:6]}", "what are my rights")
