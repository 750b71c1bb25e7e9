"""Cross-process wake-ups on PostgreSQL: enqueue NOTIFYs on commit; each worker LISTENs and looks for work at once.

On SQLite (one host, one file) workers in other processes find new messages at their next poll
(HAVEN_OUTBOX_POLL_MS); workers in the enqueuing process are woken in memory (bot.outbox.senders).
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
CHANNEL = "haven_outbox"
RECONNECT_SECONDS = 1.0
WAIT_SECONDS = 1.0  # how often the listening thread checks whether it should stop


def notify_on_commit(session: Session) -> None:
    """Queue a NOTIFY in the caller's transaction: PostgreSQL delivers it only if the transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class PostgresWakeups:
    """A thread holding one LISTEN connection; calls `on_notify` (thread-safe) for each batch of notifications."""

    def __init__(self, engine: Engine, on_notify: Callable[[], None]) -> None:
        self._engine = engine
        self._on_notify = on_notify
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def wanted(engine: Engine) -> bool:
        return engine.dialect.name == "postgresql"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="haven-outbox-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=WAIT_SECONDS * 3)

    def _run(self) -> None:
        outage = False
        while not self._stop.is_set():
            try:
                self._listen()
                outage = False
            except Exception as error:  # the database went away: reconnect, keep polling meanwhile
                if not outage:
                    logger.warning("outbox LISTEN lost, reconnecting: %s", type(error).__name__)
                outage = True
                self._stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        pooled = self._engine.raw_connection()
        pooled.detach()  # a long-lived connection of its own, outside the pool
        connection = pooled.connection
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
            self._on_notify()  # anything queued while this thread was (re)connecting
            while not self._stop.is_set():
                readable, _, _ = select.select([connection], [], [], WAIT_SECONDS)
                if not readable:
                    continue
                connection.poll()
                if connection.notifies:
                    connection.notifies.clear()
                    self._on_notify()
        finally:
            connection.close()
