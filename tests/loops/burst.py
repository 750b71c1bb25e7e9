"""Fire several requests at a server at once, each on its own socket, and see in which order they are answered."""

from __future__ import annotations

import json
import selectors
import socket
import time
from dataclasses import dataclass


@dataclass
class Reply:
    """One request's answer: what it was, when it was sent and answered (monotonic seconds), and the answer."""

    name: str
    sent_at: float
    done_at: float = 0.0
    status: int = 0
    body: bytes = b""

    @property
    def seconds(self) -> float:
        return self.done_at - self.sent_at

    def json(self) -> dict:
        return json.loads(self.body or b"null")


def http_request(
    address: tuple[str, int], method: str, path: str, *, body: bytes = b"", headers: dict | None = None
) -> bytes:
    """A complete HTTP/1.1 request that asks the server to close the connection after answering."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address[0]}:{address[1]}", f"Content-Length: {len(body)}",
             "Connection: close", *(f"{name}: {value}" for name, value in (headers or {}).items())]
    return "\r\n".join([*lines, "", ""]).encode() + body


def fire(address: tuple[str, int], calls: list[tuple[str, bytes]], timeout: float = 120.0) -> list[Reply]:
    """Send every call, in the order given, then collect the replies in the order they complete.

    Each request is written whole on its own connection before the next connection opens, so a server
    that serves its connections one after the other (a blocked event loop) answers them in this order.
    """
    selector = selectors.DefaultSelector()
    pending: dict[socket.socket, tuple[Reply, bytearray]] = {}
    try:
        for name, request in calls:
            connection = socket.create_connection(address, timeout=timeout)
            reply = Reply(name=name, sent_at=time.monotonic())
            connection.sendall(request)
            connection.setblocking(False)
            selector.register(connection, selectors.EVENT_READ)
            pending[connection] = (reply, bytearray())
        return _collect(selector, pending, deadline=time.monotonic() + timeout)
    finally:
        for connection in pending:
            connection.close()
        selector.close()


def _collect(
    selector: selectors.BaseSelector, pending: dict[socket.socket, tuple[Reply, bytearray]], *, deadline: float
) -> list[Reply]:
    """Read until every server has closed its connection; the replies in completion order."""
    done: list[Reply] = []
    open_connections = set(pending)
    while open_connections:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            waiting = sorted(pending[connection][0].name for connection in open_connections)
            raise AssertionError(f"no answer in time to: {', '.join(waiting)}")
        for key, _events in selector.select(timeout=remaining):
            connection = key.fileobj
            reply, received = pending[connection]  # type: ignore[index]
            chunk = connection.recv(65536)  # type: ignore[union-attr]
            if chunk:
                received.extend(chunk)
                continue
            reply.done_at = time.monotonic()
            head, _, reply.body = bytes(received).partition(b"\r\n\r\n")
            reply.status = int(head.split(b" ", 2)[1])
            selector.unregister(connection)
            open_connections.discard(connection)  # type: ignore[arg-type]
            done.append(reply)
    return done
