"""A short reading of the measured figures: where a turn's time goes and what would make it faster."""

from __future__ import annotations

from tests.bench.clients import PATH_NAMES
from tests.bench.load import LevelResult
from tests.bench.profile import _by_package, _top_functions
from tests.bench.report import Section
from tests.bench.stats import percentile

STAGE_KEYS = {
    "nlu": "NLU pipeline incl. risk screen",
    "policies": "policy prediction",
    "actions": "action server round trip",
    "load": "tracker store: load",
    "save": "tracker store: save",
    "output": "output channel (send / outbox enqueue)",
    "delivery": "outbox delivery (after the turn)",
    "total": "turn total (Agent.handle_message, incl. lock)",
}


def _per_turn(data: dict, key: str) -> float:
    figures = data["stages"].get(STAGE_KEYS[key], {"seconds": 0.0})
    return figures["seconds"] / max(data["turns"], 1) * 1000


def section(profiled: dict[str, dict], load: list[LevelResult]) -> Section:
    """Figures-driven text; the recommendations follow from the profile's biggest items."""
    result = Section("7. Reading the figures")
    rest, sms = profiled.get(PATH_NAMES[0]), profiled.get(PATH_NAMES[1])
    if rest is None or sms is None:
        result.text("(needs the profile step)")
        return result
    total = _per_turn(rest, "total")
    parts = {key: _per_turn(rest, key) for key in ("actions", "policies", "nlu", "load", "save")}
    _packages, cpu_total = _by_package(rest["pstats"])
    validation = next((share for label, share in _top_functions(rest["pstats"], cpu_total)
                       if "_validate_action_result" in label), "?")
    saturation = max((len(level.latencies) / level.wall_seconds for level in load if level.wall_seconds), default=0.0)
    rest10 = next((level for level in load if level.path == PATH_NAMES[0] and level.concurrency == 10), None)
    lines = [
        f"- One turn alone costs the Rasa server about {total:.0f} ms (plain REST, stage timers): action server round "
        f"trips {parts['actions']:.0f} ms, policy prediction {parts['policies']:.0f} ms, NLU with the risk screen "
        f"{parts['nlu']:.0f} ms, tracker store {parts['load'] + parts['save']:.0f} ms (SQLite, synchronous inside "
        "Rasa's async methods, so it blocks the event loop).",
        f"- Haven's SMS path takes {_per_turn(sms, 'total') - total:.0f} ms more per turn inside the server: "
        f"{_per_turn(sms, 'output'):.0f} ms storing the replies in the outbox (one SQLite transaction per bot message, "
        "in a worker thread), the rest is the same stages running slower beside the outbox worker "
        f"({_per_turn(sms, 'delivery'):.0f} ms of delivery per turn: claim, POST to Twilio, mark sent) on the same "
        "2 cores and GIL. SMS replies also only leave after the turn, through the worker.",
        f"- CPU, not waiting, limits throughput: the server tops out near {saturation:.0f} turns/s on this shared "
        "machine, so beyond a handful of concurrent conversations turns queue and the p95 grows with concurrency"
        + (f" (p95 at 10 concurrent on plain REST: {percentile(rest10.latencies, 95) * 1000:.0f} ms)." if rest10
           else "."),
        f"- The biggest single CPU item is validating action server responses ({validation} of the server's CPU "
        "under cProfile, jsonschema plus the urllib parsing it does for `$ref`s): "
        "Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate()` on every action server "
        "response, which re-checks the schema against its metaschema (`check_schema`) each time.",
        "",
        "What would make it faster, biggest first:",
        "1. Validate action server responses with one pre-built validator (a small patch applied at start-up, or a "
        "Rasa release that caches it): roughly halves the Rasa server's CPU per turn.",
        "2. More than one `rasa run` worker (the scaling plan in DESIGN.md: PostgreSQL tracker store, Redis lock "
        "store and socket.io manager): the server uses one core, the machine has two.",
        "3. The outbox: store all bot messages of a turn in one transaction instead of one per message, and keep "
        "SQLite out of the event loop (PostgreSQL in production).",
        "4. Fewer action server round trips per turn (form validation and `action_ask_*` each cost a full tracker "
        "serialisation and HTTP call); the argon2 check costs only the verification turn.",
    ]
    result.text("\n".join(lines))
    return result
