"""Outbox enqueue: store a message once per idempotency key, one row per part, and wake in-process workers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress, is_opted_out
from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.outbox import senders
from bot.outbox.wakeups import notify_on_commit

_NOTIFY_PENDING = "haven_outbox_notify_pending"
_LISTENING = "haven_outbox_listening"
MAX_KEY_CHARS = 190  # the column holds 200: room for "#<part>"


def part_keys(idempotency_key: str, parts: int) -> list[str]:
    """The stored key of each row one enqueue became: "<key>#0", "<key>#1", ..."""
    return [f"{idempotency_key}#{position}" for position in range(parts)]


def _notify_after_commit(session: Session) -> None:
    """Wake in-process workers once the session commits (uncommitted rows are invisible to them)."""
    session.info[_NOTIFY_PENDING] = True
    if session.info.get(_LISTENING):
        return
    session.info[_LISTENING] = True

    def _after_commit(committed: Session) -> None:
        if committed.info.pop(_NOTIFY_PENDING, False):
            senders.notify_enqueued()

    event.listen(session, "after_commit", _after_commit)


def _rows_with_keys(session: Session, keys: list[str]) -> list[OutboxMessage]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.in_(keys))).all()
    position = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda row: position[row.idempotency_key])


def _insert_ignoring_duplicates(session: Session, values: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING; returns how many rows were new.

    No savepoint is needed, so the caller's transaction stays whole (pysqlite's savepoints are unreliable),
    and a concurrent enqueue of the same key (another process) waits for it, then inserts nothing.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
    else:  # no portable upsert: a duplicate raises IntegrityError, which still stores nothing twice
        statement = insert(OutboxMessage)
    inserted = 0
    for row in values:  # one statement per row: rowcount is reliable on every driver
        inserted += session.execute(statement.values(**row)).rowcount or 0
    return inserted


def enqueue_all(
    session: Session,
    *,
    channel: str,
    recipient: str,
    payload: dict[str, Any],
    origin: str = "bot",
    idempotency_key: str | None = None,
) -> list[OutboxMessage]:
    """Store a message for delivery (the caller commits); returns every row it became, in order.

    A channel's registered splitter may turn one payload into several rows (e.g. an SMS too long for
    one message). Notifications to an address that opted out are stored as "suppressed". With an
    `idempotency_key` (e.g. "reply:<inbox id>:<n>"), a second enqueue with that key - in this
    transaction, a later one or a concurrent one - stores nothing and returns the rows of the first.
    """
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_CHARS:
        raise ValueError(f"an idempotency key holds 1 to {MAX_KEY_CHARS} characters")
    parts = senders.split_payload(channel, payload)
    keys = part_keys(idempotency_key or f"auto:{uuid.uuid4().hex}", len(parts))
    if idempotency_key is not None:
        session.flush()  # rows added through the ORM in this session become visible to the look-up
        existing = _rows_with_keys(session, keys)
        if existing:
            return existing
    address = SenderAddress.on(channel, recipient).id  # "sms:+44..." and "+44..." are one recipient on "sms"
    suppressed = origin == "notification" and is_opted_out(session, channel=channel, address=address)
    now = utcnow()
    values = [
        {
            "channel": channel,
            "recipient": address,
            "payload": part,
            "origin": origin,
            "status": "suppressed" if suppressed else "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "idempotency_key": key,
        }
        for part, key in zip(parts, keys, strict=True)
    ]
    inserted = _insert_ignoring_duplicates(session, values)
    if inserted and not suppressed:
        _notify_after_commit(session)
        notify_on_commit(session)
    return _rows_with_keys(session, keys)


def enqueue(session: Session, **message: Any) -> OutboxMessage:
    """`enqueue_all` (same keywords), returning the first row (the caller commits)."""
    return enqueue_all(session, **message)[0]
