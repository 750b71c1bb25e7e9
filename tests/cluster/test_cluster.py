"""Two Rasa instances behind nginx on PostgreSQL and Redis: state, once-only handling, web chat, the console,
an instance lost."""

from __future__ import annotations

import asyncio
import os
import signal
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import socketio

from bot.cases.one_time_codes import read_code
from bot.console.pages_queue import masked_contact
from connectors.webchat.session import session_of
from tests.cluster.conftest import port_open, upstreams_in_log, wait_for
from tests.cluster.socket_client import WebSocketChat
from tests.cluster.talk import REST_PATH, inbox, phone_number, post_json, queue_entry, rows, say, text_in
from tests.console.conftest import log_in

QUESTION, ANSWERED = "what are my rights", "Victims"  # a question and a word of its answer


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
    number, sid = phone_number(), "SM" + uuid.uuid4().hex
    with ThreadPoolExecutor(2) as pool:  # Twilio's retry reaches the other instance while the first is in flight
        sends = [pool.submit(text_in, url, cluster.public_url, number, "hi", sid) for url in cluster.instance_urls]
        statuses = [send.result() for send in sends]
    assert statuses == [200, 200]
    replies = twilio.messages_to(number, 1)
    assert replies
    stored = wait_for(
        lambda: (
            (found := rows(cluster, "SELECT status FROM inbox WHERE provider_id = :sid", sid=sid))
            and found[0].status == "handled"
            and found
        ),
        60,
        "the message to be handled",
    )
    assert len(stored) == 1
    queued = wait_for(
        lambda: (
            (found := rows(cluster, "SELECT status FROM outbox WHERE recipient LIKE :n", n=f"%{number}%"))
            and all(row.status == "sent" for row in found)
            and found
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


def test_web_chat_on_the_websocket_transport_alone_works_through_the_load_balancer(cluster):
    async def conversation() -> list[str]:
        chat = WebSocketChat(cluster.public_url, origin=cluster.public_url)
        await chat.connect()  # fails unless nginx passes the Upgrade
        try:
            token = await chat.start_session()
            await chat.say(token, QUESTION)
            return await chat.texts_until(ANSWERED)
        finally:
            await chat.close()

    assert ANSWERED in asyncio.run(conversation())[-1]


def test_a_staff_reply_from_one_instance_reaches_a_victims_socket_on_the_other(cluster, console_headers):
    # The socket is on instance 1, which does not deliver web chat; staff use instance 2's console API.
    on_socket, on_console = cluster.instance_urls
    staff_text = "I'm here. Are you somewhere safe?"

    async def scenario() -> list[str]:
        chat = WebSocketChat(on_socket, origin=cluster.public_url)
        await chat.connect()
        try:
            token = await chat.start_session()
            await chat.say(token, "can I talk to a real person please")
            sender_id = f"webchat:{session_of(token, cluster.env['HAVEN_SECRET_KEY'])}"
            entry = await asyncio.to_thread(
                wait_for, lambda: queue_entry(on_console, console_headers, sender_id), 60, "the hand-off"
            )
            base = f"{on_console}/console/api/conversations/{entry['id']}"
            assert await asyncio.to_thread(post_json, f"{base}/claim", {}, console_headers) == 200
            assert await asyncio.to_thread(post_json, f"{base}/reply", {"text": staff_text}, console_headers) == 200
            return await chat.texts_until("somewhere safe", timeout=30)
        finally:
            await chat.close()

    assert "Are you somewhere safe?" in asyncio.run(scenario())[-1]


def test_the_live_view_on_one_instance_shows_a_message_handled_on_the_other(cluster, staff):
    watching, handling = cluster.instance_urls
    sender = f"live-{uuid.uuid4().hex[:12]}"

    async def scenario() -> dict:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as console:
            signed_in = await log_in(console, watching, staff)
            assert signed_in.status == 303, await signed_in.text()
            await asyncio.to_thread(say, handling, sender, QUESTION)
            deadline = asyncio.get_running_loop().time() + 30
            while asyncio.get_running_loop().time() < deadline:  # the page polls live.json the same way
                async with console.get(f"{watching}/console/live.json?sort=recent") as feed:
                    items = (await feed.json())["items"]
                shown = [item for item in items if item["contact"] == masked_contact(f"rest:{sender}")]
                if shown:
                    return shown[0]
                await asyncio.sleep(0.5)
        raise AssertionError("the message never showed in the other instance's live view")

    row = asyncio.run(scenario())
    assert (row["channel"], row["message_count"], row["state"]) == ("rest", 1, "bot")


def socket_instance(cluster) -> int:
    """The instance nginx pins this machine's sockets to (ip_hash): where a polling handshake lands."""
    with urllib.request.urlopen(f"{cluster.public_url}/socket.io/?EIO=4&transport=polling", timeout=30):
        pass
    took = wait_for(lambda: upstreams_in_log(cluster, "/socket.io/")[-1:], 10, "nginx's access log")[0]
    return next(i for i, url in enumerate(cluster.instance_urls) if url.endswith(took))


def kill_mid_sms_turn(cluster, victim: int, number: str, sid: str) -> None:
    """Send an SMS to instance `victim` and kill it (-9) while the turn waits for the (stopped) action server."""
    actions, other = cluster.processes[0], cluster.rasa(1 - victim)
    os.kill(actions.pid, signal.SIGSTOP)  # a new sender's session start (a custom action) now hangs: mid-turn
    try:
        os.kill(other.pid, signal.SIGSTOP)  # so that the victim, not the other's inbox poller, claims the message
        try:
            assert text_in(cluster.instance_urls[victim], cluster.public_url, number, "hi", sid) == 200
            wait_for(lambda: inbox(cluster, sid)[0].status == "processing", 30, "the turn to start")
        finally:
            os.kill(other.pid, signal.SIGCONT)
        cluster.rasa(victim).kill()
        cluster.rasa(victim).wait(timeout=20)
    finally:
        os.kill(actions.pid, signal.SIGCONT)


async def browser_through_a_kill(cluster, number: str, sid: str) -> tuple[str, str, list[str]]:
    """A browser on the load balancer talks, its instance is killed mid-SMS-turn, and it comes back through the load
    balancer with its session token: (the token before, the token confirmed after, the texts after)."""
    chat = WebSocketChat(cluster.public_url, origin=cluster.public_url)
    await chat.connect()
    try:
        token = await chat.start_session()
        await chat.say(token, QUESTION)
        await chat.texts_until(ANSWERED)
        victim = await asyncio.to_thread(socket_instance, cluster)
        await asyncio.to_thread(kill_mid_sms_turn, cluster, victim, number, sid)
        assert not port_open(int(cluster.instance_urls[victim].rsplit(":", 1)[1]))
        await chat.wait_closed(timeout=30)
    finally:
        await chat.close()
    again = WebSocketChat(cluster.public_url, origin=cluster.public_url)  # as the page reconnects, resuming
    await again.connect()
    try:
        resumed = await again.start_session(token)
        await again.say(resumed, QUESTION)
        return token, resumed, await again.texts_until(ANSWERED, timeout=90)
    finally:
        await again.close()


def test_killing_an_instance_mid_turn_loses_nothing(cluster, twilio):
    number, sid = phone_number(), "SM" + uuid.uuid4().hex
    token, resumed, after = asyncio.run(browser_through_a_kill(cluster, number, sid))
    assert resumed == token and ANSWERED in after[-1]  # the same session, and the conversation goes on
    session_id = session_of(token, cluster.env["HAVEN_SECRET_KEY"])
    web_turns = rows(cluster, "SELECT status FROM inbox WHERE provider = 'webchat' AND address = :a", a=session_id)
    assert [row.status for row in web_turns] == ["handled", "handled"]  # each message stored and handled once
    wait_for(lambda: inbox(cluster, sid)[0].status == "handled", 120, "the other instance to re-drive the message")
    assert inbox(cluster, sid)[0].attempts == 2  # claimed by the killed instance, then by the survivor
    queued = wait_for(
        lambda: (
            (found := rows(cluster, "SELECT status FROM outbox WHERE recipient LIKE :n", n=f"%{number}%"))
            and all(row.status == "sent" for row in found)
            and found
        ),
        30,
        "the replies to be sent",
    )
    assert len(twilio.messages_to(number, len(queued) + 1, timeout=2)) == len(queued) > 0  # one set of replies
    for turn in range(3):  # the load balancer now sends everything to the survivor
        assert say(cluster.public_url, f"after-kill-{turn}-{uuid.uuid4().hex[:6]}", QUESTION)
