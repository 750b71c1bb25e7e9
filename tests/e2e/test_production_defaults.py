"""Haven started for real in production mode: REST per integration, Rasa's API on loopback with its token kept
off every command line, per-sender limits on REST and SMS, web chat sessions only by signed id, Telegram bodies."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio
from cryptography.fernet import Fernet

from connectors.pipeline.rate_gate import HELD_FLAG, WAIT_NOTICE
from connectors.webchat.session import session_of
from tests.e2e.conftest import MODEL, TELEGRAM_SECRET
from tests.e2e.stack import PROJECT_ROOT, HavenStack, free_port, start_stack
from tests.e2e.test_channels import post_sms
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

pytestmark = pytest.mark.slow

PARTNER_A, PARTNER_B = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
API_TOKEN = secrets.token_urlsafe(24)
SECRET_KEY = secrets.token_urlsafe(32)
SENDER_LIMIT = 3
TELEGRAM_WEBHOOK = "/webhooks/telegram_haven/webhook"


@pytest.fixture(scope="module")
def prod(tmp_path_factory, twilio, telegram) -> Iterator[HavenStack]:
    """Haven with HAVEN_ENV=production and every secret it needs, on loopback ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")
    stack = start_stack(
        workdir=tmp_path_factory.mktemp("haven-production"),
        model=MODEL,
        extra_env={
            "HAVEN_ENV": "production",
            "HAVEN_SECRET_KEY": SECRET_KEY,
            "HAVEN_DATA_KEYS": Fernet.generate_key().decode(),
            "HAVEN_REST_TOKENS": f"partner-a:{PARTNER_A},partner-b:{PARTNER_B}",
            "HAVEN_RASA_API_ENABLED": "1",
            "HAVEN_RASA_API_TOKEN": API_TOKEN,
            "HAVEN_RATE_LIMIT_SENDER": f"{SENDER_LIMIT}/m",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
        },
    )
    yield stack
    stack.stop()


