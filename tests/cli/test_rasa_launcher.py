"""How `python -m bot run` starts Rasa: no secret on any command line, Rasa's API only when asked for, and a
refusal (exit 2, every missing secret named) before anything starts outside development."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.cli.rasa_server import rasa_arguments
from bot.cli.serve import build_commands
from bot.settings import PROJECT_ROOT, SettingsError, get_settings

TOKEN = "rasa-api-token-0123456789"
RUN = ["run", "--model", "models/haven.tar.gz", "--port", "5005"]


@pytest.fixture(name="api")
def api_settings(monkeypatch):
    def configure(**values: str) -> None:
        for name in ("HAVEN_RASA_API_ENABLED", "HAVEN_RASA_API_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


def test_rasas_api_is_off_unless_asked_for(api) -> None:
    api(HAVEN_RASA_API_TOKEN=TOKEN)
    assert rasa_arguments(RUN) == RUN


def test_when_asked_for_the_token_comes_from_the_environment(api) -> None:
    api(HAVEN_RASA_API_ENABLED="1", HAVEN_RASA_API_TOKEN=TOKEN)
    assert rasa_arguments(RUN) == [*RUN, "--enable-api", "--auth-token", TOKEN]
    api(HAVEN_RASA_API_ENABLED="1")
    with pytest.raises(SettingsError, match="HAVEN_RASA_API_TOKEN"):
        rasa_arguments(RUN)


@pytest.mark.parametrize("flag", ["--enable-api", "--auth-token", "--auth-token=x", "--jwt-secret"])
def test_api_flags_on_the_command_line_are_refused(api, flag: str) -> None:
    api()
    with pytest.raises(SettingsError):
        rasa_arguments([*RUN, flag])


def test_no_secret_is_on_either_command_line() -> None:
    actions, rasa = build_commands(model="models/haven.tar.gz", host="127.0.0.1", port=5005, action_port=5055)
    assert rasa[1:4] == ["-m", "bot.cli.rasa_server", "run"]
    assert not {"--auth-token", "--enable-api", "--jwt-secret"} & set(actions + rasa)
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"


@pytest.mark.parametrize(
    "command", [["-m", "bot", "run"], ["-m", "bot.cli.rasa_server", *RUN]], ids=["bot-run", "rasa-launcher"]
)
def test_outside_development_it_refuses_to_start_and_names_what_is_missing(tmp_path, command: list[str]) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HAVEN_", "TWILIO_", "TELEGRAM_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'never.db'}", TELEGRAM_BOT_TOKEN="123456:ABCdef")
    done = subprocess.run(
        [sys.executable, *command], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    for named in ("HAVEN_SECRET_KEY", "HAVEN_DATA_KEYS", "TELEGRAM_SECRET_TOKEN", "HAVEN_ENV=development"):
        assert named in done.stderr
    assert "Haven is running" not in done.stdout and not (tmp_path / "never.db").exists()
