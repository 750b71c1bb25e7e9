"""What the second verification step says, and the neutral messages sent to a victim's registered contact."""

from __future__ import annotations

CODE_SENT = (
    "Thanks. To finish the check I've sent a 6-digit code to the phone or Telegram you gave when you "
    "reported. Please send me that code. It works once, for 10 minutes."
)
CODE_NOT_RESENT = (
    "Thanks. I sent you a code a short while ago, so I haven't sent another. Please send me the latest "
    "code you got."
)
ASK_CODE_AGAIN = "Please send the 6-digit code I sent you."
UNREADABLE_CODE = "Sorry, I couldn't find a 6-digit code in that."
NO_CODE_ROUTE = (
    "Sorry, I can't finish the check here. A person from our team can help: say 'talk to a person'."
)
WAIT = "Sorry, there have been several tries on that reference. Please wait a minute, then send your answer again."

# Sent to the contact recorded on the case. Someone else may read these, so they name nothing:
# no service, no case, no reason (tests/cases/test_two_factor_texts.py keeps it that way).
CODE_MESSAGE = (
    "Your code is {code}. It works once, for 10 minutes. Don't share it. "
    "If you didn't ask for it, reply 'talk to a person'."
)
ACCESS_WARNING = (
    "Someone has just tried several times to get into your information with us, so we've paused access "
    "for now. If it wasn't you, reply 'talk to a person'."
)
FORBIDDEN_IN_CONTACT_MESSAGES = ("victim", "crime", "police", "gateway", "case", "offence", "court", "officer")


def code_message(code: str) -> str:
    """The one-time code message for the registered contact."""
    return CODE_MESSAGE.format(code=code)
