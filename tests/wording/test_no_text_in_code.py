"""Victim-facing sentences live in the domain: none is written in a connector, and the 999 line in no new module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

CONNECTORS = PROJECT_ROOT / "connectors"
# A sentence a person would read: starts with a capital or a quote, has 4+ words and ends one sentence.
SENTENCE = re.compile(r"^[A-Z\"'].*\w[.!?](\s|$)", re.S)
# Calls whose strings are for operators and developers (logs, errors, command-line output), not victims.
OPERATOR_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "print", "warn", "echo", "secho",
                  "abort", "exit", "add_argument", "add_parser", "ArgumentParser", "fail"}
# Still in files being rewritten (issue 11): each moves to the domain response named here.
WAITING_TO_MOVE = {
}
# Python modules that still write "press 55" themselves (computed texts that include it); no new one may.
EMERGENCY_LINE_HOLDERS = {"actions/safety_check.py", "bot/directory/render.py"}


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


def _waiting(path: Path, text: str) -> bool:
    return any(path.name == name and text.startswith(start) for name, start in WAITING_TO_MOVE)


@pytest.mark.parametrize("path", sorted(CONNECTORS.rglob("*.py")), ids=lambda path: str(path.relative_to(CONNECTORS)))
def test_no_connector_writes_a_sentence_for_the_victim(path: Path):
    written = [(line, text[:60]) for line, text in victim_sentences(path.read_text(encoding="utf-8"))
               if not _waiting(path, text)]
    assert not written, f"{path.name}: move these texts to domain.yml responses (bot/wording.py): {written}"


@pytest.mark.parametrize(
    "source",
    [
        'STOP_REPLY = "You have unsubscribed. Haven will send you no more texts."',
        'NOTICE = (\n    "Please wait a minute. "\n    f"If you are in danger now, call {NUMBER}."\n)',
        'await output.send_text_message(sender, "Sorry, that button has expired. Type instead.")',
    ],
)
def test_a_sentence_added_back_to_a_connector_is_found(source: str):
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


def test_no_new_module_writes_the_999_55_line():
    holders = set()
    for folder in ("actions", "bot", "connectors"):
        for path in PROJECT_ROOT.joinpath(folder).rglob("*.py"):
            if "press 55" in path.read_text(encoding="utf-8"):
                holders.add(str(path.relative_to(PROJECT_ROOT)))
    new = holders - EMERGENCY_LINE_HOLDERS
    assert not new, f"use the domain's utter_emergency_line instead: {new}"
