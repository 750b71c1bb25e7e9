"""`python -m tests.bench.profiled_rasa run ...`: `rasa run` with wall-clock stage timers and cProfile on demand.

Used only by the bench's profile step. SIGUSR1 resets the stage timers; SIGHUP resets them and starts a
fresh cProfile; SIGUSR2 stops cProfile (if on) and writes `<HAVEN_BENCH_PROFILE>.json` (stage timers) and,
after SIGHUP, `<HAVEN_BENCH_PROFILE>.pstats`. Timers alone cost a few microseconds per call.
The timers wrap Rasa's and Haven's own methods in this process only; nothing on disk changes.
"""

from __future__ import annotations

import cProfile
import functools
import importlib
import inspect
import json
import os
import signal
import sys
import time
from collections import defaultdict
from typing import Any

# (module, class, method, stage): where one turn spends its wall-clock time in the Rasa server.
STAGES = (
    ("rasa.core.agent", "Agent", "handle_message", "turn total (Agent.handle_message, incl. lock)"),
    ("rasa.core.processor", "MessageProcessor", "parse_message", "NLU pipeline incl. risk screen"),
    ("rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker", "policy prediction"),
    ("rasa.core.actions.action", "RemoteAction", "run", "action server round trip"),
    ("rasa.core.tracker_store", "SQLTrackerStore", "retrieve", "tracker store: load"),
    ("rasa.core.tracker_store", "SQLTrackerStore", "save", "tracker store: save"),
    ("rasa.core.processor", "MessageProcessor", "_send_bot_messages", "output channel (send / outbox enqueue)"),
    ("bot.outbox.worker", "OutboxWorker", "_deliver", "outbox delivery (after the turn)"),
)
TIMERS: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
STATE: dict[str, cProfile.Profile | None] = {"profiler": None}


def _wrap(function: Any, stage: str) -> Any:
    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                TIMERS[stage][0] += 1
                TIMERS[stage][1] += time.perf_counter() - started
        return timed_async

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TIMERS[stage][0] += 1
            TIMERS[stage][1] += time.perf_counter() - started
    return timed


def install_timers() -> None:
    """Wrap each stage's method with a wall-clock timer."""
    for module_name, class_name, method, stage in STAGES:
        owner = getattr(importlib.import_module(module_name), class_name)
        timed = _wrap(getattr(owner, method), stage)
        if isinstance(inspect.getattr_static(owner, method), staticmethod):
            timed = staticmethod(timed)
        setattr(owner, method, timed)


def _start(signum: int, _frame: Any) -> None:
    TIMERS.clear()
    if signum == signal.SIGHUP:
        STATE["profiler"] = cProfile.Profile()
        STATE["profiler"].enable()


def _dump(_signum: int, _frame: Any) -> None:
    target = os.environ["HAVEN_BENCH_PROFILE"]
    profiler, STATE["profiler"] = STATE["profiler"], None
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(target + ".pstats")
    with open(target + ".json", "w", encoding="utf-8") as handle:
        json.dump({stage: {"calls": calls, "seconds": seconds} for stage, (calls, seconds) in TIMERS.items()}, handle)


def main() -> None:
    install_timers()
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGHUP, _start)
    signal.signal(signal.SIGUSR2, _dump)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
