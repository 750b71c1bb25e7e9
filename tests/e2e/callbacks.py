"""A local HTTP server standing in for an integration's HAVEN_REST_CALLBACK_URL in end-to-end tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CallbackReceiver:
    """A local HTTP server collecting the JSON that Haven POSTs to HAVEN_REST_CALLBACK_URL."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._changed:
                    receiver.messages.append(json.loads(body or b"{}"))
                    receiver._changed.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, predicate, timeout: float = 20.0) -> dict:
        """The first received message matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching callback within {timeout}s; got {self.messages}")
                self._changed.wait(remaining)

    def close(self) -> None:
        self.server.shutdown()
