"""Haven's tables, one module per concern; importing this package registers them all."""

from bot.models.base import Base
from bot.models.cases import Case, CaseUpdate, ContactIdentity, Victim, victim_cases
from bot.models.directory import Agency, Referral
from bot.models.handoff import Handoff, HandoffNote
from bot.models.inbox import InboxMessage
from bot.models.live import LiveConversation
from bot.models.messaging import OutboxMessage
from bot.models.security import StaffAlert, VerificationAttempt
from bot.models.staff import AuditEntry, Staff, StaffSession
from bot.models.verification import DisclosureGrant, VerificationCode, VerificationLockClear, VerificationThrottle

__all__ = [
    "Agency", "AuditEntry", "Base", "Case", "CaseUpdate", "ContactIdentity", "DisclosureGrant", "Handoff",
    "HandoffNote", "InboxMessage", "LiveConversation", "OutboxMessage", "Referral", "Staff", "StaffAlert",
    "StaffSession", "VerificationAttempt", "VerificationCode", "VerificationLockClear",
    "VerificationThrottle", "Victim", "victim_cases",
]
