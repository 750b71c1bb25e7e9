"""Fault tests of the durable inbox with real processes on loopback: a crash or a locked database loses no
message a provider was told we received, and answers none twice."""

from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import MODEL, ThreadedTwilio
from tests.e2e.sms_probe import inbox_status, settled_bodies, text_in, wait_for
from tests.e2e.stack import HavenStack, start_stack
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

LEASE_SECONDS = 3  # how soon a crashed turn is re-driven in these tests


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Iterator[tuple[HavenStack, ThreadedTwilio]]:
    """A stack of its own (these tests kill and lock it), talking SMS to a local Twilio."""
    twilio = ThreadedTwilio()
    stack = start_stack(
        workdir=tmp_path_factory.mktemp("haven-faults"), model=MODEL,
        extra_env={
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url, "HAVEN_INBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "HAVEN_INBOX_POLL_MS": "100",
        },
    )
    yield stack, twilio
    stack.stop()
    twilio.close()


def test_a_crash_between_acknowledging_an_sms_and_handling_it_loses_nothing_and_answers_once(faulty) -> None:
    stack, twilio = faulty
    assert text_in(stack, "+447700900501", "hello", "SMcontrol") == 200
    control = settled_bodies(twilio, "+447700900501", 1)  # what one "hello" is answered with, no fault

    action_server = stack.processes[0]
    action_server.send_signal(signal.SIGSTOP)  # the turn's first custom action (session start) now hangs
    try:
        assert text_in(stack, "+447700900502", "hello", "SMcrash") == 200  # acknowledged to Twilio
        wait_for(lambda: inbox_status(stack, "SMcrash") == "processing", 30, "the turn to start")
        stack.kill_rasa_server()  # mid-turn: acknowledged, not handled
    finally:
        action_server.send_signal(signal.SIGCONT)
    assert inbox_status(stack, "SMcrash") == "processing"  # stored, still owed an answer
    stack.start_rasa_server()
    assert text_in(stack, "+447700900502", "hello", "SMcrash") == 200  # Twilio's retry: not dropped, not doubled
    wait_for(lambda: inbox_status(stack, "SMcrash") == "handled", 60, "the re-driven turn")
    assert settled_bodies(twilio, "+447700900502", len(control)) == control  # one set of replies


def test_a_locked_database_delays_messages_but_loses_and_repeats_none(faulty) -> None:
    stack, twilio = faulty
    database = Path(stack.env["DATABASE_URL"].removeprefix("sqlite:///"))
    before = text_in(stack, "+447700900503", "hello", "SMlock-before")  # stored before the outage
    assert before == 200
    lock = sqlite3.connect(database, timeout=30, isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")  # nobody else may read or write for 10 seconds
    released = threading.Timer(10, lambda: (lock.execute("COMMIT"), lock.close()))
    released.start()
    try:
        statuses = {"SMlock-1": text_in(stack, "+447700900504", "hello", "SMlock-1")}
    finally:
        released.join()
    for sid, status in statuses.items():  # a message refused while locked is sent again, as Twilio does
        assert status in (200, 503)
        if status == 503:
            assert text_in(stack, "+447700900504", "hello", sid) == 200
    wait_for(lambda: inbox_status(stack, "SMlock-before") == "handled", 90, "the message stored before the outage")
    wait_for(lambda: inbox_status(stack, "SMlock-1") == "handled", 90, "the message sent during the outage")
    first = settled_bodies(twilio, "+447700900503", 1)
    second = settled_bodies(twilio, "+447700900504", 1)
    assert first == second and len(set(first)) == len(first)  # each answered once, fully
    assert stack.processes[1].poll() is None and stack.processes[2].poll() is None  # nothing crashed
