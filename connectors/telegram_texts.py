"""The fixed replies of the Telegram connector (commands, media, group chats)."""

from __future__ import annotations

EMERGENCY = (
    "If you are in danger now, call 999. If you can't speak, call 999 from a mobile, listen to the "
    "questions, and press 55 when asked so the call is put through to the police."
)

PRIVACY_NOTE = (
    "A note on privacy: Telegram keeps this chat on your device and in Telegram's cloud. "
    "If someone else might see your phone, you can delete the chat: tap and hold the chat in your "
    "chat list (or open the chat menu) and choose Delete chat; if an \"Also delete for\" box is "
    "offered, tick it."
)

HELP = (
    "I'm Haven, the automated assistant for victims of crime in Southmoor. I can give you an update "
    "on your case, find support near you and explain your rights, and I can put you in touch with a "
    "person at the victims' gateway: just say \"talk to a person\".\n\n"
    f"{EMERGENCY} To report a crime that isn't an emergency, call 101.\n\n"
    "Commands: /start to begin, /help for this message, /stop to stop messages from Haven that you "
    "didn't ask for."
)

STOPPED = (
    "Done: Haven won't send you messages you didn't ask for (such as case updates). You can still "
    "write to me at any time. " + EMERGENCY
)

ONLY_TEXT = (
    "Sorry, I can only read text messages, so I couldn't open that. Please type your message. "
    + EMERGENCY
)

ONLY_TEXT_WITH_CAPTION = (
    "I can only read text, so I couldn't open that file, but I have read the words you sent with it."
)

EXPIRED_BUTTON = "Sorry, that button has expired. Please type your answer instead."

PRIVATE_ONLY = (
    "For your privacy I only talk in private chats. Please message me directly rather than in a group."
)

STOP_FAILED = "Sorry, I couldn't do that just now. Please send /stop again in a little while. " + EMERGENCY
