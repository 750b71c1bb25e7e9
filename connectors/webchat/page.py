"""Haven's own chat page: GET /chat, its static files, and / redirecting to it when that path is free."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings

CONNECTORS_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = CONNECTORS_DIR / "templates"
STATIC_DIR = CONNECTORS_DIR / "static"
CHAT_PATH = "/chat"
STATIC_PREFIX = "/chat/static"
SOCKETIO_PATH = "/socket.io"

# Only these files are served; nothing else under connectors/ is reachable.
STATIC_FILES = {
    "chat.css": "text/css; charset=utf-8",
    "chat.js": "text/javascript; charset=utf-8",
    "vendor/socket.io.min.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def _template_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]), auto_reload=False
    )


def add_page_routes(blueprint: Blueprint, settings: Settings) -> None:
    """Add GET /chat and the static files to the blueprint (paths are absolute: see WebChatBlueprint)."""
    templates = _template_environment()

    @blueprint.route(CHAT_PATH, methods=["GET"], name="haven_chat_page")
    async def chat_page(_: Request) -> HTTPResponse:
        html = templates.get_template("chat.html").render(
            quick_exit_url=settings.quick_exit_url, socketio_path=SOCKETIO_PATH, static_prefix=STATIC_PREFIX
        )
        return response.html(html, headers=PAGE_HEADERS)

    @blueprint.route(f"{STATIC_PREFIX}/<name:path>", methods=["GET"], name="haven_chat_static")
    async def chat_static(_: Request, name: str) -> HTTPResponse:
        content_type = STATIC_FILES.get(name)
        if content_type is None:
            return response.text("Not found", status=404, headers=PAGE_HEADERS)
        return await response.file(
            STATIC_DIR / name,
            mime_type=content_type,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
        )


def root_is_free(app: Sanic) -> bool:
    """Whether nothing (e.g. Rasa's `Hello from Rasa` API route) is already served at /."""
    return not any(route.path in ("", "/") for route in app.router.routes)


def add_root_redirect(app: Sanic) -> None:
    """GET / sends visitors to the chat page."""

    async def to_chat(_: Request) -> HTTPResponse:
        return response.redirect(CHAT_PATH, headers={"Cache-Control": "no-store"})

    app.add_route(to_chat, "/", methods=["GET"], name="haven_chat_root")
