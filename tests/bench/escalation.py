"""Escalation time: from a risk message's arrival to its hand-off appearing in GET /console/api/queue."""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp

from tests.bench.clients import RestConversation, SmsConversation
from tests.bench.harness import BenchStack
from tests.bench.report import Section
from tests.bench.stats import ms, percentile

RISK_MESSAGE = "he said he will kill me tonight and he has a knife"
POLL_SECONDS = 0.025
GIVE_UP_SECONDS = 10.0


async def _in_queue(http: aiohttp.ClientSession, stack: BenchStack, sender_id: str) -> bool:
    async with http.get(stack.base_url + "/console/api/queue", headers=stack.console_headers()) as reply:
        body = await reply.json(content_type=None)
    return any(item.get("sender_id") == sender_id for item in (body or {}).get("items", []))


async def _one(http: aiohttp.ClientSession, stack: BenchStack, path: str) -> float | None:
    """Seconds from sending the risk message (a fresh conversation) to seeing it queued; None if never."""
    if path == "SMS":
        conversation = SmsConversation(http, stack)
        sender_id = f"sms:{conversation.number}"
    else:
        sender_id = f"rest:escalation-{uuid.uuid4().hex[:12]}"
        conversation = RestConversation(http, stack.base_url, sender_id)
    started = time.perf_counter()
    send = asyncio.create_task(conversation.turn(RISK_MESSAGE, 1, GIVE_UP_SECONDS))
    try:
        while time.perf_counter() - started < GIVE_UP_SECONDS:
            if await _in_queue(http, stack, sender_id):
                return time.perf_counter() - started
            if send.done() and send.result().error and send.result().error != "timeout":
                return None  # the message itself failed (e.g. HTTP 500): it will never be queued
            await asyncio.sleep(POLL_SECONDS)
        return None
    finally:
        await send


async def measure(stack: BenchStack, *, per_path: int) -> dict[str, list[float | None]]:
    """`per_path` fresh risk conversations, one at a time, through the SMS webhook and through REST."""
    results: dict[str, list[float | None]] = {"SMS": [], "REST": []}
    async with aiohttp.ClientSession() as http:
        for _ in range(per_path):
            for path in results:
                results[path].append(await _one(http, stack, path))
    return results


def section(results: dict[str, list[float | None]]) -> Section:
    """p50/p95/max per path, with the polling resolution."""
    result = Section("4. Escalation time: risk message to the console queue")
    rows = []
    for path, times in results.items():
        seen = [value for value in times if value is not None]
        rows.append([path, str(len(times)), str(len(times) - len(seen)), ms(percentile(seen, 50)),
                     ms(percentile(seen, 95)), ms(max(seen) if seen else float("nan"))])
    result.table(["arrives by", "risk conversations", "never queued", "p50", "p95", "max"], rows)
    result.text(
        f"One conversation at a time, each a fresh sender whose first message is \"{RISK_MESSAGE}\". The clock "
        "starts just before the webhook request is sent (SMS: a signed Twilio webhook; REST: Rasa's plain REST "
        f"channel with a `rest:` sender id) and stops when `GET /console/api/queue` (bearer token) first lists "
        f"the sender. The queue is polled every {POLL_SECONDS * 1000:.0f} ms, so each figure overstates the "
        f"true time by at most {POLL_SECONDS * 1000:.0f} ms plus one queue request. Plain REST answers only "
        "after the whole turn (safety message included) while SMS is acknowledged at once, so both are given."
    )
    result.commands("python -m tests.bench --only escalation")
    return result
