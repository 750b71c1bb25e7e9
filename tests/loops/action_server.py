"""The real action server as a subprocess on a loopback port, and the requests Rasa would send it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from tests.e2e.stack import PROJECT_ROOT, VENV_BIN
from tests.loops.burst import Reply, fire, http_request
from tests.loops.served import served

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
WRONG_ANSWER = "01/02/1990 SX9 9ZZ"  # a date of birth and postcode: one argon2 check against the case's hash
RISK = {"escalate": True, "level": "imminent", "category": "domestic_abuse", "band": "escalate"}


@contextmanager
def action_server(*, database_url: str, log_path: Path, extra_env: dict | None = None) -> Iterator[tuple[str, int]]:
    """`python -m rasa_sdk --actions actions` on a free loopback port, stopped after the block."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        HAVEN_ENV="test",
        SANIC_HOST="127.0.0.1",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        **(extra_env or {}),
    )
    command = lambda port: [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]  # noqa: E731
    with served(command, env=env, log_path=log_path, health_path="/health", what="the action server") as address:
        yield address


def _user(text: str, intent: str, risk: dict | None = None) -> dict:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if risk is not None:
        parse_data["risk"] = risk
    return {"event": "user", "text": text, "parse_data": parse_data, "timestamp": time.time()}


def _call(action: str, sender: str, events: list[dict], slots: dict, active_loop: str | None) -> dict:
    """The JSON Rasa POSTs to /webhook to run `action`."""
    values = {name: None for name in DOMAIN["slots"]} | {"verified": False, "handoff_active": False} | slots
    latest = next(event["parse_data"] for event in reversed(events) if event["event"] == "user")
    tracker = {
        "sender_id": sender,
        "slots": values,
        "latest_message": latest,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    }
    domain = {"forms": DOMAIN["forms"], "slots": DOMAIN["slots"]}  # the parts these actions read
    return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": domain, "version": "3.6.2"}


def verification_call(sender: str, reference: str, answer: str = WRONG_ANSWER) -> dict:
    """The case-update form validating `answer` to the identity question about `reference`."""
    events = [
        {"event": "action", "name": "action_listen"},
        _user(answer, "inform"),
        {"event": "action", "name": "case_update_form"},
        {"event": "slot", "name": "verification_answer", "value": answer},
    ]
    slots = {"crime_ref": reference, "requested_slot": "verification_answer", "verification_answer": answer}
    return _call("validate_case_update_form", sender, events, slots, "case_update_form")


def wrong_answers(count: int, *, round_number: int = 0) -> list[tuple[str, dict]]:
    """`count` wrong answers about unknown references (new ones each round) from as many senders: each one a
    full argon2 check, none refused by the throttle."""
    first = 30000 + round_number * count
    return [
        (f"verification {n}", verification_call(f"rest:victim-{round_number}-{n}", f"SP/{first + n:05d}/26"))
        for n in range(count)
    ]


def escalation_call(sender: str) -> dict:
    """`action_escalate` after the risk screen escalated the latest message."""
    disclosure = _user("he is outside with a knife", "risk_disclosure", RISK)
    events = [{"event": "action", "name": "action_listen"}, disclosure]
    return _call("action_escalate", sender, events, {}, None)


def run_actions(server: tuple[str, int], calls: list[tuple[str, dict]]) -> list[Reply]:
    """POST every call to /webhook at once (see burst.fire); the replies in the order they complete."""
    headers = {"Content-Type": "application/json"}
    requests = [
        (name, http_request(server, "POST", "/webhook", body=json.dumps(payload).encode(), headers=headers))
        for name, payload in calls
    ]
    return fire(server, requests)


def texts(body: dict) -> list[str]:
    """What the action says to the victim."""
    return [response.get("text") or "" for response in body.get("responses", [])]
