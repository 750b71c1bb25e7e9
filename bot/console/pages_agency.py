"""The Referrals page for agency accounts: the referrals made to their agency, and Accept or Decline with a note."""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.agencies.accounts import agency_of
from bot.agencies.referrals import ReferralDecisionError, decide, referrals_for
from bot.console.guards import staff_page, staff_post
from bot.console.web import ConsoleUser, form_value, redirect_to, render
from bot.models.staff import AGENCY_ROLE
from bot.off_loop import in_session

AGENCY_ONLY = "The Referrals page is for agency accounts."
NOTICES = {
    "accepted": "Referral accepted. We have told the person, in words that name no service.",
    "accepted_untold": "Referral accepted. We have not messaged the person: they said it is not safe to message them.",
    "declined": "Referral declined.",
}


def _page(session: Session, *, staff_id: int) -> tuple[str | None, list]:
    agency = agency_of(session, staff_id=staff_id)
    if agency is None:
        return None, []
    return agency.name, referrals_for(session, agency_id=agency.id, staff_id=staff_id)


@staff_page
async def referrals_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    """The agency's referrals with only the consented details, undecided first."""
    if user.role != AGENCY_ROLE:
        return response.text(AGENCY_ONLY, status=403)
    agency_name, referrals = await in_session(_page, staff_id=user.staff_id)
    return render(
        "referrals.html", user=user, nav="referrals", agency_name=agency_name, referrals=referrals,
        notice=NOTICES.get(request.args.get("notice", "")), error=request.args.get("error") == "1",
    )


def _decide(session: Session, *, staff_id: int, referral_id: int, decision: str, note: str) -> bool:
    agency = agency_of(session, staff_id=staff_id)
    if agency is None:
        raise ReferralDecisionError("This account is not linked to an agency.")
    return decide(session, agency_id=agency.id, staff_id=staff_id, referral_id=referral_id, decision=decision,
                  note=note)


@staff_post
async def decision_post(request: Request, user: ConsoleUser, referral_id: int) -> HTTPResponse:
    """Accept or decline one referral of the user's agency, with an optional note."""
    if user.role != AGENCY_ROLE:
        return response.text(AGENCY_ONLY, status=403)
    decision = form_value(request, "decision")
    try:
        told = await in_session(_decide, staff_id=user.staff_id, referral_id=referral_id, decision=decision,
                                note=form_value(request, "note"))
    except ReferralDecisionError:
        return redirect_to("/referrals?error=1")
    untold = decision == "accepted" and not told
    return redirect_to(f"/referrals?notice={decision}{'_untold' if untold else ''}")


def register(blueprint: Blueprint) -> None:
    """Add the agency routes to the console blueprint."""
    blueprint.add_route(referrals_page, "/referrals", methods=["GET"], name="referrals_page")
    blueprint.add_route(decision_post, "/referrals/<referral_id:int>/decision", methods=["POST"],
                        name="referral_decision_post")
