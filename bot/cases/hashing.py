"""Argon2 hashing of verification secrets (date of birth + postcode, PIN); plaintext is never stored."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.settings import get_settings

_PROFILES = {"rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHasher:
    """argon2-cffi's hasher for every secret Haven stores (verification answers, staff passwords).

    RFC 9106's low-memory profile, the library's recommendation; HAVEN_ARGON2_PROFILE=cheapest (the library's
    own test profile, refused outside development and tests) keeps the test suite and mutation runs fast.
    Hashes carry their parameters, so either profile verifies hashes made with the other."""
    return PasswordHasher.from_parameters(_PROFILES[get_settings().argon2_profile])


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash nothing matches, checked when a reference is unknown so timing looks the same."""
    return password_hasher().hash("haven-dummy-secret-never-matches")


def dob_postcode_secret(*, dob: date, postcode: str) -> str:
    """The string hashed for a date of birth and postcode: 'YYYY-MM-DD|POSTCODE'."""
    return f"{dob.isoformat()}|{postcode.replace(' ', '').upper()}"


def hash_secret(secret: str) -> str:
    """An argon2id hash of `secret`."""
    return password_hasher().hash(secret)


def secret_matches(*, stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches `stored_hash`; a missing hash is checked against the dummy (and fails)."""
    try:
        password_hasher().verify(stored_hash or dummy_hash(), secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return stored_hash is not None
