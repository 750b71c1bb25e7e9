"""A local fake of the Telegram Bot API on a real socket, speaking its documented wire format."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Haven",
    "username": "haven_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "reply_parameters"}


@dataclass
class ApiCall:
    """One request the fake received: the Bot API method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # the HTTP status it was answered with
    retry_after: int | None = None  # the retry_after it was given, if any


@dataclass
class _Failure:
    method: str
    remaining: int
    error_code: int
    retry_after: int | None


@dataclass
class _Outage:
    method: str
    starts: float
    ends: float
    error_code: int
    retry_after: int | None


@dataclass
class FakeTelegramApi:
    """Serves POST /bot<token>/<method>; records calls; fails on request (`fail_next`)."""

    token: str = "123456:TEST-token"
    calls: list[ApiCall] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self._failures: list[_Failure] = []
        self._outages: list[_Outage] = []
        self._next_message_id = 100
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL (the token is appended by the client)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeTelegramApi:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTelegramApi:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fail_next(self, method: str, *, times: int = 1, error_code: int = 500, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with an error."""
        with self._condition:
            self._failures.append(_Failure(method, times, error_code, retry_after))

    def fail_for(
        self,
        seconds: float,
        *,
        method: str = "sendMessage",
        error_code: int = 500,
        retry_after: int | None = None,
        after: float = 0.0,
    ) -> None:
        """Answer every call of `method` with an error for `seconds`, starting `after` seconds from now
        (429 with `retry_after` is Telegram's flood control: {"parameters": {"retry_after": N}})."""
        starts = time.monotonic() + after
        with self._condition:
            self._outages.append(_Outage(method, starts, starts + seconds, error_code, retry_after))

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._condition:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """Block until `count` calls of `method` arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len([c for c in self.calls if c.method == method]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} {method} call(s), saw {seen}")
                self._condition.wait(remaining)
            return [c for c in self.calls if c.method == method]

    # -- request handling -------------------------------------------------------------------

    def _answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        with self._condition:
            call = ApiCall(method, params)
            self.calls.append(call)
            self._condition.notify_all()
            failure = next((f for f in self._failures if f.method == method and f.remaining > 0), None)
            outage = next((o for o in self._outages if o.method == method and o.starts <= call.at < o.ends), None)
            if failure is None and outage is not None:
                failure = _Failure(method, 1, outage.error_code, outage.retry_after)
            if failure:
                failure.remaining -= 1
                call.status, call.retry_after = failure.error_code, failure.retry_after
                body: dict[str, Any] = {"ok": False, "error_code": failure.error_code,
                                        "description": _description(failure)}
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                return failure.error_code, body
            result = self._result(method, params)
        if result is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": result}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            self._next_message_id += 1
            message = {"message_id": self._next_message_id, "date": int(time.time()), "from": BOT_USER,
                       "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params.get("text", "")}
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        if method in {"answerCallbackQuery", "deleteWebhook"}:
            if method == "deleteWebhook":
                self.webhook = {}
            return True
        if method == "setWebhook":
            self.webhook = dict(params)
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0,
                    "allowed_updates": self.webhook.get("allowed_updates", [])}
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                status, body = fake._answer(parts[0][3:], parts[1], _decode(raw, self.headers.get("Content-Type", "")))
                self._send(status, body)

            do_GET = do_POST

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                return

        return Handler


def _description(failure: _Failure) -> str:
    if failure.error_code != 429:
        return "Internal Server Error"
    return "Too Many Requests" + (f": retry after {failure.retry_after}" if failure.retry_after else "")


def _decode(raw: str, content_type: str) -> dict[str, Any]:
    """Parameters from a JSON or form body; JSON-typed fields of a form are decoded too."""
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    params: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for name in JSON_FIELDS & params.keys():
        params[name] = json.loads(params[name])
    return params
