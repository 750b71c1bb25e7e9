"""A real SMTP server on a free loopback port (aiosmtpd), recording each email it accepts."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class RecordingHandler:
    """Keeps every accepted email, parsed."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


class LoopbackSmtpServer(Controller):
    """aiosmtpd's Controller on 127.0.0.1 and a port the system picks (1.4.6 can't be given port 0)."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self.handler = RecordingHandler()
        super().__init__(self.handler, hostname="127.0.0.1", port=self._listener.getsockname()[1])

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._listener, ssl=self.ssl_context)

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received
