"""A Rasa policy that, while a conversation's hand-off row is open, decides every bot action itself.

Listed first in config.yml's policies with the highest priority. Its predictions are "no user" predictions
at full confidence, which Rasa's ensemble ranks above every other policy's, so while a hand-off is open the
rules, memoization and TED never speak: the bot listens, except for new safety advice (a domain response,
sent even with the action server down) and the contact-later confirmation (bot/handoff/waiting_turn.py).
With no open hand-off it abstains (all zeros) and the other policies decide as usual.

Nothing here pauses the conversation: Rasa's pause, session expiry and `/restart` don't change the row, so
they can't hand the conversation back to the bot. The look-up is one indexed query per turn (again after a custom
action, which may have opened the row).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.open_state import OpenHandoffs
from bot.handoff.waiting_turn import ACTION_LISTEN, TurnView, WaitingHandoff, next_action, turn_view

logger = logging.getLogger(__name__)
PRIORITY = 7  # above RulePolicy (6), Rasa's highest built-in priority
TAIL_EVENTS = 60  # enough to reach the newest user message and the bot's last words before it
READS_KEPT = 10_000  # conversations whose last read is kept (for the rest of their turn)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class HandoffPolicy(Policy):
    """While a hand-off is open: staff talk to the victim, the bot only listens (and gives new advice)."""

    _open_handoffs = OpenHandoffs()  # one per process: it remembers open hand-offs through an outage

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_read: dict[str, tuple[tuple[Any, ...], WaitingHandoff | None]] = {}

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": PRIORITY}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_DATA  # it learns nothing; training data is ignored

    def _read_once_per_step(self, sender_id: str, turn: TurnView) -> WaitingHandoff | None:
        """The row, read again only when the turn moved past a custom action (one that may open a hand-off).

        A turn runs under the conversation's lock, and staff steps and the reconciler take that lock too, so
        within a turn only the turn's own custom actions (action_escalate...) can open or close the row.
        """
        key = (turn.at, turn.text, tuple(name for name in turn.done if not name.startswith("utter_")))
        cached = self._last_read.get(sender_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        state = self._open_handoffs.read(sender_id)
        if len(self._last_read) >= READS_KEPT:
            self._last_read.clear()
        self._last_read[sender_id] = (key, state)
        return state

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the hand-off row decides."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The next action while the sender's hand-off is open; all zeros (abstain) when none is."""
        turn = turn_view(event.as_dict() for event in list(tracker.events)[-TAIL_EVENTS:])
        handoff = self._read_once_per_step(tracker.sender_id, turn)
        if handoff is None:
            return self._prediction(self._default_predictions(domain))
        action = next_action(turn, handoff, active_loop=tracker.active_loop_name)
        if action is None:  # the turn that opened it, re-run after a crash: the other policies decide
            return self._prediction(self._default_predictions(domain))
        if action not in domain.action_names_or_texts:
            logger.error("hand-off policy: %s is not in the domain; listening instead", action)
            action = ACTION_LISTEN
        logger.debug("hand-off %s open: %s", handoff.id, action)
        return self._prediction(confidence_scores_for(action, 1.0, domain), is_no_user_prediction=True)
