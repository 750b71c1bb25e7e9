"""The console's Dash risk checklist page for a domestic-abuse hand-off: view, complete with the victim, save."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.guards import staff_page, staff_post
from bot.console.web import ConsoleUser, redirect_to, render
from bot.dash.checklist import checklist
from bot.dash.store import NotDomesticAbuse, save_dash, view_dash
from bot.handoff.queue import HandoffNotFound
from bot.off_loop import in_session

NOT_OFFERED = "The Dash checklist is only for domestic abuse conversations."


def _refused(error: Exception, user: ConsoleUser) -> HTTPResponse:
    if isinstance(error, HandoffNotFound):
        return render("message.html", user=user, title="Not found",
                      message="There is no such conversation in the queue.", status=404)
    return render("message.html", user=user, title="Dash checklist", message=NOT_OFFERED, status=404)


@staff_page
async def dash_page(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """The 24 questions with the saved answers, the score, and the Marac prompt at 14 or more."""
    try:
        view = await in_session(view_dash, handoff_id=handoff_id, staff_id=user.staff_id)
    except (HandoffNotFound, NotDomesticAbuse) as error:
        return _refused(error, user)
    return render("dash.html", user=user, view=view, checklist=checklist(), saved=request.args.get("saved") == "1")


@staff_post
async def dash_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """Save the answers (radio buttons named "1".."24") and show the page again with its score."""
    form = request.form or {}
    submitted = {key: form.get(key) for key in form}
    try:
        await in_session(save_dash, handoff_id=handoff_id, staff_id=user.staff_id, submitted=submitted)
    except (HandoffNotFound, NotDomesticAbuse) as error:
        return _refused(error, user)
    return redirect_to(f"/conversations/{handoff_id}/dash?saved=1")


def register(blueprint: Blueprint) -> None:
    """Add the Dash routes to the console blueprint."""
    path = "/conversations/<handoff_id:int>/dash"
    blueprint.add_route(dash_page, path, methods=["GET"], name="dash_page")
    blueprint.add_route(dash_post, path, methods=["POST"], name="dash_post")
