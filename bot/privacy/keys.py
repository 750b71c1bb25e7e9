"""The data keys that encrypt conversations at rest (HAVEN_DATA_KEYS: the first encrypts, every one decrypts)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import URL, make_url

from bot.settings import SettingsError, get_settings

logger = logging.getLogger(__name__)
DEVELOPMENT_SALT = b"haven development data key"  # public: a derived key protects nothing, it only keeps dev going


class DataKeyError(SettingsError):
    """No usable data key: outside development Haven refuses to start without HAVEN_DATA_KEYS."""


@dataclass(frozen=True)
class DataKeys:
    """Fernet keys as a MultiFernet, and the raw primary key (for keyed digests)."""

    fernet: MultiFernet
    primary: bytes
    derived: bool  # True when no key was configured and a development key was derived


def generate_key() -> str:
    """A new random data key, in the form HAVEN_DATA_KEYS takes."""
    return Fernet.generate_key().decode()


def development_key(database_url: str) -> str:
    """The key development uses without HAVEN_DATA_KEYS: derived from which database it is (the URL without
    host, port or credentials), so every process on one database (Rasa, the CLI, the worker, tests) reads
    the same conversations, through a proxy or another address too, and a restart still can."""
    url = make_url(database_url)
    database = URL.create(url.drivername, database=url.database, query=url.query)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=DEVELOPMENT_SALT, info=b"haven data key v1").derive(
        database.render_as_string(hide_password=False).encode()
    )
    return base64.urlsafe_b64encode(derived).decode()


@lru_cache(maxsize=8)
def keyring_for(keys: tuple[str, ...], *, database_url: str, development: bool) -> DataKeys:
    """The keys in `keys` (first encrypts); without any, a derived key in development, else DataKeyError."""
    derived = not keys
    if derived:
        if not development:
            raise DataKeyError(
                "HAVEN_DATA_KEYS must be set outside development: conversations are encrypted with it "
                "(create one with `python -m bot keys generate`)"
            )
        keys = (development_key(database_url),)
        logger.warning("HAVEN_DATA_KEYS is not set: development key derived from DATABASE_URL (no real protection)")
    try:
        fernets = [Fernet(key.encode()) for key in keys]
    except ValueError as error:
        raise DataKeyError("each HAVEN_DATA_KEYS entry must be a key from `python -m bot keys generate`") from error
    return DataKeys(fernet=MultiFernet(fernets), primary=base64.urlsafe_b64decode(keys[0]), derived=derived)


def data_keys() -> DataKeys:
    """The configured data keys (raises DataKeyError outside development when none is set)."""
    settings = get_settings()
    return keyring_for(settings.data_keys, database_url=settings.database_url, development=settings.is_development)


def sender_digest(sender_id: str, keys: DataKeys | None = None) -> str:
    """A keyed, one-way name for a sender (for the audit log): the same sender gives the same digest while
    the primary key is unchanged, and a phone number can't be recovered from it by trying every number."""
    key = hmac.new((keys or data_keys()).primary, b"haven sender digest", hashlib.sha256).digest()
    return hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:24]
