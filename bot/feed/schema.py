"""The case events a police system may send, as pydantic models: the one definition behind the API, CSV and docs."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Literal, Union
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, constr, root_validator, validator

from bot.cases.crime_ref import find_reference
from bot.cases.pins import MIN_PIN_DIGITS, is_acceptable_pin
from bot.cases.possession import CODE_CHANNELS, SENSITIVE_CATEGORIES
from bot.models.cases import CASE_STATUSES

COURT_TIME_ZONE = ZoneInfo("Europe/London")  # hearings are stored as local court time
Status = Literal[CASE_STATUSES]  # type: ignore[valid-type]
Category = Literal[tuple(sorted(SENSITIVE_CATEGORIES))]  # type: ignore[valid-type]
ContactChannel = Literal[tuple(sorted(CODE_CHANNELS))]  # type: ignore[valid-type]
Text = constr(strip_whitespace=True, min_length=1, max_length=1000)
Name = constr(strip_whitespace=True, min_length=1, max_length=120)
SECRET_FIELDS = frozenset({"victim_dob", "victim_postcode", "victim_pin"})  # hashed, never stored as sent


class EventBase(BaseModel):
    """What every event carries: the sender's own id for it, when it happened, and the crime reference."""

    event_id: constr(strip_whitespace=True, min_length=1, max_length=80) = Field(
        ..., description="The sender's id for this event, unique within the integration: a repeat changes nothing"
    )
    occurred_at: datetime = Field(..., description="When it happened (ISO 8601; without an offset it is UTC)")
    reference: str = Field(..., description="The crime reference, e.g. SP/12345/26")

    class Config:
        extra = "forbid"

    @validator("reference")
    def _known_shape(cls, value: str) -> str:
        reference = find_reference(value)
        if reference is None:
            raise ValueError("not a crime reference like SP/12345/26")
        return reference

    @validator("occurred_at")
    def _as_utc(cls, value: datetime) -> datetime:
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


class TellsVictim(EventBase):
    """An event that adds news to the case's timeline; the victim gets a neutral nudge if they may be told."""

    summary: Text | None = Field(None, description="What the victim may read; plain words are used if left out")
    victim_may_be_told: bool = Field(True, description="false keeps the entry for police and staff only")


class NewCase(EventBase):
    """A new case with its victim. Their date of birth and postcode, or PIN, let them prove who they are."""

    kind: Literal["new_case"]
    offence: Name
    offence_category: Category | None = None
    status: Status = "reported"
    reported_on: date
    district: Name | None = None
    officer_name: Name | None = None
    officer_contact: constr(strip_whitespace=True, max_length=200) | None = None
    victim_first_name: constr(strip_whitespace=True, min_length=1, max_length=60)
    victim_dob: date | None = None
    victim_postcode: constr(strip_whitespace=True, min_length=5, max_length=8) | None = None
    victim_pin: constr(strip_whitespace=True, regex=r"^\d+$") | None = None
    victim_contact_channel: ContactChannel | None = None
    victim_contact_address: constr(strip_whitespace=True, min_length=1, max_length=200) | None = None
    victim_preferred_channel: ContactChannel | None = None
    victim_enhanced_entitlement: bool = False

    @validator("victim_pin")
    def _strong_pin(cls, value: str | None) -> str | None:
        if value is not None and not is_acceptable_pin(value):
            raise ValueError(f"a PIN needs at least {MIN_PIN_DIGITS} random digits")
        return value

    @root_validator(skip_on_failure=True)
    def _pairs(cls, values: dict) -> dict:
        if bool(values.get("victim_dob")) != bool(values.get("victim_postcode")):
            raise ValueError("victim_dob and victim_postcode come together")
        if bool(values.get("victim_contact_channel")) != bool(values.get("victim_contact_address")):
            raise ValueError("victim_contact_channel and victim_contact_address come together")
        return values


class StatusChange(TellsVictim):
    kind: Literal["status_change"]
    status: Status


class OfficerChange(TellsVictim):
    kind: Literal["officer_change"]
    officer_name: Name
    officer_contact: constr(strip_whitespace=True, max_length=200) | None = None


class CourtDate(TellsVictim):
    kind: Literal["court_date"]
    hearing_at: datetime = Field(..., description="The hearing's date and time (without an offset: UK local time)")
    court: Name

    @validator("hearing_at")
    def _court_time(cls, value: datetime) -> datetime:
        return value.astimezone(COURT_TIME_ZONE).replace(tzinfo=None) if value.tzinfo else value


class Outcome(EventBase):
    kind: Literal["outcome"]
    outcome: Text = Field(..., description="The result in plain words, as the victim may read it")
    victim_may_be_told: bool = True


class Update(EventBase):
    kind: Literal["update"]
    summary: Text
    victim_may_be_told: bool = Field(..., description="Whether the victim may be told (no default: say which)")


class EnhancedEntitlement(EventBase):
    kind: Literal["enhanced_entitlement"]
    enhanced: bool = Field(..., description="Victims' Code enhanced entitlement for every victim on the case")


class ContactPreferences(EventBase):
    kind: Literal["contact_preferences"]
    consent_updates: bool | None = None
    preferred_channel: ContactChannel | None = None
    contact_channel: ContactChannel | None = None
    contact_address: constr(strip_whitespace=True, min_length=1, max_length=200) | None = None

    @root_validator(skip_on_failure=True)
    def _something_to_change(cls, values: dict) -> dict:
        if bool(values.get("contact_channel")) != bool(values.get("contact_address")):
            raise ValueError("contact_channel and contact_address come together")
        if all(values.get(name) is None for name in ("consent_updates", "preferred_channel", "contact_channel")):
            raise ValueError("give at least one of consent_updates, preferred_channel, contact_channel")
        return values


class VictimInformed(EventBase):
    """The officer told the victim (stops the case's Victims' Code clocks started by then; see bot/clocks)."""

    kind: Literal["victim_informed"]


AnyCaseEvent = Union[  # noqa: UP007 (a type alias used at runtime, as pydantic 1.10 reads it)
    NewCase, StatusChange, OfficerChange, CourtDate, Outcome, Update, EnhancedEntitlement, ContactPreferences,
    VictimInformed,
]
KINDS = tuple(model.__fields__["kind"].type_.__args__[0] for model in AnyCaseEvent.__args__)  # type: ignore[attr-defined]


class CaseEventBody(BaseModel):
    """One case event; `kind` says which."""

    __root__: AnyCaseEvent = Field(..., discriminator="kind")


class EventAccepted(BaseModel):
    """The answer to an accepted event (a repeat of the same event gets the same answer)."""

    event_id: str
    kind: str
    reference: str
    received_at: str


class FieldProblem(BaseModel):
    field: str = Field(..., description="Where the problem is, e.g. status or body")
    message: str


class Problem(BaseModel):
    """The answer to a refused event: nothing of it was stored."""

    error: str
    errors: list[FieldProblem] = []
