"""The one way console routes and the API read a transcript: audited first, whichever route asks."""

from __future__ import annotations

from typing import Any

from bot.console import audit
from bot.console.transcript import load_transcript
from bot.db import session_scope


async def read_transcript(
    agent: Any, *, sender_id: str, staff_id: int | None, route: str, via: str, **detail: Any
) -> list[dict[str, Any]]:
    """The conversation's transcript for a staff member, after recording the read.

    The audit entry is committed before the tracker store is read, so a read that cannot be audited
    does not happen. `route` names the page or endpoint (conversation_page, transcript_feed, live_page,
    live_feed, api_conversation); polling reads are counted on one entry (see audit.record_read).
    """
    with session_scope() as session:
        audit.record_read(session, staff_id=staff_id, target=sender_id, route=route, via=via, **detail)
    return await load_transcript(agent, sender_id=sender_id)