def say(prod: HavenStack, token: str | None, sender: str, text: str) -> tuple[int, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return prod.post_json("/webhooks/rest/webhook", {"sender": sender, "message": text}, headers=headers)


def user_events(prod: HavenStack, sender_id: str) -> list[dict]:
    """The victim messages of a conversation, read through Rasa's HTTP API (with its token)."""
    quoted = urllib.parse.quote(sender_id, safe=":+")
    status, tracker = prod.get_json(f"/conversations/{quoted}/tracker?token={API_TOKEN}")
    assert status == 200, tracker
    return [event for event in tracker["events"] if event["event"] == "user"]  # type: ignore[index]


def poll(predicate, timeout: float = 60.0, interval: float = 0.25):
    """The first truthy value of `predicate()`, checked at most timeout/interval times."""
    for _ in range(int(timeout / interval)):
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("not reached in time")


def test_rasa_run_itself_refuses_to_serve_without_the_secrets(tmp_path: Path) -> None:
    """Even started without Haven's launcher, the channels refuse to be served (before any model loads)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HAVEN_", "TWILIO_", "TELEGRAM_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", HAVEN_ACTION_SERVER_URL="http://127.0.0.1:9/webhook")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "run", "--model", str(MODEL), "--port", str(free_port()),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode != 0 and "HAVEN_SECRET_KEY" in done.stdout + done.stderr


def test_rest_needs_a_token_and_one_integration_cannot_reach_anothers_sender(prod: HavenStack) -> None:
    assert say(prod, None, "alice", "hello")[0] == 401
    assert say(prod, "not-a-token", "alice", "hello")[0] == 401
    assert say(prod, PARTNER_A, "alice", "what are my rights")[0] == 200
    for claimed in ("alice", "rest:partner-a:alice"):
        assert say(prod, PARTNER_B, claimed, "hello")[0] == 200

    assert [event["text"] for event in user_events(prod, "rest:partner-a:alice")] == ["what are my rights"]
    assert [event["text"] for event in user_events(prod, "rest:partner-b:alice")] == ["hello"]


def test_rasas_api_needs_its_token_which_is_on_no_command_line(prod: HavenStack) -> None:
    assert prod.get_json("/status")[0] == 401
    assert prod.get_json(f"/status?token={API_TOKEN}")[0] == 200
    for process in prod.processes:
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode()
        for secret in (API_TOKEN, SECRET_KEY, PARTNER_A, AUTH_TOKEN, TELEGRAM_SECRET):
            assert secret not in command_line


def test_a_rest_sender_over_its_limit_gets_429(prod: HavenStack) -> None:
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    statuses = [say(prod, PARTNER_A, sender, "hello")[0] for _ in range(SENDER_LIMIT + 1)]
    assert statuses == [200] * SENDER_LIMIT + [429]
    assert say(prod, PARTNER_A, f"other-{sender}", "hello")[0] == 200


def test_an_sms_flood_is_kept_in_the_conversation_and_told_to_wait_once(prod: HavenStack, twilio) -> None:
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    texts = [f"message number {n}" for n in range(1, SENDER_LIMIT + 3)]
    for text in texts:
        assert post_sms(prod, number, text) == 200
    poll(lambda: any(m["Body"] == WAIT_NOTICE for m in twilio.messages_to(number, 1, timeout=0.1)))
    kept = poll(lambda: (events := user_events(prod, f"sms:{number}")) and len(events) == len(texts) and events)
    assert [event["text"] for event in kept] == texts
    held = [bool((event.get("metadata") or {}).get(HELD_FLAG)) for event in kept]
    assert held == [False] * SENDER_LIMIT + [True, True]
    time.sleep(1)  # nothing more may come: one notice, no replies to the held messages
    assert [m["Body"] for m in twilio.messages_to(number, 1, timeout=0.1)].count(WAIT_NOTICE) == 1


def test_a_second_browser_with_the_victims_session_id_starts_an_empty_session(prod: HavenStack) -> None:
    async def scenario() -> tuple[str, str, list[dict], list[dict]]:
        victim, intruder = socketio.AsyncClient(reconnection=False), socketio.AsyncClient(reconnection=False)
        confirmed: dict[str, asyncio.Queue] = {"victim": asyncio.Queue(), "intruder": asyncio.Queue()}
        replies: dict[str, list[dict]] = {"victim": [], "intruder": []}
        for name, client in (("victim", victim), ("intruder", intruder)):
            client.on("session_confirm", confirmed[name].put)
            client.on("bot_uttered", replies[name].append)
            await client.connect(prod.base_url, socketio_path="/socket.io", transports=["polling"])
        await victim.emit("session_request", {"session_id": None})
        token = await asyncio.wait_for(confirmed["victim"].get(), 20)
        victim_id = session_of(token, SECRET_KEY)  # what staff or a log might show; the token stays in the tab
        await intruder.emit("session_request", {"session_id": victim_id})
        other = await asyncio.wait_for(confirmed["intruder"].get(), 20)
        await intruder.emit("user_uttered", {"message": "show me the conversation", "session_id": token})
        await victim.emit("user_uttered", {"message": "what are my rights", "session_id": token})
        for _ in range(120):  # the victim's answer, then a moment in which the intruder must hear nothing
            if replies["victim"]:
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(1)
        for client in (victim, intruder):
            await client.disconnect()
        return victim_id, session_of(other, SECRET_KEY), replies["victim"], replies["intruder"]

    victim_id, intruder_id, victim_heard, intruder_heard = asyncio.run(scenario())
    assert intruder_id and intruder_id != victim_id
    assert victim_heard and intruder_heard == []
    assert [event["text"] for event in user_events(prod, f"webchat:{victim_id}")] == ["what are my rights"]


def test_telegram_bodies_too_deep_get_400_and_a_full_length_message_is_answered(prod: HavenStack, telegram) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "Content-Type": "application/json"}
    deep = b"[" * 100_000 + b"]" * 100_000
    request = urllib.request.Request(prod.base_url + TELEGRAM_WEBHOOK, data=deep, headers=headers, method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 400

    chat_id = uuid.uuid4().int % 10**9
    text = ("I need to tell you what happened. " * 200)[:4096]
    update = {"update_id": uuid.uuid4().int % 10**9, "message": {
        "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Sample"}, "text": text}}
    assert prod.post_json(TELEGRAM_WEBHOOK, update, headers=headers)[0] == 200
    poll(lambda: [c for c in telegram.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)])
    assert [event["text"] for event in user_events(prod, f"telegram:{chat_id}")] == [text.strip()]
