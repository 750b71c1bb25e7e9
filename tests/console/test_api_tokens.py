"""Per-staff API tokens: the token says who acts, is stored only hashed, can be revoked, and is limited by its role."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.__main__ import main as bot_main
from bot.console import api_tokens
from bot.console.staff_store import disable_staff
from bot.models.handoff import Handoff
from bot.models.staff import ApiToken, AuditEntry
from bot.settings import get_settings
from tests.console.conftest import csrf_from, log_in
from tests.handoff.factories import make_handoff, make_staff

NEW_TOKEN = re.compile(r'<code class="token" id="new-token">(hvn_[A-Za-z0-9_-]+)</code>')


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def issue(session, owner, role: str = "staff") -> str:
    secret, _row = api_tokens.issue(session, owner=owner, label="tests", role=role, created_by=None)
    session.commit()
    return secret


async def call(http, method: str, url: str, secret: str, body: dict | None = None) -> tuple[int, dict]:
    async with http.request(method, url, json=body, headers=bearer(secret)) as response:
        return response.status, await response.json()


async def test_a_body_naming_someone_else_is_refused_and_audited(console, http, session):
    jo = make_staff(session, "jo.worker")
    make_staff(session, "lee.super", role="supervisor")
    handoff = make_handoff(session)
    secret = issue(session, jo)
    claim = f"{console.base_url}/console/api/conversations/{handoff.id}/claim"

    status, body = await call(http, "POST", claim, secret, {"staff": "lee.super"})
    assert status == 403 and "cannot act as another staff member" in body["error"]
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "waiting"
    refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "api_impersonation_refused")).one()
    assert (refused.staff_id, refused.detail["named"]) == (jo.id, "lee.super")

    assert await call(http, "POST", claim, secret, {"staff": "Jo.Worker"}) == (200, {"ok": True})  # old clients
    session.expire_all()
    assert session.get(Handoff, handoff.id).claimed_by == jo.id
    claimed = session.scalars(select(AuditEntry).where(AuditEntry.action == "claim")).one()
    assert (claimed.staff_id, claimed.detail["via"]) == (jo.id, "api")
    assert claimed.detail["token_id"] == session.scalars(select(ApiToken.id)).one()


async def test_tokens_issued_in_the_console_are_shown_once_and_stored_only_as_a_hash(console, http, session, db_url):
    make_staff(session, "jo.worker")
    await log_in(http, console.base_url, "jo.worker")
    token = await csrf_from(http, f"{console.base_url}/console/account")
    async with http.post(
        f"{console.base_url}/console/account/tokens", data={"csrf_token": token, "label": "duty board", "role": "queue"}
    ) as response:
        html = await response.text()
    secret = NEW_TOKEN.search(html).group(1)
    row = session.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str([getattr(row, column.name) for column in ApiToken.__table__.columns])
    assert (row.label, row.role, row.prefix) == ("duty board", "queue", secret[:12])
    if make_url(db_url).get_backend_name() == "sqlite":
        session.commit()
        assert secret.encode() not in Path(make_url(db_url).database).read_bytes()
    async with http.get(f"{console.base_url}/console/account") as response:
        page = await response.text()
    assert secret not in page and f"{secret[:12]}…" in page  # never shown again, only its start
    status, _ = await call(http, "GET", f"{console.base_url}/console/api/queue", secret)
    assert status == 200


async def test_a_revoked_token_is_refused(console, http, session):
    jo = make_staff(session, "jo.worker")
    secret = issue(session, jo)
    queue = f"{console.base_url}/console/api/queue"
    assert (await call(http, "GET", queue, secret))[0] == 200
    await log_in(http, console.base_url, "jo.worker")
    token_id = session.scalars(select(ApiToken.id)).one()
    csrf = await csrf_from(http, f"{console.base_url}/console/account")
    async with http.post(
        f"{console.base_url}/console/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, allow_redirects=False
    ) as response:
        assert response.headers["Location"] == "/console/account?notice=revoked"
    assert (await call(http, "GET", queue, secret))[0] == 401
    session.expire_all()
    assert session.get(ApiToken, token_id).revoked_by == jo.id


async def test_supervisors_revoke_anyones_token_workers_only_their_own(console, http, session):
    jo = make_staff(session, "jo.worker")
    make_staff(session, "sam.worker")
    make_staff(session, "lee.super", role="supervisor")
    secret = issue(session, jo)
    token_id = session.scalars(select(ApiToken.id)).one()
    queue = f"{console.base_url}/console/api/queue"
    revoke = f"{console.base_url}/console/account/tokens/{token_id}/revoke"

    await log_in(http, console.base_url, "sam.worker")
    csrf = await csrf_from(http, f"{console.base_url}/console/account")
    async with http.post(revoke, data={"csrf_token": csrf}, allow_redirects=False) as response:
        assert response.headers["Location"] == "/console/account?error=revoke"
    assert (await call(http, "GET", queue, secret))[0] == 200

    http.cookie_jar.clear()
    await log_in(http, console.base_url, "lee.super")
    async with http.get(f"{console.base_url}/console/account") as response:
        assert "Everyone's API tokens" in (page := await response.text()) and "jo.worker" in page
    csrf = await csrf_from(http, f"{console.base_url}/console/account")
    async with http.post(revoke, data={"csrf_token": csrf}, allow_redirects=False) as response:
        assert response.headers["Location"] == "/console/account?notice=revoked"
    assert (await call(http, "GET", queue, secret))[0] == 401


async def test_integration_tokens_do_only_what_their_role_allows(console, http, session):
    jo = make_staff(session, "jo.worker")
    handoff = make_handoff(session)
    queue_only, reader = issue(session, jo, "queue"), issue(session, jo, "reader")
    base = f"{console.base_url}/console/api"
    conversation = f"{base}/conversations/{handoff.id}"
    assert (await call(http, "GET", f"{base}/queue", queue_only))[0] == 200
    status, body = await call(http, "GET", conversation, queue_only)
    assert status == 403 and "conversations:read" in body["error"]
    assert (await call(http, "GET", conversation, reader))[0] == 200
    for secret in (queue_only, reader):
        assert (await call(http, "POST", f"{conversation}/claim", secret, {}))[0] == 403
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "waiting"


async def test_a_disabled_account_s_tokens_stop_working(console, http, session):
    jo = make_staff(session, "jo.worker")
    secret = issue(session, jo)
    disable_staff(session, username="jo.worker")
    session.commit()
    assert (await call(http, "GET", f"{console.base_url}/console/api/queue", secret))[0] == 401


async def test_the_retired_shared_token_is_refused_with_advice(console, http, session, monkeypatch):
    monkeypatch.setenv("HAVEN_CONSOLE_API_TOKEN", "the-old-shared-console-token")
    get_settings.cache_clear()
    make_staff(session, "jo.worker")
    handoff = make_handoff(session)
    url = f"{console.base_url}/console/api/conversations/{handoff.id}/claim"
    status, body = await call(http, "POST", url, "the-old-shared-console-token", {"staff": "jo.worker"})
    assert status == 401 and "python -m bot staff token USERNAME" in body["error"]


async def test_the_command_line_issues_lists_and_revokes(console, http, session, capsys):
    make_staff(session, "jo.worker")
    sam = make_staff(session, "sam.worker")
    other = issue(session, sam)
    assert bot_main(["staff", "token", "jo.worker", "--role", "reader", "--label", "case review"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert secret.startswith("hvn_")
    status, _ = await call(http, "GET", f"{console.base_url}/console/api/queue", secret)
    assert status == 200
    assert bot_main(["staff", "token", "jo.worker", "--list"]) == 0
    listing = capsys.readouterr().out
    assert secret[:12] in listing and "reader" in listing and "active" in listing and secret not in listing
    session.expire_all()
    jo_token = session.scalars(select(ApiToken).where(ApiToken.label == "case review")).one()
    sam_token = session.scalars(select(ApiToken).where(ApiToken.staff_id == sam.id)).one()
    assert bot_main(["staff", "token", "jo.worker", "--revoke", str(sam_token.id)]) == 1  # not jo's
    assert "No token" in capsys.readouterr().err
    assert bot_main(["staff", "token", "jo.worker", "--revoke", str(jo_token.id)]) == 0
    assert (await call(http, "GET", f"{console.base_url}/console/api/queue", secret))[0] == 401
    assert (await call(http, "GET", f"{console.base_url}/console/api/queue", other))[0] == 200
    assert bot_main(["staff", "token", "nobody"]) == 1


def test_tokens_need_a_known_role_and_a_name(session):
    jo = make_staff(session, "jo.worker")
    for role, label in (("admin", "x"), ("staff", "  ")):
        try:
            api_tokens.issue(session, owner=jo, label=label, role=role, created_by=None)
        except api_tokens.TokenError:
            continue
        raise AssertionError(f"issued a token with role={role!r} label={label!r}")
