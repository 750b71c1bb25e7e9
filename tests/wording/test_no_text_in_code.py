"""Victim-facing sentences live in the domain: none is written in Python that speaks to victims, nor the 999 line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

# The Python that speaks to victims (staff-facing console, feed and command-line text is out of scope).
VICTIM_FACING_FOLDERS = ("connectors", "actions", "bot/cases", "bot/handoff", "bot/directory", "bot/wording")
VICTIM_FACING_FILES = ("bot/notify*.py",)
# Modules whose sentences are computed or not for victims, and why. Each must still hold one (no stale entry).
ALLOWED = {
    "bot/cases/summary.py": "the case summary, put together from the case's status, news and dates",
    "bot/handoff/queue.py": "NotSafeToMessage: the error staff see in the console when a reply is refused",
}
# A sentence a person would read: starts with a capital, a quote or a placeholder ("{name} doesn't..."),
# has 4+ words and ends one sentence.
SENTENCE = re.compile(r"^[A-Z\"'{].*\w[.!?](\s|$)", re.S)
# Calls whose strings are for operators and developers (logs, errors, command-line output), not victims.
OPERATOR_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "print", "warn", "echo", "secho",
                  "abort", "exit", "add_argument", "add_parser", "ArgumentParser", "fail"}


def _strings(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(parents.get(node), ast.JoinedStr):
                continue
            text = node.value
        else:
            continue
        if not _for_operators(node, parents):
            yield node, text


def _for_operators(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Docstrings, bare strings, raised errors, log and command-line messages."""
    if isinstance(parents.get(node), ast.Expr):  # a docstring or a bare string
        return True
    current = node
    while current in parents:
        parent = parents[current]
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, ast.Call):
            function = parent.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in OPERATOR_CALLS:
                return True
        if isinstance(parent, ast.keyword) and parent.arg in ("help", "description"):
            return True
        current = parent
    return False


def victim_sentences(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string in Python source that reads as a sentence for a victim."""
    found = []
    for node, text in _strings(ast.parse(source)):
        if len(text.split()) >= 4 and SENTENCE.search(text.strip()):
            found.append((getattr(node, "lineno", 0), text))
    return found


def victim_facing_modules() -> list[Path]:
    """Every Python module that speaks to victims, except the ALLOWED ones."""
    paths = [path for folder in VICTIM_FACING_FOLDERS for path in PROJECT_ROOT.joinpath(folder).rglob("*.py")]
    paths += [path for pattern in VICTIM_FACING_FILES for path in PROJECT_ROOT.glob(pattern)]
    return sorted(path for path in paths if _relative(path) not in ALLOWED)


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def test_the_check_covers_actions_connectors_and_the_victim_facing_bot_modules():
    covered = {_relative(path) for path in victim_facing_modules()}
    for module in ("actions/support.py", "connectors/sms/keywords.py", "bot/directory/render.py",
                   "bot/cases/notifications.py", "bot/handoff/wording.py", "bot/wording/responses.py", "bot/notify.py"):
        assert module in covered, module


@pytest.mark.parametrize("path", victim_facing_modules(), ids=_relative)
def test_no_python_that_speaks_to_victims_writes_a_sentence_for_them(path: Path):
    written = [(line, text[:60]) for line, text in victim_sentences(path.read_text(encoding="utf-8"))]
    assert not written, f"{_relative(path)}: move these texts to domain.yml responses (bot/wording): {written}"


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_each_allowed_module_still_needs_its_place_on_the_list(module: str):
    assert victim_sentences(PROJECT_ROOT.joinpath(module).read_text(encoding="utf-8")), f"{module}: remove from ALLOWED"


@pytest.mark.parametrize(
    "source",
    [
        'STOP_REPLY = "You have unsubscribed. Haven will send you no more texts."',
        'NOTICE = (\n    "Please wait a minute. "\n    f"If you are in danger now, call {NUMBER}."\n)',
        'await output.send_text_message(sender, "Sorry, that button has expired. Type instead.")',
        'dispatcher.utter_message(text=f"{chosen.name} doesn\'t take referrals through Haven.")',
    ],
)
def test_a_sentence_added_back_to_the_code_is_found(source: str):
    assert victim_sentences(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""The fixed replies of the Telegram connector, read from the domain."""',
        'logger.warning("Could not read the tracker for waiting advice: %s.", name)',
        'raise RuntimeError("No tracker store to keep a held message in.")',
        'REPLY_RESPONSES = {"STOP_REPLY": "utter_stopped"}',
    ],
)
def test_logs_errors_docstrings_and_response_names_are_not_victim_text(source: str):
    assert not victim_sentences(source)


def test_no_module_writes_the_999_55_line():
    holders = set()
    for folder in ("actions", "bot", "connectors"):
        for path in PROJECT_ROOT.joinpath(folder).rglob("*.py"):
            if "press 55" in path.read_text(encoding="utf-8"):
                holders.add(_relative(path))
    assert not holders, f"include the domain's utter_emergency_line instead: {holders}"
