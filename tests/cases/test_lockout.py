"""The throttle's arithmetic (delays, locks, growth, caps) and its hold on concurrent checks of one reference."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.cases.answers import VerificationAnswer
from bot.cases.lockout import LockState, state_from_failures
from bot.cases.verification import LOCKED, check_knowledge
from bot.db import session_scope
from bot.models.security import VerificationAttempt
from bot.models.verification import DisclosureGrant
from tests.cases.factories import make_case

T0 = datetime(2026, 11, 24, 12, 0)
S = timedelta(seconds=1)
M = timedelta(minutes=1)


def state(offsets: list[timedelta], now: timedelta) -> LockState:
    return state_from_failures(
        [T0 + offset for offset in offsets], now=T0 + now, max_failures=3, base_delay=15 * S, lock=30 * M
    )


@pytest.mark.parametrize(
    ("failures", "now", "expected"),
    [
        ([], 0 * S, LockState(False, None, 0, 3)),
        ([0 * S], 14 * S, LockState(False, T0 + 15 * S, 1, 2)),  # first delay: 15 s
        ([0 * S], 15 * S, LockState(False, None, 1, 2)),
        ([0 * S, 20 * S], 49 * S, LockState(False, T0 + 50 * S, 2, 1)),  # second delay: 30 s
        ([0 * S, 20 * S], 50 * S, LockState(False, None, 2, 1)),
        ([0 * S, 1 * M, 2 * M], 2 * M, LockState(True, T0 + 32 * M, 3, 0)),  # third: lock 30 min
        ([0 * S, 1 * M, 2 * M], 32 * M, LockState(False, None, 3, 1)),  # after the lock: one more try
        ([0 * S, 1 * M, 2 * M, 40 * M], 99 * M, LockState(True, T0 + 100 * M, 4, 0)),  # then 60 min
        ([0 * S, 1 * M, 2 * M, 40 * M, 101 * M], 200 * M, LockState(True, T0 + 221 * M, 5, 0)),  # then 120
    ],
)
def test_delays_grow_then_locks_grow(failures, now, expected):
    assert state(failures, now) == expected


def test_delays_never_exceed_a_minute_and_locks_a_day():
    many = [T0 + i * S for i in range(9)]
    assert state_from_failures(many, now=T0, max_failures=10, base_delay=15 * S, lock=30 * M).retry_at == many[-1] + M
    locked = state_from_failures(many, now=T0, max_failures=2, base_delay=15 * S, lock=30 * M)
    assert locked.retry_at == many[-1] + timedelta(hours=24)


def test_waiting_is_a_delay_not_a_lock():
    assert state([0 * S], 1 * S).waiting and not state([0 * S], 16 * S).waiting
    assert not state([0 * S, 1 * M, 2 * M], 3 * M).waiting


def test_parallel_guesses_from_many_senders_are_checked_one_at_a_time(db_url, session):
    """Twelve senders guess at the same instant: one is checked, the rest wait out its delay unread."""
    make_case(session, reference="SP/20001/26", dob=None, postcode=None, pin="482913", contact=None)
    session.close()
    now = datetime.utcnow()
    wrong = VerificationAnswer(dob=date(1970, 1, 1), postcode="SX99ZZ")

    def guess(index: int) -> str:
        with session_scope() as own:
            outcome = check_knowledge(own, reference="SP/20001/26", sender_key=f"rest:g{index}", answer=wrong, now=now)
            return outcome.status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(guess, range(12)))
    with session_scope() as check:
        checked = check.scalar(select(func.count(VerificationAttempt.id)))
        grants = check.scalar(select(func.count(DisclosureGrant.id)))
    assert checked == 1  # the first wrong guess; every later one arrives inside its delay and is refused unread
    assert grants == 0 and LOCKED not in statuses
    assert sorted(statuses) == ["wait"] * 11 + ["wrong"]
