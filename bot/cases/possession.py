"""Which cases are sensitive, what knowledge they accept, and how the possession factor is met for a sender.

A sensitive case (SENSITIVE_CATEGORIES, offence wording like them, or an enhanced-entitlement victim)
accepts only the PIN as the knowledge factor (issue 9): a date of birth and postcode are too easy for
someone close to the victim to know. Sensitive cases always need possession too.
"""

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

PIN_KNOWLEDGE, DOB_POSTCODE_KNOWLEDGE = "pin", "dob_postcode"  # how the knowledge factor was met
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


def knowledge_accepted(case: Case, victim: Victim, knowledge: str) -> bool:
    """True when this kind of knowledge proves who the victim is: the PIN always, date of birth and postcode
    only for a case that is not sensitive."""
    return knowledge == PIN_KNOWLEDGE or (knowledge == DOB_POSTCODE_KNOWLEDGE and not is_sensitive(case, victim))


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
