"""NLU figures: held-out intent precision/recall/F1 and 5-fold cross-validation, Haven vs Rasa's default."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.report import ROOT, Section

RASA = str(Path(sys.executable).parent / "rasa")
HELDOUT = "tests/nlu/test_nlu_heldout.yml"
PIPELINES = {"Haven (config.yml)": "config.yml", "Rasa default (rasa init)": "tests/bench/config_rasa_default.yml"}


def _run(command: list[str]) -> float:
    """Run a rasa command quietly from the project root; seconds taken."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _intent_report(folder: Path) -> dict:
    return json.loads((folder / "intent_report.json").read_text())


def _macro(report: dict) -> tuple[float, float, float, float]:
    macro = report["macro avg"]
    return report["accuracy"], macro["precision"], macro["recall"], macro["f1-score"]


def _confusions(report: dict, limit: int = 8) -> list[tuple[str, str, int]]:
    pairs = [
        (intent, other, count)
        for intent, figures in report.items()
        if isinstance(figures, dict) and "confused_with" in figures
        for other, count in figures["confused_with"].items()
    ]
    return sorted(pairs, key=lambda pair: -pair[2])[:limit]


def measure(out: Path, folds: int = 5, figures: dict | None = None) -> Section:
    """Train both pipelines' NLU, test them on the held-out set, cross-validate both.

    `figures`, when given, receives {"<label> heldout macro F1": f1, ...} for the targets summary."""
    section = Section("1. NLU: intents on the held-out set and in cross-validation")
    rows, confusion_lines = [], []
    for label, config in PIPELINES.items():
        slug = "haven" if config == "config.yml" else "default"
        model_dir = out / f"models-{slug}"
        train_s = _run(
            [
                RASA,
                "train",
                "nlu",
                "--config",
                config,
                "--nlu",
                "data/nlu",
                "--out",
                str(model_dir),
                "--fixed-model-name",
                f"nlu-{slug}",
            ]
        )
        heldout_dir = out / f"heldout-{slug}"
        _run(
            [
                RASA,
                "test",
                "nlu",
                "--nlu",
                HELDOUT,
                "--model",
                str(model_dir / f"nlu-{slug}.tar.gz"),
                "--out",
                str(heldout_dir),
            ]
        )
        report = _intent_report(heldout_dir)
        accuracy, precision, recall, f1 = _macro(report)
        cv_dir = out / f"crossval-{slug}"
        cv_s = _run(
            [
                RASA,
                "test",
                "nlu",
                "--nlu",
                "data/nlu",
                "--config",
                config,
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                str(cv_dir),
            ]
        )
        cv_accuracy, _p, _r, cv_f1 = _macro(_intent_report(cv_dir))
        if figures is not None:
            figures[f"{slug} heldout macro F1"] = f1
        rows.append(
            [
                label,
                f"{accuracy:.3f}",
                f"{precision:.3f}",
                f"{recall:.3f}",
                f"{f1:.3f}",
                f"{cv_accuracy:.3f}",
                f"{cv_f1:.3f}",
                f"{train_s:.0f} s",
                f"{cv_s:.0f} s",
            ]
        )
        confusion_lines.append(
            f"- {label}: "
            + (", ".join(f"{intent} -> {other} ({count})" for intent, other, count in _confusions(report)) or "none")
        )
    section.table(
        [
            "pipeline",
            "held-out accuracy",
            "macro P",
            "macro R",
            "macro F1",
            f"{folds}-fold accuracy",
            f"{folds}-fold macro F1",
            "NLU train",
            "cross-val time",
        ],
        rows,
    )
    section.text("Most frequent confusions on the held-out set (true -> predicted (count)):")
    section.text("\n".join(confusion_lines))
    section.commands(
        f"rasa train nlu --config <config> --nlu data/nlu; rasa test nlu --nlu {HELDOUT}; "
        f"rasa test nlu --cross-validation --folds {folds}"
    )
    return section
