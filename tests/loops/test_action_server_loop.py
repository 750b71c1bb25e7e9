"""The action server's event loop never blocks: an escalation is answered while ten verifications run.

Each wrong verification answer costs an argon2 check (about 160 ms of CPU). If those ran on the action
server's one event loop, requests would be served one after the other, and an escalation sent just after
ten verifications would be answered last. The assertions are on the ORDER of the answers, not on times.
"""

from __future__ import annotations

import pytest

from bot.settings import get_settings
from tests.cases.replies import said_in_reply, text_of
from tests.loops.action_server import (
    action_server,
    escalation_call,
    run_actions,
    verification_call,
    wrong_answers,
)
from tests.loops.burst import Reply

VERIFICATIONS = 10
MOST = VERIFICATIONS // 2  # the escalation must be answered before more than this many verifications finish


def _order(replies: list[Reply]) -> str:
    return ", ".join(f"{reply.name} ({reply.seconds * 1000:.0f} ms)" for reply in replies)


@pytest.mark.slow
def test_an_escalation_is_answered_before_most_of_ten_concurrent_verifications(db_url, tmp_path) -> None:
    with action_server(database_url=db_url, log_path=tmp_path / "actions.log") as server:
        # warm up: the engine, the dummy hash and the thread pools exist before the burst
        run_actions(server, [("warm-up verification", verification_call("rest:warm-up", "SP/39999/26"))])
        run_actions(server, [("warm-up escalation", escalation_call("rest:warm-up-escalation"))])
        burst = [*wrong_answers(VERIFICATIONS), ("escalation", escalation_call("sms:+447700900999"))]
        replies = run_actions(server, burst)

    order = [reply.name for reply in replies]
    escalation = replies[order.index("escalation")]
    assert escalation.status == 200, escalation.body
    assert any("999" in text for text in said_in_reply(escalation.json())), escalation.body
    attempts_left = get_settings().verification_max_failures - 1
    wrong = text_of("utter_verification_wrong_tries_left", attempts_left=attempts_left)
    assert attempts_left > 1 and wrong.endswith(f"You can try {attempts_left} more times.")
    for reply in replies:
        if reply.name.startswith("verification"):
            assert reply.status == 200, reply.body
            assert said_in_reply(reply.json()) == [wrong]
    finished_first = order.index("escalation")
    assert finished_first <= MOST, f"the escalation waited behind {finished_first} verifications: {_order(replies)}"
