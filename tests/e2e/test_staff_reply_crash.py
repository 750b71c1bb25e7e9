"""End to end (issue 11): kill -9 of the Rasa server, or of the worker, while a staff reply is being sent.

The victim writes by SMS and staff reply through the console API; a fake Twilio holds the reply's send open,
so each kill lands at a known point of its path. Nothing is lost, order per recipient is kept, staff see each
reply once, and the conversation still waits for the person. Only the worker's own crash mid-send repeats a
text, the one in flight, by design (bot/outbox/claims.py: at least once).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, POSTGRES_URL, _fresh_postgres_schema
from tests.e2e.conftest import MODEL, ThreadedTwilio
from tests.e2e.sms_probe import inbox_status, settled_bodies, text_in, wait_for
from tests.e2e.stack import E2E_WORKER, PROJECT_ROOT, VENV_BIN, HavenStack, start_stack
from tests.e2e.test_escalation_recovery import queued
from tests.e2e.tokens import issue_token
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER
from tests.worker.holding_twilio import HoldingTwilioApi

pytestmark = pytest.mark.slow
RISK = "he said he will kill me tonight"
FIRST, SECOND = "I'm here. Are you safe right now?", "Can you get to a room with a lock?"
FOLLOW_UP = "yes I'm in the bathroom"
# A send may stay open longer than the Rasa server takes to restart; a worker claim lasts three sends.
PATIENT_WORKER = {"HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS": "90", "HAVEN_OUTBOX_LEASE_SECONDS": "270"}
# A claim whose worker dies is taken over within seconds.
SHORT_LEASE_WORKER = {"HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS": "5", "HAVEN_OUTBOX_LEASE_SECONDS": "15"}


class HoldingTwilio(ThreadedTwilio):
    """The threaded fake Twilio, able to hold the answer to one send open (tests/worker/holding_twilio.py)."""

    def __init__(self) -> None:
        super().__init__()
        self._run(self.fake.stop())  # the same event loop thread, serving the holding fake instead
        self.fake = HoldingTwilioApi()
        self.base_url = self._run(self.fake.start())

    def hold(self, body: str) -> None:
        """Accept the next send of `body` but answer it only at `release()`."""

        async def arm() -> None:
            self.fake.hold_body = body
            self.fake.holding.clear()
            self.fake._release.clear()

        self._run(arm())

    def wait_until_holding(self) -> None:
        wait_for(self.fake.holding.is_set, 30, "the reply to reach Twilio")

    def release(self) -> None:
        self.loop.call_soon_threadsafe(self.fake.release)


@pytest.fixture(scope="module", params=BACKENDS)
def replying(request, tmp_path_factory) -> Iterator[tuple[HavenStack, HoldingTwilio, dict]]:
    """A stack of its own (these tests kill its processes) on SQLite or PostgreSQL; its Twilio; console headers."""
    twilio = HoldingTwilio()
    database_url, schema = _fresh_postgres_schema(POSTGRES_URL) if request.param == "postgresql" else (None, None)
    stack = start_stack(
        workdir=tmp_path_factory.mktemp("haven-reply-crash"), model=MODEL,
        extra_env={
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url, "HAVEN_INBOX_POLL_MS": "100", **PATIENT_WORKER,
            **({"DATABASE_URL": database_url} if database_url else {}),
        },
    )  # fmt: skip
    yield stack, twilio, {"Authorization": f"Bearer {issue_token(stack, E2E_WORKER)}"}
    stack.stop()
    twilio.close()
    if schema:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def restart_worker(stack: HavenStack, **settings: str) -> None:
    """Stop the stack's worker (if a kill -9 has not) and start another, its HAVEN_* `settings` overridden."""
    old = stack.processes[2]
    if old.poll() is None:
        old.terminate()
        old.wait(timeout=60)
    with open(stack.log_path, "a") as log:
        stack.processes[2] = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "bot", "worker"],
            cwd=PROJECT_ROOT, env={**stack.env, **settings}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


def kill_worker(stack: HavenStack) -> None:
    """kill -9 the worker: the send it holds open never gets its outcome recorded."""
    stack.processes[2].kill()
    stack.processes[2].wait(timeout=20)


def staff_sends(stack: HavenStack, number: str) -> list[tuple[str, int]]:
    """(status, attempts) of the staff messages queued for `number`, oldest first, from the outbox."""
    engine = create_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = text("SELECT status, attempts FROM outbox WHERE recipient = :r AND origin = 'staff' ORDER BY id")
            return [tuple(row) for row in connection.execute(query, {"r": number}).all()]
    finally:
        engine.dispose()


