"""Encrypt and decrypt the `data` of stored conversation events (Fernet: AES-128-CBC with HMAC-SHA256).

A stored event's `data` is a Fernet token of its JSON. Rows written before encryption was turned on
hold plain JSON (starting with "{"); they are still read, and `python -m bot keys rotate` encrypts them.
The other columns of Rasa's `events` table (sender, type, time, intent and action names) stay readable,
since Rasa and Haven query by them; they hold no message text or slot value.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken

from bot.privacy.keys import DataKeyError, DataKeys, data_keys


def is_plaintext(stored: str) -> bool:
    """True for a row written before encryption (plain JSON)."""
    return stored.lstrip().startswith("{")


def encrypt_data(plain_json: str, keys: DataKeys | None = None) -> str:
    """The stored form of an event's JSON, encrypted with the primary data key."""
    return (keys or data_keys()).fernet.encrypt(plain_json.encode()).decode("ascii")


def decrypt_data(stored: str | None, keys: DataKeys | None = None) -> str:
    """An event's JSON from its stored form (plain JSON passes through)."""
    if not stored:
        return "{}"
    if is_plaintext(stored):
        return stored
    try:
        return (keys or data_keys()).fernet.decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise DataKeyError(
            "a stored conversation event can't be decrypted: is the key that wrote it in HAVEN_DATA_KEYS?"
        ) from error


def encrypt_event(data: dict[str, Any], keys: DataKeys | None = None) -> str:
    """An event dict, serialised as Rasa does and encrypted."""
    return encrypt_data(json.dumps(data), keys)


def decrypt_event(stored: str | None, keys: DataKeys | None = None) -> dict[str, Any]:
    """An event dict from its stored form; {} for an empty or non-object row."""
    try:
        value = json.loads(decrypt_data(stored, keys))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def reencrypt(stored: str, keys: DataKeys | None = None) -> str:
    """The row encrypted with the primary key (a plain row is encrypted; an encrypted one keeps its time)."""
    keys = keys or data_keys()
    if is_plaintext(stored):
        return encrypt_data(stored, keys)
    try:
        return keys.fernet.rotate(stored.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise DataKeyError("a stored event can't be decrypted with any key in HAVEN_DATA_KEYS") from error
