"""Data keys: refused when missing outside development, derived (and said) in development, rotated without loss."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.__main__ import main as cli
from bot.privacy.encryption import decrypt_data
from bot.privacy.keys import DataKeyError, generate_key, keyring_for
from bot.privacy.rotation import rotate_events
from bot.settings import get_settings
from bot.tracker_store import HavenTrackerStore
from tests.privacy.conftest import REFERENCE, asked_for_verification, raw_rows, save_turn

SENDER = "telegram:4242"


def use_keys(monkeypatch, *keys: str) -> None:
    monkeypatch.setenv("HAVEN_DATA_KEYS", ",".join(keys))
    get_settings.cache_clear()


def test_outside_development_haven_refuses_to_start_without_a_data_key(db_url, domain, monkeypatch):
    monkeypatch.setenv("HAVEN_ENV", "production")
    monkeypatch.delenv("HAVEN_DATA_KEYS", raising=False)
    get_settings.cache_clear()
    with pytest.raises(DataKeyError, match="HAVEN_DATA_KEYS"):
        HavenTrackerStore(domain=domain)
    assert cli(["keys", "rotate"]) == 2


def test_outside_development_a_configured_key_is_used(db_url, domain, monkeypatch):
    monkeypatch.setenv("HAVEN_ENV", "production")
    use_keys(monkeypatch, generate_key())
    assert HavenTrackerStore(domain=domain)._keys.derived is False


def test_development_derives_one_key_per_database_and_says_so(caplog):
    caplog.set_level(logging.WARNING)
    first = keyring_for((), database_url="sqlite:///derived-a.db", development=True)
    assert first.derived and "development key derived" in caplog.text
    again = keyring_for((), database_url="sqlite:///derived-a.db", development=True)
    other = keyring_for((), database_url="sqlite:///derived-b.db", development=True)
    token = first.fernet.encrypt(b"hello")
    assert again.fernet.decrypt(token) == b"hello"
    assert other.primary != first.primary


def test_the_development_key_follows_the_database_not_the_address_it_is_reached_by():
    """A worker reaching PostgreSQL through a proxy (another port) reads what the Rasa server sealed."""
    direct = keyring_for((), database_url="postgresql://postgres@127.0.0.1:5432/haven", development=True)
    proxied = keyring_for((), database_url="postgresql://haven:pw@localhost:6432/haven", development=True)
    another_database = keyring_for((), database_url="postgresql://postgres@127.0.0.1:5432/other", development=True)
    assert proxied.fernet.decrypt(direct.fernet.encrypt(b"m1")) == b"m1"
    assert another_database.primary != direct.primary


def test_a_malformed_key_is_refused():
    with pytest.raises(DataKeyError, match="keys generate"):
        keyring_for(("not-a-key",), database_url="sqlite:///x.db", development=False)


def test_keys_generate_prints_a_usable_key(capsys):
    assert cli(["keys", "generate"]) == 0
    Fernet(capsys.readouterr().out.strip().encode())


async def test_rotation_moves_every_event_to_the_new_key_and_encrypts_plain_rows(db_url, domain, engine, monkeypatch):
    old, new = generate_key(), generate_key()
    use_keys(monkeypatch, old)
    await save_turn(HavenTrackerStore(domain=domain), SENDER, asked_for_verification())
    with engine.begin() as connection:  # a row written before encryption was turned on
        connection.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'bot', 1.0, :d)"),
            {"s": SENDER, "d": '{"event": "bot", "timestamp": 1.0, "text": "written in plain"}'},
        )

    use_keys(monkeypatch, new, old)
    assert cli(["keys", "rotate"]) == 0
    rows = raw_rows(engine)
    assert not any(row.startswith("{") or "plain" in row for row in rows)

    use_keys(monkeypatch, new)  # the old key can now be dropped
    tracker = await HavenTrackerStore(domain=domain).retrieve_full_tracker(SENDER)
    assert REFERENCE in str([event.as_dict() for event in tracker.events])
    assert any(getattr(event, "text", None) == "written in plain" for event in tracker.events)

    use_keys(monkeypatch, old)  # and the old key alone no longer reads anything
    with pytest.raises(DataKeyError):
        await HavenTrackerStore(domain=domain).retrieve(SENDER)


def test_rotating_twice_changes_nothing_that_matters(store, engine, monkeypatch):
    use_keys(monkeypatch, generate_key())
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('a', 'bot', 1.0, '{\"x\": 1}')")
        )
    first, second = rotate_events(batch=1), rotate_events(batch=1)
    assert (first.encrypted_plaintext, second.encrypted_plaintext, second.reencrypted) == (1, 0, 1)
    assert decrypt_data(raw_rows(engine)[0]) == '{"x": 1}'


def test_before_rasa_ever_ran_there_is_nothing_to_rotate(db_url):
    assert rotate_events().rows == 0
