"""Haven's command line: `python -m bot <command> ...` (run with no command for the list)."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "migrate": ("bot.cli.setup", "migrate_main", "apply database migrations"),
    "seed": ("bot.cli.setup", "seed_main", "load the agency directory and the sample cases"),
    "directory": ("bot.directory.importer", "main", "re-import the agency directory: directory import [FILE]"),
    "risk": ("bot.risk.cli", "main", "screen one message per line from stdin, JSON lines out"),
    "staff": ("bot.console.staff_cli", "main", "staff add|add-agency|list|disable|token|reset-two-step|pager"),
    "telegram": ("connectors.telegram.cli", "main", "telegram set-webhook: register the webhook"),
    "outbox": ("bot.outbox.cli", "main", "inspect the outbox (no message bodies)"),
    "case": ("bot.cli.case_feed", "main", "case add-update REF --summary ... [--status S]: feed a case event"),
    "feed": ("bot.feed.cli", "main", "feed add-integration NAME | integrations | revoke NAME | import FILE.csv"),
    "run": ("bot.cli.serve", "main", "start the Rasa server, the action server and the worker"),
    "cluster": ("bot.cli.cluster", "main", "start nginx, two Rasa servers, the action server and the worker"),
    "worker": ("bot.worker.main", "main", "run the worker: outbox delivery, notifications, retention"),
    "retention": ("bot.privacy.cli", "retention_main", "retention run [--dry-run]: remove expired conversations"),
    "keys": ("bot.privacy.cli", "keys_main", "keys generate | keys rotate: data keys that encrypt conversations"),
}


def usage() -> str:
    """The list of commands."""
    lines = ["usage: python -m bot <command> [args]", ""]
    lines += [f"  {name:<10} {help_text}" for name, (_m, _f, help_text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the command's module, imported only when used."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        return 2
    module_name, function_name, _help = COMMANDS[args[0]]
    function = getattr(importlib.import_module(module_name), function_name)
    return int(function(args[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
