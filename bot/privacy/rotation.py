"""Re-encrypt stored conversations, outbox messages and TOTP secrets with the primary data key (`keys rotate`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import flag_modified

from bot.agencies.models import ReferralDecision
from bot.dash.models import DashAssessment
from bot.db import session_scope
from bot.handoff.escalation_events import EVENTS
from bot.models import OutboxMessage, Staff
from bot.privacy.encryption import is_plaintext, reencrypt
from bot.privacy.keys import DataKeys, data_keys
from bot.privacy.retention import has_events_table

BATCH = 500


@dataclass
class RotationReport:
    """How many rows were read, re-encrypted with the primary key, and encrypted for the first time."""

    rows: int = 0
    reencrypted: int = 0
    encrypted_plaintext: int = 0


def rotate_events(keys: DataKeys | None = None, batch: int = BATCH) -> RotationReport:
    """Re-encrypt all events, `batch` rows per transaction; safe while Haven runs.

    A row changed meanwhile (Haven rewrote it) is left as Haven wrote it, already with the primary key.
    """
    keys = keys or data_keys()
    report, after = RotationReport(), 0
    with session_scope() as session:
        if not has_events_table(session):
            return report
    while True:
        with session_scope() as session:
            query = select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(batch)
            rows = session.execute(query).all()
            for event_id, stored in rows:
                if not stored:
                    continue
                fresh = reencrypt(stored, keys)
                rewrite = update(EVENTS).where(EVENTS.c.id == event_id, EVENTS.c.data == stored).values(data=fresh)
                if session.execute(rewrite).rowcount:
                    report.encrypted_plaintext += is_plaintext(stored)
                    report.reencrypted += not is_plaintext(stored)
        report.rows += len(rows)
        if len(rows) < batch:
            return report
        after = rows[-1][0]


def rotate_sealed_columns(batch: int = BATCH) -> int:
    """Encrypt again, with the primary key, every outbox payload and staff TOTP secret (rows stored before
    encryption are encrypted for the first time); returns how many rows were rewritten."""
    rewritten = 0
    sealed = (
        (OutboxMessage, "payload"),
        (Staff, "totp_secret"),
        (DashAssessment, "answers"),
        (ReferralDecision, "note"),
    )
    for model, column in sealed:
        after = 0
        while True:
            with session_scope() as session:
                rows = session.scalars(select(model).where(model.id > after).order_by(model.id).limit(batch)).all()
                for row in rows:
                    if getattr(row, column) is not None:
                        flag_modified(row, column)  # written back through the sealed type: the primary key
                        rewritten += 1
            if len(rows) < batch:
                break
            after = rows[-1].id
    return rewritten
