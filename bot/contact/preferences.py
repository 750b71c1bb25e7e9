"""A victim's safe-contact preferences: read them, check them, and save them (console, case feed, conversation)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contact.models import ContactPreference
from bot.contact.timing import ContactTimes, DailyWindow, parse_window
from bot.models.base import utcnow
from bot.models.cases import ContactIdentity

CHANNEL_CHOICES = ("sms", "telegram")  # the channels a nudge can go to unasked
BY_VICTIM = "victim"  # `updated_by` when the victim set them in the conversation (staff: "staff:<id>"; "feed")


@dataclass(frozen=True)
class Preferences:
    """How and when a victim may be contacted unprompted (the defaults: any verified channel, any time)."""

    channels: tuple[str, ...] = ()  # allowed channels, most preferred first; empty: any
    window: DailyWindow | None = None
    no_weekends: bool = False
    ask_first: bool = False

    def allows(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def times(self, quiet: DailyWindow | None) -> ContactTimes:
        return ContactTimes(window=self.window, no_weekends=self.no_weekends, quiet=quiet)

    def as_form(self) -> dict[str, object]:
        """The values the console form shows."""
        return {
            "channels": list(self.channels),
            "window": str(self.window) if self.window else "",
            "no_weekends": self.no_weekends,
            "ask_first": self.ask_first,
        }


def _channels_of(text: str | None) -> tuple[str, ...]:
    return tuple(channel for channel in (text or "").split(",") if channel)


def load(session: Session, victim_id: int) -> Preferences:
    """The victim's preferences, or the defaults when none were set."""
    row = session.get(ContactPreference, victim_id)
    if row is None:
        return Preferences()
    return Preferences(
        channels=_channels_of(row.channels),
        window=parse_window(row.window),
        no_weekends=row.no_weekends,
        ask_first=row.ask_first,
    )


def from_form(*, channels: list[str], window: str, no_weekends: bool, ask_first: bool) -> Preferences:
    """Preferences from what staff entered; raises ValueError, with a message for them, if it makes no sense."""
    unknown = [channel for channel in channels if channel not in CHANNEL_CHOICES]
    if unknown:
        raise ValueError("choose channels from the list")
    return Preferences(
        channels=tuple(dict.fromkeys(channels)),
        window=parse_window(window),
        no_weekends=no_weekends,
        ask_first=ask_first,
    )


def save(session: Session, victim_id: int, preferences: Preferences, *, updated_by: str) -> None:
    """Store the victim's preferences, replacing any before (the caller audits and commits)."""
    row = session.get(ContactPreference, victim_id) or ContactPreference(victim_id=victim_id)
    row.channels = ",".join(preferences.channels) or None
    row.window = str(preferences.window) if preferences.window else None
    row.no_weekends, row.ask_first = preferences.no_weekends, preferences.ask_first
    row.updated_by, row.updated_at = updated_by, utcnow()
    session.add(row)
    session.flush()


def prefer_channel(session: Session, victim_id: int, channel: str, *, updated_by: str) -> None:
    """Put `channel` first (the case feed's preferred_channel); a restricted list gains it, an open one stays open."""
    current = load(session, victim_id)
    if current.channels:
        current = replace(current, channels=(channel, *(kept for kept in current.channels if kept != channel)))
    save(session, victim_id, current, updated_by=updated_by)


def unreachable_channels(session: Session, victim_id: int, wanted: Preferences) -> list[str]:
    """The channels in `wanted` with no address checked for this victim (a nudge there would become a staff task)."""
    checked = set(
        session.scalars(
            select(ContactIdentity.channel).where(
                ContactIdentity.victim_id == victim_id, ContactIdentity.verified_at.is_not(None)
            )
        )
    )
    return [channel for channel in wanted.channels if channel not in checked]
