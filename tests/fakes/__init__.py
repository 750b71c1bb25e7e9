"""Local HTTP fakes of third-party APIs (Twilio, Telegram) and the Rasa boundary used by connector tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sized
from contextlib import asynccontextmanager
from typing import Any


async def wait_until(
    condition: Callable[[], object],
    timeout: float = 10.0,
    interval: float = 0.02,
    explain: Callable[[], str] | None = None,
) -> None:
    """Wait until `condition()` is truthy (checked every `interval`); fail the test after `timeout` s,
    with `explain()` (say, a child process's log) in the failure."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time" + (f":\n{explain()}" if explain else ""))
        await asyncio.sleep(interval)


async def wait_for_count(items: Sized, count: int, arrived: asyncio.Event, timeout: float, what: str) -> None:
    """Wait until `items` holds `count` entries, woken by `arrived`; fail the test after `timeout` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(items) < count:
        arrived.clear()
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"expected {count} {what}, got {len(items)}")
        try:
            await asyncio.wait_for(arrived.wait(), remaining)
        except asyncio.TimeoutError:
            continue


def listening_socket() -> tuple[socket.socket, str]:
    """A listening socket on a free loopback port and its base URL (known before the app is built)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


@asynccontextmanager
async def running_sanic(
    app: Any, sock: socket.socket, before_stop: Callable[[Any], Awaitable[None]] | None = None
) -> AsyncIterator[Any]:
    """Serve `app` on `sock` with its start/stop listeners, as `rasa run` would, until the block exits.

    `before_stop(server)` runs first on the way out (e.g. to close long-polling connections).
    """
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield server
    finally:
        if before_stop is not None:
            await before_stop(server)
        await server.before_stop()
        server.close()
        for connection in list(server.connections):
            connection.close_if_idle() or connection.abort()
        await asyncio.wait_for(server.wait_closed(), 5)
        await server.after_stop()
        sock.close()
