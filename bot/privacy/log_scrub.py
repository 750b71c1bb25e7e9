"""Keep verification answers out of debug logs: mask dates, postcodes and codes in every DEBUG record.

Haven never logs message text at INFO or above, and neither does Rasa; Rasa's DEBUG output, though,
prints whole messages, slot values and events. Installed in the Rasa server process (by Haven's tracker
store), this masks anything a verification answer could be read from in those records before any
handler writes them, so turning on debug logging does not put PINs and dates of birth in a log file.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.privacy.redaction import mask_answer_tokens


class _ScrubbingFactory:
    """A LogRecord factory that masks answer-like text in records below INFO."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        if record.levelno < logging.INFO:
            try:
                message = record.getMessage()
            except Exception:  # a malformed record is the logging module's to report, not ours
                return record
            masked = mask_answer_tokens(message)
            if masked != message:
                record.msg, record.args = masked, None
        return record


def install_log_scrubbing() -> None:
    """Mask answers in DEBUG records from now on, whoever logs them (idempotent)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _ScrubbingFactory):
        logging.setLogRecordFactory(_ScrubbingFactory(current))
