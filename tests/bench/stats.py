"""Percentiles and formatting shared by the timed benchmarks."""

from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    """Seconds as whole milliseconds ("-" for NaN)."""
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def ratio(value: float, baseline: float) -> str:
    """value / baseline as "1.23x" ("-" when either is missing)."""
    if math.isnan(value) or math.isnan(baseline) or baseline <= 0:
        return "-"
    return f"{value / baseline:.2f}x"
