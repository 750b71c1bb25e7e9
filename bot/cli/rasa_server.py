"""`python -m bot.cli.rasa_server run ...`: `rasa run`, with Rasa's API token from the environment, not argv."""

from __future__ import annotations

import sys

from bot.serving_checks import require_ready_to_serve
from bot.settings import SettingsError, get_settings

API_FLAGS = ("--enable-api", "--auth-token", "--jwt-secret")


def rasa_arguments(argv: list[str]) -> list[str]:
    """Rasa's arguments: those given (API flags refused), plus the API switch and token from settings."""
    if any(arg.split("=", 1)[0] in API_FLAGS for arg in argv):
        raise SettingsError("turn Rasa's HTTP API on with HAVEN_RASA_API_ENABLED and HAVEN_RASA_API_TOKEN")
    settings = get_settings()
    if not settings.rasa_api_enabled:
        return list(argv)
    if not settings.rasa_api_token:
        raise SettingsError("HAVEN_RASA_API_ENABLED is set, so HAVEN_RASA_API_TOKEN must be set too")
    return [*argv, "--enable-api", "--auth-token", settings.rasa_api_token]


def main(argv: list[str] | None = None) -> int:
    """Refuse (exit 2) without the secrets production needs; else run Rasa's command line in this process,
    with its HTTP API only when HAVEN_RASA_API_ENABLED is set and the token (HAVEN_RASA_API_TOKEN) added
    to Python's argument list, never to the process's command line, where `ps` would show it."""
    try:
        require_ready_to_serve()
        arguments = rasa_arguments(list(sys.argv[1:] if argv is None else argv))
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main  # heavy: imported only once the settings are known to be fine

    sys.argv = ["rasa", *arguments]  # Python's copy only: /proc/<pid>/cmdline keeps what the process was given
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
