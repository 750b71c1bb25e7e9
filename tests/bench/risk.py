"""Risk screen figures: patterns, model, combined and keywords on every evaluation set (bot/risk/evaluation)."""

from __future__ import annotations

from bot.risk.evaluation.measure import judge_all, table
from bot.risk.evaluation.sections import evaluation_sets
from bot.risk.layered import default_layered_screen
from tests.bench.report import Section


def section() -> Section:
    """One table per evaluation set, with Wilson 95% intervals."""
    screen = default_layered_screen()
    result = Section("2. Risk screen: recall and false escalations, split by batch")
    if screen.head is not None:
        thresholds = screen.head.thresholds
        result.text(f"Model: lexical weight {screen.head.mix}, escalates at P >= {thresholds.escalate}, "
                    f"uncertain band from {thresholds.watch}. Recall is on messages needing a person, false "
                    "escalations on benign ones; `combined+watch` also counts the uncertain band (asked \"are "
                    "you safe?\" with 999 and a helpline). The TEST figure is the honest one.")
    for evaluation_set in evaluation_sets():
        result.text("```\n" + table(evaluation_set.title, judge_all(evaluation_set.examples, screen)) + "\n```")
    result.commands("make eval-risk")
    return result
