"""The REST channel: Rasa's REST JSON with a token per integration, and callbacks for later messages."""
