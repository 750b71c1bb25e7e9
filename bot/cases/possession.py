"""The possession factor: which cases and channels need it, and whether the sender already proves it."""

from __future__ import annotations

import re

from bot.cases.identities import SenderAddress
from bot.models.cases import Case, Victim

SENSITIVE_CATEGORIES = frozenset(
    {"domestic_abuse", "stalking", "harassment", "sexual_offence", "honour_based_abuse"}
)
# Offence wording that marks a case sensitive even when the category was not recorded (fails towards asking).
_SENSITIVE_WORDING = re.compile(
    r"domestic|stalk|harass|coerci|controlling|sexual|rape|indecent|honour|forced marriage|"
    r"genital mutilation|\bfgm\b",
    re.IGNORECASE,
)
# Channels whose sender address is vouched for by the provider (Twilio, Telegram): a message from the
# registered number or chat proves possession. Web chat and REST senders are chosen by the client.
AUTHENTICATED_CHANNELS = frozenset({"sms", "telegram"})
CODE_CHANNELS = AUTHENTICATED_CHANNELS  # where a one-time code can be sent
ALWAYS_CODE_CHANNELS = frozenset({"webchat"})

REGISTERED_CONTACT = "registered_contact"
ONE_TIME_CODE = "one_time_code"
NOT_REQUIRED = "not_required"


def is_sensitive(case: Case, victim: Victim) -> bool:
    """Domestic abuse, stalking, harassment, sexual offences, honour-based abuse, or an enhanced-entitlement victim."""
    if victim.enhanced_entitlement:
        return True
    if case.offence_category in SENSITIVE_CATEGORIES:
        return True
    return bool(_SENSITIVE_WORDING.search(case.offence or ""))


def sender_is_registered_contact(victim: Victim, sender_key: str) -> bool:
    """True when the message came from the victim's recorded number or Telegram chat."""
    channel, address = SenderAddress.parse(sender_key)
    return (
        channel in AUTHENTICATED_CHANNELS
        and bool(address)
        and channel == victim.contact_channel
        and address == victim.contact_address
    )


def can_receive_code(victim: Victim) -> bool:
    """True when the victim has a contact a one-time code can be sent to."""
    return victim.contact_channel in CODE_CHANNELS and bool(victim.contact_address)


def possession_route(case: Case, victim: Victim, sender_key: str, *, policy: str) -> str:
    """How the possession factor is met for this sender: registered contact, a one-time code, or not required.

    `policy` is "always" (every case needs it) or "sensitive-only" (HAVEN_VERIFY_SECOND_FACTOR). Web chat
    and sensitive cases need it under either policy.
    """
    if sender_is_registered_contact(victim, sender_key):
        return REGISTERED_CONTACT
    channel, _address = SenderAddress.parse(sender_key)
    if policy == "always" or channel in ALWAYS_CODE_CHANNELS or is_sensitive(case, victim):
        return ONE_TIME_CODE
    return NOT_REQUIRED
