"""The `code_clocks` table: one Victims' Code deadline each, from an event, a referral or a month of investigation."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String

from bot.feed import models as feed_models  # noqa: F401 (registers case_events, which a clock refers to)
from bot.models.base import Base, utcnow


class CodeClock(Base):
    """A duty to inform (or refer) with its due day; stopped once the victim is told, breached if it runs out.

    `key` makes opening idempotent: "event:<case_events.id>", "referral:<referrals.id>" or
    "progress:<case id>:<start>". `recorded_at` is when Haven learnt of the duty (Haven can only tell a
    victim what it knows); `started_at` is when the duty began (the decision itself).
    """

    __tablename__ = "code_clocks"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, unique=True)
    duty = Column(String(40), nullable=False)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)  # none for a referral without a case
    case_event_id = Column(ForeignKey("case_events.id", ondelete="SET NULL"), index=True)
    referral_id = Column(ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    enhanced = Column(Boolean, nullable=False, default=False)
    haven_may_tell = Column(Boolean, nullable=False, default=True)  # the news is shareable with a verified victim
    started_at = Column(DateTime, nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)
    due_on = Column(Date, nullable=False, index=True)
    stopped_at = Column(DateTime, index=True)
    stopped_by = Column(String(20))  # haven | officer | staff | agency | no_longer_due (bot/clocks/duties.py)
    stopped_staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    breached_at = Column(DateTime)  # when the worker found it overdue and alerted supervisors (once)
