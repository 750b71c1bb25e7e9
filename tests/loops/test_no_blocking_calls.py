"""No custom action or console handler makes a blocking call on the event loop: each goes through bot/off_loop.py.

A guard on the source: inside every `async def` of these modules, a database session or an argon2 check may
only be reached through run_blocking / in_session (the timing tests in this folder show why it matters).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    [*ROOT.glob("actions/*.py"), *ROOT.glob("bot/console/pages_*.py")]
    + [ROOT / "bot" / "console" / name for name in ("api.py", "guards.py", "web.py")]
)
BLOCKING = frozenset({
    "session_scope",  # a database session
    "check_knowledge", "check_code", "access_refused",  # verification (argon2, database)
    "authenticate", "secret_matches", "password_hasher", "hash_secret", "hash_password",  # argon2
})
LOOP_PREFIXES = ("validate_", "extract_")


def _called_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def _runs_on_the_loop(node: ast.AST) -> bool:
    """A coroutine, or a method rasa_sdk calls straight from its loop (a sync run, validate_ or extract_)."""
    if isinstance(node, ast.AsyncFunctionDef):
        return True
    return isinstance(node, ast.FunctionDef) and (node.name == "run" or node.name.startswith(LOOP_PREFIXES))


def _direct_calls(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[int, str]]:
    """(line, name) of each blocking call made in the function's own body (not in functions defined inside it)."""
    found: list[tuple[int, str]] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call) and _called_name(node) in BLOCKING:
            found.append((node.lineno, _called_name(node) or ""))
        pending.extend(ast.iter_child_nodes(node))
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_coroutines_reach_the_database_and_argon2_only_off_the_loop(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    blocking = [
        f"{module.relative_to(ROOT)}:{line} {node.name}() calls {name}"
        for node in ast.walk(tree)
        if _runs_on_the_loop(node)
        for line, name in _direct_calls(node)
    ]
    assert blocking == []


def test_the_guard_sees_a_blocking_call() -> None:
    source = "async def handler():\n    with session_scope() as session:\n        pass\n"
    function = ast.parse(source).body[0]
    assert _direct_calls(function) == [(2, "session_scope")]  # type: ignore[arg-type]
