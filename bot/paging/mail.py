"""Send one page by email through the SMTP server in the settings (standard library smtplib; blocking)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from bot.settings import Settings

SMTP_TIMEOUT_SECONDS = 20.0


class MailNotConfigured(RuntimeError):
    """HAVEN_SMTP_HOST or HAVEN_SMTP_FROM is not set, so email pages can't be sent."""


def build_message(settings: Settings, *, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text email from HAVEN_SMTP_FROM."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_mail(settings: Settings, *, to: str, subject: str, body: str) -> None:
    """Deliver one email (blocking: call it off the event loop); smtplib's errors propagate."""
    if not (settings.smtp_host and settings.smtp_from):
        raise MailNotConfigured("set HAVEN_SMTP_HOST and HAVEN_SMTP_FROM to send email pages")
    message = build_message(settings, to=to, subject=subject, body=body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as server:
        if settings.smtp_starttls:
            server.starttls()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        server.send_message(message)
