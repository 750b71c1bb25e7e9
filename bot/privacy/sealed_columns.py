"""Column types that encrypt their value at rest with HAVEN_DATA_KEYS: outbox messages and staff TOTP secrets.

The outbox holds what Haven is about to say (case details, one-time codes); a TOTP secret is a second factor.
Neither may sit readable in the database file or a backup. A `SealedJSON` value is stored as
{"sealed": <Fernet token of the JSON>}, so the column stays JSON and no data migration is needed; a
`SealedText` value is stored as the token itself. Rows written before are read as they are, and
`python -m bot keys rotate` seals them (bot/privacy/rotation.py).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.types import TypeDecorator

from bot.privacy.encryption import decrypt_data, encrypt_data

SEALED_KEY = "sealed"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, base64url)


def is_sealed_json(stored: Any) -> bool:
    """True for a value stored by SealedJSON (False for a row written before it)."""
    return isinstance(stored, dict) and set(stored) == {SEALED_KEY} and isinstance(stored[SEALED_KEY], str)


class SealedJSON(TypeDecorator):
    """A JSON value, stored encrypted."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return {SEALED_KEY: encrypt_data(json.dumps(value))}

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if is_sealed_json(value):
            return json.loads(decrypt_data(value[SEALED_KEY]))
        return value


class SealedText(TypeDecorator):
    """A short secret string, stored encrypted (give the column room for the token: about 3x the value)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return encrypt_data(json.dumps(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str) and value.startswith(FERNET_PREFIX):
            return json.loads(decrypt_data(value))
        return value
