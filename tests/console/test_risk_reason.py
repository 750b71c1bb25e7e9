"""Staff see why a message was flagged: the phrases, the model's score and the training examples most like it."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, UserUttered

from tests.console.conftest import log_in
from tests.console.test_live import ref_of
from tests.handoff.factories import make_staff

SENDER = "sms:+447700900222"
EXPLANATION = {"category_scores": {"self_harm": 0.91, "domestic_abuse": 0.05},
               "nearest": [{"text": "saving up my tablets", "category": "self_harm", "similarity": 0.81}]}


async def test_transcript_explains_escalations_and_the_uncertain_band(console, http, session):
    make_staff(session)
    await console.seed(SENDER, [
        ActionExecuted("action_listen"),
        UserUttered("i have the pills here", parse_data={"intent": {"name": "risk_disclosure"}, "risk": {
            "escalate": True, "level": "high", "category": "self_harm", "score": 0.97, "band": "escalate",
            "matched": ["model:self_harm:0.97"], "explanation": EXPLANATION}}),
        ActionExecuted("action_listen"),
        UserUttered("not sure anymore", parse_data={"intent": {"name": "risk_uncertain"}, "risk": {
            "escalate": False, "level": None, "category": "self_harm", "score": 0.5, "band": "uncertain",
            "matched": [], "explanation": EXPLANATION}}),
        ActionExecuted("action_listen"),
        UserUttered("old style", parse_data={"intent": {"name": "risk_disclosure"}, "risk": {
            "escalate": True, "level": "high", "category": "weapons", "matched": ["weapons:knife"]}}),
    ])
    await log_in(http, console.base_url, "jo.worker")
    async with http.get(f"{console.base_url}/console/live/{ref_of(session, SENDER)}") as response:
        assert response.status == 200
        html = await response.text()
    assert "Risk: high · self harm" in html
    assert "Unsure: asked if safe" in html
    assert "Model: 0.97 that a person is needed now." in html
    assert "saving up my tablets" in html and "self harm 0.91" in html
    assert "Patterns matched: weapons:knife" in html  # a verdict from before the model still shows its phrases
