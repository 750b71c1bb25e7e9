"""Out of hours: a hand-off opened while the gateway is closed is a morning task, first in the queue, labelled."""

from __future__ import annotations

from datetime import datetime

from bot.handoff.queue import list_queue
from bot.settings import get_settings
from tests.console.conftest import console, http, log_in  # noqa: F401 (fixtures)
from tests.handoff.factories import make_handoff, make_staff

OVERNIGHT = datetime(2026, 11, 24, 2, 14)  # Tuesday 02:14 in London: outside Mon-Fri 08:00-20:00
MORNING = datetime(2026, 11, 24, 8, 30)
NIGHT_SENDER = "telegram:31337"


def open_a_night_and_a_morning_handoff(session):
    night = make_handoff(session, NIGHT_SENDER, level="normal", reason="requested", created_at=OVERNIGHT)
    urgent = make_handoff(session, "sms:+447700900001", level="high", reason="risk", created_at=MORNING)
    return night, urgent


def test_the_overnight_conversation_is_first_when_staff_come_on_duty(session, monkeypatch) -> None:
    monkeypatch.setenv("HAVEN_GATEWAY_HOURS", "Mon-Fri 08:00-20:00")
    get_settings.cache_clear()
    night, urgent = open_a_night_and_a_morning_handoff(session)
    items = list_queue(session, MORNING)
    assert [item.id for item in items] == [night.id, urgent.id]
    assert [item.opened_out_of_hours for item in items] == [True, False]


async def test_the_queue_page_flags_it_as_opened_out_of_hours(console, http, session, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("HAVEN_GATEWAY_HOURS", "Mon-Fri 08:00-20:00")
    get_settings.cache_clear()
    make_staff(session)
    night, _urgent = open_a_night_and_a_morning_handoff(session)
    await log_in(http, console.base_url, "jo.worker")
    async with http.get(f"{console.base_url}/console/") as response:
        html = await response.text()
    assert html.count("opened out of hours") == 1
    assert "Waiting since 24 Nov 2026, 02:14, opened out of hours" in html
    assert html.index(f'/console/conversations/{night.id}"') < html.index("High risk")
    async with http.get(f"{console.base_url}/console/conversations/{night.id}") as response:
        assert response.status == 200  # its transcript opens as any hand-off's does
