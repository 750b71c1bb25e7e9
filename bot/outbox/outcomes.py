"""Recording what became of a claimed outbox message: in its own transaction, through a database outage.

A failed attempt is rescheduled with back-off, then held to its origin's permitted times (bot/outbox/holds.py),
both in one transaction, so a retry of an unprompted message never goes out in quiet hours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from bot.db import session_scope
from bot.models.base import utcnow
from bot.outbox import claims, holds, senders
from bot.outbox.policy import RetryPolicy

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message: a provider id, or a storable error summary."""

    message: claims.ClaimedMessage
    provider_id: str | None
    error: str | None
    permanent: bool
    error_type: str | None
    retry_after: float | None = None  # seconds the provider asked us to wait (Telegram's retry_after)


def describe_error(error: BaseException) -> str:
    """A summary safe to store: the error type and provider codes, never the provider's message text."""
    if isinstance(error, senders.PermanentDeliveryError):
        return f"permanent: {error}"
    parts = [type(error).__name__]
    for attribute in ("status", "code"):
        value = getattr(error, attribute, None)
        if isinstance(value, (int, str)) and str(value).isdigit():
            parts.append(f"{attribute} {value}")
    return " ".join(parts)


def retry_after_of(error: BaseException) -> float | None:
    """The wait a provider asked for with its error (python-telegram-bot's RetryAfter), in seconds."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def while_leased(
    operation: Callable[..., Result], message: claims.ClaimedMessage, engine: Engine | None, **kwargs: Any
) -> Result:
    """`operation(session, message, ...)` in its own transaction, retried through a database outage while
    the lease lasts (after that the row is no longer this worker's to record); the last error is raised."""
    remaining = ((message.lease_expires_at or utcnow()) - utcnow()).total_seconds()
    for attempt in Retrying(
        stop=stop_after_delay(max(remaining, 0.0)),
        wait=wait_exponential(multiplier=0.1, max=2.0),
        retry=retry_if_exception_type(SQLAlchemyError),
        reraise=True,
    ):
        with attempt, session_scope(engine) as session:
            return operation(session, message, **kwargs)
    raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover


def release_claim(message: claims.ClaimedMessage, engine: Engine | None) -> bool:
    """Give back a claim that was never sent."""
    return while_leased(claims.release, message, engine)


def fail_attempt(session: Session, message: claims.ClaimedMessage, **attempt: Any) -> str | None:
    """`claims.mark_failed_attempt` (same keywords), then hold a scheduled retry to its origin's permitted
    times; returns the final status, None if the lease was lost."""
    status = claims.mark_failed_attempt(session, message, **attempt)
    if status == "pending":
        status = holds.hold_retry(session, message.id) or status
    return status


def record_outcome(
    outcome: Outcome, engine: Engine | None, policy: RetryPolicy, *, now: datetime | None = None
) -> None:
    """Store sent / retry / failed for the current lease holder; a lost lease is logged, never overwritten."""
    message = outcome.message
    if outcome.error is None:
        recorded = while_leased(
            claims.mark_sent, message, engine, provider_message_id=outcome.provider_id or "", now=now
        )
        if recorded:
            logger.debug("outbox message %s sent on %s", message.id, message.channel)
        else:
            logger.warning("outbox message %s sent after its lease was taken over: it may arrive twice", message.id)
        return
    status = while_leased(
        fail_attempt,
        message,
        engine,
        error=outcome.error,
        permanent=outcome.permanent,
        policy=policy,
        not_before_seconds=outcome.retry_after or 0.0,
        now=now,
    )
    if status is None:
        logger.warning("outbox message %s attempt failed after its lease was taken over", message.id)
        return
    log = logger.error if status == "failed" else logger.warning
    log("outbox message %s attempt %s failed (%s): %s", message.id, message.attempts, status, outcome.error_type)
