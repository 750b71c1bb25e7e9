"""The console's safe-contact form for a conversation: how and when the victim may be contacted unasked."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.guards import staff_page, staff_post
from bot.console.web import ConsoleUser, form_value, redirect_to, render
from bot.contact.preferences import CHANNEL_CHOICES, from_form
from bot.contact.staff_edit import PreferencesView, save_preferences, view_preferences
from bot.handoff.queue import HandoffNotFound
from bot.off_loop import in_session

NOT_FOUND = "There is no such conversation in the queue."


def _page(user: ConsoleUser, view: PreferencesView, *, saved: bool = False, error: str | None = None,
          values: dict[str, object] | None = None, status: int = 200) -> HTTPResponse:
    return render(
        "contact_preferences.html", user=user, view=view, values=values or view.values, channels=CHANNEL_CHOICES,
        saved=saved, error=error, status=status,
    )


def _not_found(user: ConsoleUser) -> HTTPResponse:
    return render("message.html", user=user, title="Not found", message=NOT_FOUND, status=404)


@staff_page
async def preferences_page(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """The form, filled in with what is stored (the defaults when nothing is)."""
    try:
        view = await in_session(view_preferences, handoff_id=handoff_id, staff_id=user.staff_id)
    except HandoffNotFound:
        return _not_found(user)
    return _page(user, view, saved=request.args.get("saved") == "1")


@staff_post
async def preferences_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """Save the form, or show it again with what was wrong (CSRF is checked by staff_post)."""
    submitted = {
        "channels": (request.form or {}).getlist("channels") or [],
        "window": form_value(request, "window"),
        "no_weekends": form_value(request, "no_weekends") == "yes",
        "ask_first": form_value(request, "ask_first") == "yes",
    }
    try:
        wanted = from_form(**submitted)
        saved = await in_session(save_preferences, handoff_id=handoff_id, staff_id=user.staff_id, wanted=wanted)
    except HandoffNotFound:
        return _not_found(user)
    except ValueError as error:
        view = PreferencesView(handoff_id=handoff_id, verified=True)
        return _page(user, view, error=f"Not saved: {error}.", values=submitted, status=400)
    if not saved:
        return _page(user, PreferencesView(handoff_id=handoff_id, verified=False), status=409)
    return redirect_to(f"/conversations/{handoff_id}/contact?saved=1")


def register(blueprint: Blueprint) -> None:
    """Add the safe-contact routes to the console blueprint."""
    path = "/conversations/<handoff_id:int>/contact"
    blueprint.add_route(preferences_page, path, methods=["GET"], name="contact_preferences_page")
    blueprint.add_route(preferences_post, path, methods=["POST"], name="contact_preferences_post")
