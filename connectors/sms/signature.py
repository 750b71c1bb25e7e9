"""Twilio webhook authentication: form parsing that keeps blank values, public URL, X-Twilio-Signature."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from sanic.request import Request, RequestParameters
from twilio.request_validator import RequestValidator

FORM_TYPE = "application/x-www-form-urlencoded"
# Twilio bodies are at most 1,600 characters (12 bytes each at worst, percent-encoded UTF-8) and the
# other fields are small, so a genuine webhook is far below this; Rasa reads any SMS whole.
MAX_FORM_BYTES = 32_768


def form_params(request: Request) -> RequestParameters | None:
    """The form fields, blank ones included (Twilio signs them); None when the body is not a form.

    Sanic's own `request.form` drops blank values, which breaks the signature of real Twilio
    requests (they carry empty fields such as FromCity).
    """
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        return None
    try:
        decoded = (request.body or b"").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return RequestParameters(parse_qs(decoded, keep_blank_values=True))


def first(params: RequestParameters | None, name: str) -> str | None:
    """The first value of a form field, or None."""
    if not params:
        return None
    values = params.getlist(name) or []
    return values[0] if values else None


def public_url(request: Request, public_base_url: str) -> str:
    """The URL Twilio called, as seen from outside (behind a proxy the local URL differs)."""
    query = request.query_string
    return f"{public_base_url.rstrip('/')}{request.path}" + (f"?{query}" if query else "")


def is_signed_by_twilio(request: Request, *, auth_token: str, public_base_url: str, params: Any) -> bool:
    """True when X-Twilio-Signature matches the public URL and the form fields."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not auth_token:
        return False
    return RequestValidator(auth_token).validate(public_url(request, public_base_url), params or {}, signature)