def claimed_case(stack: HavenStack, twilio: HoldingTwilio, headers: dict, number: str) -> tuple[int, list[str]]:
    """After a greeting, a risk SMS opens a hand-off; the e2e worker claims it. (hand-off id, texts the victim got)"""
    assert text_in(stack, number, "hello", f"SM{number[-4:]}-0") == 200
    wait_for(lambda: inbox_status(stack, f"SM{number[-4:]}-0") == "handled", 90, "the greeting")
    assert text_in(stack, number, RISK, f"SM{number[-4:]}-1") == 200
    handoff_id = queued(stack, headers, f"sms:{number}")["id"]
    told = settled_bodies(twilio, number, 3)
    assert any("our team" in body for body in told), told  # the advice, and who helps next
    status, _ = stack.post_json(f"/console/api/conversations/{handoff_id}/claim", {}, headers=headers)
    assert status == 200
    return handoff_id, told


def reply(stack: HavenStack, headers: dict, handoff_id: int, words: str) -> None:
    status, body = stack.post_json(f"/console/api/conversations/{handoff_id}/reply", {"text": words}, headers=headers)
    assert status == 200, body


def staff_view(stack: HavenStack, headers: dict, handoff_id: int) -> dict:
    status, view = stack.get_json(f"/console/api/conversations/{handoff_id}", headers=headers)
    assert status == 200, view
    return view


def assert_still_with_staff(stack: HavenStack, twilio: HoldingTwilio, headers: dict, number: str, handoff_id: int):
    """Staff see each reply once and still own the hand-off; the victim's next text reaches them, the bot is quiet."""
    sent = settled_bodies(twilio, number, 1)
    assert text_in(stack, number, FOLLOW_UP, f"SM{number[-4:]}-2") == 200
    wait_for(lambda: inbox_status(stack, f"SM{number[-4:]}-2") == "handled", 60, "the victim's next message")
    view = staff_view(stack, headers, handoff_id)
    assert (view["status"], view["claimed_by"]) == ("active", E2E_WORKER)
    assert [entry["text"] for entry in view["transcript"] if entry["kind"] == "staff"] == [FIRST, SECOND]
    assert [entry["text"] for entry in view["transcript"] if entry["kind"] == "user"][-1] == FOLLOW_UP
    assert settled_bodies(twilio, number, len(sent)) == sent  # waiting for the person: the bot says nothing


def test_kill_9_of_the_rasa_server_while_a_reply_is_being_sent_loses_and_repeats_nothing(replying):
    stack, twilio, headers = replying
    number = "+447700900711"
    handoff_id, before = claimed_case(stack, twilio, headers, number)
    twilio.hold(FIRST)
    reply(stack, headers, handoff_id, FIRST)  # answered 200: recorded and queued in one transaction
    twilio.wait_until_holding()  # the worker's send of it is open at Twilio
    stack.kill_rasa_server()
    stack.start_rasa_server()
    reply(stack, headers, handoff_id, SECOND)  # queued behind the reply still in flight
    twilio.release()
    assert settled_bodies(twilio, number, len(before) + 2) == [*before, FIRST, SECOND]
    assert staff_sends(stack, number) == [("sent", 1), ("sent", 1)]
    assert_still_with_staff(stack, twilio, headers, number, handoff_id)


def test_kill_9_of_the_worker_holding_a_reply_sends_only_that_reply_again(replying):
    stack, twilio, headers = replying
    number = "+447700900712"
    handoff_id, before = claimed_case(stack, twilio, headers, number)
    restart_worker(stack, **SHORT_LEASE_WORKER)
    try:
        twilio.hold(FIRST)
        reply(stack, headers, handoff_id, FIRST)
        twilio.wait_until_holding()
        kill_worker(stack)  # well within the send timeout: the send's outcome is never recorded
        reply(stack, headers, handoff_id, SECOND)
        assert staff_sends(stack, number) == [("sending", 1), ("pending", 0)]  # the first under its lease
        twilio.release()  # Twilio's answer reaches no one
        restart_worker(stack, **SHORT_LEASE_WORKER)
        wait_for(lambda: staff_sends(stack, number) == [("sent", 2), ("sent", 1)], 40, "both replies sent")
    finally:
        restart_worker(stack)  # the stack's own worker again
    # At least once (README, "Worker process"): the send in flight when the worker died is made again once
    # its lease runs out; every other message once, in order.
    assert settled_bodies(twilio, number, len(before) + 3) == [*before, FIRST, FIRST, SECOND]
    assert_still_with_staff(stack, twilio, headers, number, handoff_id)
