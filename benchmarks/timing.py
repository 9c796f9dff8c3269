"""Median and p90 of a list of durations, for the benchmark scripts beside this file."""

from __future__ import annotations

import statistics


def median_p90_ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 1),
    }
