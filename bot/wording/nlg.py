"""Rasa's response generator, also filling "{utter_x}" fragments, so responses Rasa utters can share lines."""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.wording.responses import domain_variation, fragments_in

logger = logging.getLogger(__name__)


class FragmentFillingGenerator(TemplatedNaturalLanguageGenerator):
    """The domain's responses, as Rasa's own generator picks and fills them, with fragments filled too.

    Named in endpoints.yml (`nlg: type: bot.wording.nlg.FragmentFillingGenerator`), Rasa builds it with the
    model's domain. A "{utter_x}" in a response is given to Rasa's interpolation as a value, like a slot:
    the text of response utter_x for the same output channel and slots (bot/wording/responses.py), so what
    Rasa says and what code sends through bot.wording.response_text are the same words.
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        self.domain = domain or Domain.empty()
        super().__init__(self.domain.responses)
        self.fragments_of = {
            name: sorted({part for variation in variations for part in fragments_in(str(variation.get("text")))})
            for name, variations in self.domain.responses.items()
        }

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """Rasa's response for the action, its fragments filled for this channel and conversation."""
        filled_slots = tracker.current_slot_values()
        values = self.fragment_values(utter_action, output_channel, filled_slots)
        values.update(kwargs)
        return self.generate_from_slots(utter_action, filled_slots, output_channel, **values)

    def fragment_values(self, utter_action: str, output_channel: str, slots: dict[str, Any]) -> dict[str, str]:
        """The text of each fragment the response may include (an unknown one is logged and left out)."""
        values = {}
        for fragment in self.fragments_of.get(utter_action, ()):
            try:
                values[fragment] = str(domain_variation(self.domain, fragment, output_channel, slots)["text"])
            except LookupError as error:
                logger.error("response %s includes %s, which cannot be filled: %s", utter_action, fragment, error)
        return values
