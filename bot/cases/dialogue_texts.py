"""What the case-update conversation says to a victim before verification (nothing about any case)."""

from __future__ import annotations

ASK_CRIME_REF = (
    "What's your crime reference? It looks like SP/12345/26 and is on the letter, email or text "
    "you got when you reported the crime."
)
ASK_CRIME_REF_AGAIN = "Please send the reference again. If you can't find it, say 'talk to a person'."
INVALID_REF = (
    "That doesn't look like a crime reference. It looks like SP/12345/26 and is on the letter "
    "or text you got when you reported."
)
ASK_VERIFICATION = (
    "Before I can tell you anything, I need to check it's you. Please send your date of birth and "
    "postcode (for example 01/02/1980 SX1 2AB), or the PIN you were given when you reported."
)
ASK_VERIFICATION_AGAIN = "Please send your date of birth and postcode, or your PIN."
ASK_POSTCODE = "Thanks. Now please send your postcode (for example SX1 2AB)."
ASK_DOB = "Thanks. Now please send your date of birth (for example 01/02/1980)."
PARTIAL_PROMPTS = frozenset({ASK_POSTCODE, ASK_DOB})
UNREADABLE_ANSWER = "Sorry, I couldn't find a date of birth, postcode or PIN in that."
WRONG_ANSWER = "Sorry, I couldn't confirm those details. Please check and try again."
LOCKED = (
    "For your security I can't check that reference from here for a while. If you need "
    "help now, I can put you in touch with a person from the gateway: say 'talk to a person'."
)
NOT_VERIFIED = "I need to check who you are before I can share anything about a case."
DETAILS_NEED_CHECK = (
    "I can only share the details of a case after checking it's you. "
    "To start, say \"update on my case\"."
)
UPDATE_UNAVAILABLE = (
    "Sorry, I can't show that update right now. Please try again later, or say 'talk to a person'."
)


def attempts_left_text(attempts_left: int) -> str:
    """'You can try 2 more times.' (the same whether or not the reference exists)."""
    if attempts_left <= 0:
        return ""
    return f"You can try {attempts_left} more time{'s' if attempts_left != 1 else ''}."


def wrong_answer_text(attempts_left: int) -> str:
    """The neutral failure message with the number of tries left."""
    return " ".join(part for part in (WRONG_ANSWER, attempts_left_text(attempts_left)) if part)
