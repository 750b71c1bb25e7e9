"""Find urgent hand-offs left unclaimed too long, claim each page once, and send it by SMS or email."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.console.alerts import raise_alert
from bot.console.web import PREFIX
from bot.models.handoff import Handoff
from bot.outbox.store import enqueue
from bot.paging.mail import send_mail
from bot.paging.models import PageSent
from bot.paging.roster import ON_CALL_LEVEL, SUPERVISOR_LEVEL, Pager, pagers_for
from bot.settings import Settings

logger = logging.getLogger(__name__)
URGENT_LEVELS = ("imminent", "high")
PAGE_AFTER = {ON_CALL_LEVEL: timedelta(minutes=2), SUPERVISOR_LEVEL: timedelta(minutes=5)}
PAGE_SUBJECT = "Urgent conversation waiting"
PAGE_ORIGIN = "page"
ALERT_KIND = "page_not_sent"


@dataclass(frozen=True)
class ClaimedPage:
    """A page this process won the right to send, with the emails still to go (SMS are already queued)."""

    handoff_id: int
    level: str
    text: str
    emails: tuple[Pager, ...]


def page_text(settings: Settings, handoff_id: int) -> str:
    """What a page says: nothing about the victim, only that someone urgent waits, and where to look."""
    return f"Haven: urgent conversation waiting. {settings.public_base_url}{PREFIX}/conversations/{handoff_id}"


def due_pages(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(hand-off id, level) of each page now due: a waiting, unclaimed high or imminent hand-off, old enough,
    not yet paged at that level."""
    due: list[tuple[int, str]] = []
    for level, after in PAGE_AFTER.items():
        paged = select(PageSent.handoff_id).where(PageSent.level == level)
        query = select(Handoff.id).where(
            Handoff.status == "waiting",
            Handoff.claimed_by.is_(None),
            Handoff.level.in_(URGENT_LEVELS),
            Handoff.created_at <= now - after,
            Handoff.id.not_in(paged),
        )
        due.extend((handoff_id, level) for handoff_id in session.scalars(query.order_by(Handoff.id)))
    return due


def _claim(session: Session, *, handoff_id: int, level: str, now: datetime) -> bool:
    """Insert the page's row unless it exists (the unique (hand-off, level) is the claim); True if this insert won."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(PageSent).on_conflict_do_nothing(index_elements=["handoff_id", "level"])
    elif dialect == "sqlite":
        statement = sqlite.insert(PageSent).on_conflict_do_nothing(index_elements=["handoff_id", "level"])
    else:  # no portable upsert: a duplicate raises IntegrityError, which still pages nobody twice
        statement = insert(PageSent)
    values = {"handoff_id": handoff_id, "level": level, "recipients": 0, "failures": 0, "sent_at": now}
    return bool(session.execute(statement.values(**values)).rowcount)


def claim_page(
    session: Session, settings: Settings, *, handoff_id: int, level: str, now: datetime
) -> ClaimedPage | None:
    """Claim one page and queue its SMS in the caller's transaction; None when another worker has it, or the
    hand-off was claimed meanwhile. Emails are returned, to be sent once this transaction has committed."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status != "waiting" or handoff.claimed_by is not None:
        return None
    if not _claim(session, handoff_id=handoff_id, level=level, now=now):
        return None
    pagers = pagers_for(session, level)
    text = page_text(settings, handoff_id)
    for pager in pagers:
        if pager.channel == "sms":
            enqueue(session, channel="sms", recipient=pager.address, payload={"text": text}, origin=PAGE_ORIGIN,
                    idempotency_key=f"page:{handoff_id}:{level}:{pager.staff_id}")  # fmt: skip
    _set_counts(session, handoff_id, level, recipients=len(pagers))
    if not pagers:
        logger.warning("page for hand-off %s (%s): nobody on call has a pager contact", handoff_id, level)
        raise_alert(session, kind=ALERT_KIND, detail={"handoff": handoff_id, "level": level, "why": "nobody on call"})
    return ClaimedPage(handoff_id, level, text, tuple(pager for pager in pagers if pager.channel == "email"))


def _set_counts(session: Session, handoff_id: int, level: str, **counts: int) -> None:
    where = (PageSent.handoff_id == handoff_id, PageSent.level == level)
    session.execute(update(PageSent).where(*where).values(**counts))


def send_emails(settings: Settings, page: ClaimedPage) -> int:
    """Send the page's emails (blocking); returns how many the SMTP server refused (each logged, without address)."""
    failures = 0
    for pager in page.emails:
        try:
            send_mail(settings, to=pager.address, subject=PAGE_SUBJECT, body=page.text)
        except Exception as error:  # one refusal must not stop the other pages
            failures += 1
            logger.error("email page for hand-off %s to staff %s failed: %s",
                         page.handoff_id, pager.staff_id, type(error).__name__)  # fmt: skip
    return failures


def record_failures(session: Session, page: ClaimedPage, failures: int) -> None:
    """Note refused emails on the page's row and alert supervisors in the console."""
    _set_counts(session, page.handoff_id, page.level, failures=failures)
    raise_alert(session, kind=ALERT_KIND, detail={"handoff": page.handoff_id, "level": page.level,
                                                  "why": f"{failures} email(s) refused"})  # fmt: skip
