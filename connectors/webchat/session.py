"""Web chat session ids: minted by the server, signed (itsdangerous), and only resumed with the signed id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "haven.webchat.session"
MAX_AGE_SECONDS = 24 * 60 * 60  # a tab left open longer than a day starts afresh
MAX_TOKEN_CHARS = 200


@dataclass(frozen=True)
class WebSession:
    """A web chat session: its id (the sender address) and the signed token that lets a browser resume it.

    The browser holds only the token; Rasa's sender id is "webchat:<session_id>". A token the server did
    not sign (invented, altered, from another server or too old) starts a new, empty session.
    """

    session_id: str
    token: str
    resumed: bool


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def issue(secret_key: str) -> WebSession:
    """A new session with a random id."""
    session_id = uuid.uuid4().hex
    return WebSession(session_id=session_id, token=_serializer(secret_key).dumps(session_id), resumed=False)


def session_of(token: object, secret_key: str) -> str | None:
    """The session id inside a token this server signed and that is not too old, else None."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        session_id = _serializer(secret_key).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # includes expired and malformed tokens
        return None
    return session_id if isinstance(session_id, str) and len(session_id) == 32 else None


def resume_or_issue(token: object, secret_key: str) -> WebSession:
    """The session a valid token names, or a new one for anything else."""
    session_id = session_of(token, secret_key)
    if session_id is None:
        return issue(secret_key)
    return WebSession(session_id=session_id, token=str(token), resumed=True)
