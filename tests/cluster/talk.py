"""Talking to the cluster's instances as its users do: REST turns, signed SMS, the console API, and its tables."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bot.cli.cluster import Cluster
from tests.e2e.stack import PROJECT_ROOT, VENV_BIN
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER
from tests.handoff.factories import PASSWORD

SMS_PATH = "/webhooks/twilio_sms/webhook"
REST_PATH = "/webhooks/rest/webhook"


def post(url: str, data: bytes, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def post_json(url: str, body: dict, headers: dict) -> int:
    return post(url, json.dumps(body).encode(), {**headers, "Content-Type": "application/json"})[0]


def say(base_url: str, sender: str, message: str) -> str:
    """One REST turn at `base_url` (an instance or the load balancer); the replies' text, joined."""
    status, body = post(
        base_url + REST_PATH,
        json.dumps({"sender": sender, "message": message}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    return "\n".join(reply.get("text", "") for reply in json.loads(body))


def text_in(base_url: str, public_url: str, number: str, body: str, sid: str) -> int:
    """A signed Twilio webhook POSTed to `base_url` (signed for the public URL, as Twilio signs); the status."""
    params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": number, "To": FROM_NUMBER, "Body": body}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(public_url + SMS_PATH, params)
    headers = {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}
    return post(base_url + SMS_PATH, urllib.parse.urlencode(params).encode(), headers)[0]


def rows(cluster: Cluster, query: str, **params) -> list:
    engine = create_engine(cluster.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).all()
    finally:
        engine.dispose()


def inbox(cluster: Cluster, sid: str) -> list:
    return rows(cluster, "SELECT status, attempts FROM inbox WHERE provider_id = :sid", sid=sid)


def phone_number() -> str:
    return f"+447700{uuid.uuid4().int % 900000 + 100000}"


def add_staff(cluster: Cluster, username: str) -> None:
    """A console worker account with the tests' password, created the way an operator does (`bot staff add`)."""
    command = ["-m", "bot", "staff", "add", username, "--role", "worker", "--name", "Cluster Worker"]
    subprocess.run(
        [str(VENV_BIN / "python"), *command, "--password-stdin"],
        cwd=PROJECT_ROOT,
        env=cluster.env,
        check=True,
        capture_output=True,
        input=f"{PASSWORD}\n".encode(),
    )


def queue_entry(base_url: str, headers: dict, sender_id: str) -> dict | None:
    """The sender's entry in the console's queue, as the API at `base_url` lists it."""
    status, body = get_json(f"{base_url}/console/api/queue", headers)
    assert status == 200, status
    return next((item for item in body["items"] if item["sender_id"] == sender_id), None)
