"""Which case-feed events carry a Victims' Code duty to inform, and how long each duty allows: data in one place.

The feed has no separate status for an out-of-court disposal or a change to bail conditions: a disposal
arrives as an `outcome` event, and a bail change as another `status_change` to `on_bail`, so both are
covered by the rows below.
"""

from __future__ import annotations

from typing import Any

STANDARD_DAYS = 5  # working days to tell a victim of a key decision
ENHANCED_DAYS = 1  # for victims with enhanced entitlements
REFERRAL_DAYS = 2  # working days to pass a consented referral to a support service
PROGRESS_MONTHS = 1  # progress updates at least monthly while the case is under investigation

DUTY_BY_STATUS = {  # a case's new status -> the duty it starts
    "suspect_arrested": "arrest",
    "charged": "charge",
    "no_further_action": "no_further_action",
    "released_under_investigation": "released_under_investigation",
    "on_bail": "bail",
    "trial_date_set": "court_date",
    "outcome": "outcome",
}
DUTY_BY_KIND = {"court_date": "court_date", "outcome": "outcome"}  # kinds that always start a duty
STATUS_KINDS = ("new_case", "status_change")  # kinds whose `status` decides
DUTY_EVENT_KINDS = tuple(sorted(set(DUTY_BY_KIND) | set(STATUS_KINDS)))
INVESTIGATION_STATUSES = ("under_investigation", "suspect_arrested", "released_under_investigation", "on_bail")

PROGRESS = "monthly_progress"
REFERRAL = "referral"
DUTY_LABELS = {
    "arrest": "Arrest",
    "charge": "Charge",
    "no_further_action": "No further action / not charged",
    "released_under_investigation": "Released under investigation",
    "bail": "Bail or bail change",
    "court_date": "Court date",
    "outcome": "Outcome or out-of-court disposal",
    PROGRESS: "Monthly progress",
    REFERRAL: "Referral to support",
}

# How a clock stops: the first three mean the victim was told; the others mean the duty ended another way.
TOLD_BY_HAVEN, TOLD_BY_OFFICER, TOLD_BY_STAFF = "haven", "officer", "staff"
TOLD_ROUTES = (TOLD_BY_HAVEN, TOLD_BY_OFFICER, TOLD_BY_STAFF)
REFERRAL_ACTED_ON = "agency"  # the referral left "new": sent, accepted or declined
NO_LONGER_DUE = "no_longer_due"  # a progress clock whose case left investigation


def duty_of(kind: str, details: dict[str, Any]) -> str | None:
    """The duty an applied event starts (its stored `details`), or None."""
    if kind in STATUS_KINDS:
        return DUTY_BY_STATUS.get(str(details.get("status")))
    return DUTY_BY_KIND.get(kind)


def working_days_for(duty: str, *, enhanced: bool) -> int:
    """Working days allowed for an event duty or a referral (progress clocks run by the month)."""
    if duty == REFERRAL:
        return REFERRAL_DAYS
    return ENHANCED_DAYS if enhanced else STANDARD_DAYS
