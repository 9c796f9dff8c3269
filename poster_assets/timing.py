"""Median and nearest-rank p90 of durations: one definition for stage metadata, the bench
and the benchmark scripts."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median_p90_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median and nearest-rank p90 of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p90_ms": round(1000 * ordered[math.ceil(0.9 * len(ordered)) - 1], 1),
    }
