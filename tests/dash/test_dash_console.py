"""The Dash checklist over real HTTP: 13 "yes" is no Marac prompt, 14 is; domestic abuse only; sealed; audited."""

from __future__ import annotations

from sqlalchemy import select, text

from bot.dash.checklist import checklist, is_domestic_abuse
from bot.dash.models import DashAssessment
from bot.models.staff import AuditEntry
from tests.console.conftest import CSRF_FIELD, console, http, log_in  # noqa: F401  (fixtures)
from tests.handoff.factories import make_handoff, make_staff

MARAC = "Refer to Marac."


def answers(yes: int) -> dict[str, str]:
    """`yes` questions answered yes, the next one not known, the rest no."""
    return {str(n): "yes" if n <= yes else "not_known" if n == yes + 1 else "no" for n in range(1, 25)}


async def save(console, http, handoff_id, form):  # noqa: F811
    url = f"{console.base_url}/console/conversations/{handoff_id}/dash"
    async with http.get(url, allow_redirects=False) as page:
        token = CSRF_FIELD.search(await page.text()).group(1)
    async with http.post(url, data={"csrf_token": token, **form}, allow_redirects=False) as saved:
        assert (saved.status, saved.headers["Location"]) == (303, f"/console/conversations/{handoff_id}/dash?saved=1")
    async with http.get(f"{url}?saved=1", allow_redirects=False) as page:
        return await page.text()


def test_the_score_is_the_count_of_yes_and_14_prompts_marac():
    assert len(checklist().questions) == 24
    assert checklist().questions[13].startswith("Has (...) ever threatened to kill you")  # read as text, not a mapping
    assert checklist().score(checklist().clean(answers(13))) == 13
    assert not checklist().refer_to_marac(13) and checklist().refer_to_marac(14)
    assert checklist().clean({"1": "yes", "2": "maybe", "30": "yes"}) == {"1": "yes"}


def test_a_hand_off_is_domestic_abuse_by_its_risk_category_or_the_victims_case():
    assert is_domestic_abuse("domestic_abuse", []) and is_domestic_abuse("strangulation", [])
    assert is_domestic_abuse(None, ["burglary", "domestic_abuse"])
    assert not is_domestic_abuse("self_harm", ["burglary"]) and not is_domestic_abuse(None, [])


async def test_13_yes_shows_the_score_and_14_shows_refer_to_marac(console, http, session):  # noqa: F811
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, "sms:+447700900123", level="high", reason="risk", category="domestic_abuse")
    await log_in(http, console.base_url, "jo.worker")

    async with http.get(f"{console.base_url}/console/conversations/{handoff.id}") as conversation:
        assert f'/console/conversations/{handoff.id}/dash">Dash risk checklist' in await conversation.text()
    thirteen = await save(console, http, handoff.id, answers(13))
    assert "Score 13 of 24" in thirteen and MARAC not in thirteen
    assert "Professional judgement can refer to Marac below 14" in thirteen
    fourteen = await save(console, http, handoff.id, answers(14))
    assert MARAC in fourteen and "Score 14 of 24" in fourteen
    assert "Has the current incident resulted in injury?" in fourteen and "© SafeLives" in fourteen

    session.expire_all()
    row = session.scalars(select(DashAssessment)).one()
    assert (row.score, row.answers["15"], row.answers["1"]) == (14, "not_known", "yes")
    raw = session.execute(text("SELECT answers FROM dash_assessments")).scalar_one()
    assert '"yes"' not in str(raw) and "sealed" in str(raw)
    saves = session.scalars(select(AuditEntry).where(AuditEntry.action == "dash_saved")).all()
    assert [(entry.detail["score"], entry.detail["refer_to_marac"]) for entry in saves] == [(13, False), (14, True)]
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "dash_viewed")).all()


async def test_the_checklist_is_only_for_domestic_abuse_hand_offs(console, http, session):  # noqa: F811
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, "sms:+447700900124", level="high", reason="risk", category="self_harm")
    await log_in(http, console.base_url, "jo.worker")

    async with http.get(f"{console.base_url}/console/conversations/{handoff.id}/dash") as page:
        assert page.status == 404
        assert "only for domestic abuse conversations" in await page.text()
    async with http.get(f"{console.base_url}/console/conversations/{handoff.id}") as conversation:
        token = CSRF_FIELD.search(await conversation.text()).group(1)
    async with http.post(f"{console.base_url}/console/conversations/{handoff.id}/dash",
                         data={"csrf_token": token, **answers(20)}, allow_redirects=False) as refused:
        assert refused.status == 404
    assert session.scalars(select(DashAssessment)).all() == []


async def test_saving_without_the_form_token_is_refused(console, http, session):  # noqa: F811
    make_staff(session, "jo.worker")
    handoff = make_handoff(session, "sms:+447700900125", level="high", reason="risk", category="domestic_abuse")
    await log_in(http, console.base_url, "jo.worker")

    async with http.post(f"{console.base_url}/console/conversations/{handoff.id}/dash", data=answers(20),
                         allow_redirects=False) as refused:
        assert refused.status == 403
    assert session.scalars(select(DashAssessment)).all() == []
