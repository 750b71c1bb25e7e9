"""The latency/throughput section of BENCHMARKS.md, built from the load step's results."""

from __future__ import annotations

from tests.bench.clients import PATH_NAMES
from tests.bench.load import TURN_TIMEOUT, Expected, LevelResult
from tests.bench.report import Section
from tests.bench.scripts import SCRIPTS
from tests.bench.stats import ms, percentile, ratio

BASELINE = PATH_NAMES[0]


def _row(level: LevelResult, baseline: LevelResult | None) -> list[str]:
    p50, p95, p99 = (percentile(level.latencies, q) for q in (50, 95, 99))
    rate = len(level.latencies) / level.wall_seconds if level.wall_seconds else 0.0
    base50 = percentile(baseline.latencies, 50) if baseline else float("nan")
    base95 = percentile(baseline.latencies, 95) if baseline else float("nan")
    return [str(level.concurrency), level.path, str(level.conversations), str(level.turns), ms(p50), ms(p95), ms(p99),
            f"{rate:.1f}", str(level.errors), str(level.lost), str(level.wrong), str(level.unfinished),
            ratio(p50, base50), ratio(p95, base95)]


def section(results: list[LevelResult], expected: Expected, *, level_timeout: float) -> Section:
    """Per-turn latency percentiles, throughput, errors and the ratio to plain REST per concurrency."""
    result = Section("3. Latency and throughput per turn")
    baselines = {level.concurrency: level for level in results if level.path == BASELINE}
    result.table(
        ["concurrent", "path", "conversations", "turns", "p50", "p95", "p99", "turns/s", "errors", "lost replies",
         "wrong replies", "unfinished", "p50 vs REST", "p95 vs REST"],
        [_row(level, baselines.get(level.concurrency)) for level in results],
    )
    result.text(
        "Each simulated victim runs one script turn after turn with no think time (closed loop); conversations "
        "cycle through the scripts below, each with its own sender id (fresh phone number, socket.io session "
        "or REST sender), so verification lock-outs cannot interfere. The three paths hit one Rasa server "
        "with one model; levels run in order 1, 10, 50 and the paths one after another within a level. "
        f"Hard limits: {TURN_TIMEOUT:.0f} s per turn, {level_timeout:.0f} s per path and level (conversations not "
        "started by then are 'unfinished'). turns/s counts turns completed within the level's wall time. "
        "'errors' = non-200 answers, transport errors or turn timeouts; 'lost replies' = replies a turn should "
        "have produced (see calibration) that never arrived; 'wrong replies' = a turn whose replies lack the "
        "expected text (the case status must name the reference, the support list must name Fenchester, "
        "the risk reply must give 999)."
    )
    result.text(
        "Where the clock stops: plain REST, when the HTTP response (all replies) is read; SMS, when the fake "
        "Twilio Messages API (a local aiohttp server in the bench process, timestamping each accepted "
        "message per recipient) has accepted the turn's last SMS, the count of SMS per turn being learnt by "
        "calibration (each script once, a turn ending after 1.5 s without a new SMS); web chat, when the "
        "client receives `bot_typing {typing: false}`, which Haven's channel emits once Rasa has finished "
        "the message and emitted every `bot_uttered`. The risk disclosure pauses the conversation by design: "
        "its safety replies end that turn and the script stops there."
    )
    rows = []
    for script in SCRIPTS:
        counts = [" / ".join(str(expected.get((path, script.name), ["?"] * len(script.turns))[turn])
                             for path in PATH_NAMES) for turn in range(len(script.turns))]
        rows.append([script.name, " -> ".join(f'"{text}"' for text in script.turns), "; ".join(counts)])
    result.table(["script", "victim's turns", "replies per turn (REST / SMS / web chat), calibrated"], rows)
    result.commands("python -m tests.bench --only load")
    return result
