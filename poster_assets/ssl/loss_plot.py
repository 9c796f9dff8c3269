"""The training curves of one run as a PNG, for the run's folder and the Dagster UI."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from poster_assets.ssl.train import TrainResult  # noqa: E402


def smoothed(values: list[float], window: int) -> np.ndarray:
    """Moving mean ignoring NaN (steps where a loss had no weight stay NaN)."""
    series = np.asarray(values, dtype=float)
    out = np.full_like(series, np.nan)
    for index in range(len(series)):
        part = series[max(0, index - window + 1) : index + 1]
        if not math.isnan(series[index]) and np.isfinite(part).any():
            out[index] = np.nanmean(part)
    return out


def loss_curves_png(result: TrainResult, title: str) -> bytes:
    curves = {"total (weighted)": result.losses, "simsiam": result.simsiam_losses}
    return curves_png(curves | result.task_losses, title)


def curves_png(curves: dict[str, list[float]], title: str) -> bytes:
    """One line per named curve (NaN where a step had no value), smoothed, as a PNG."""
    step_count = len(next(iter(curves.values())))
    window = max(1, step_count // 25)
    figure, axis = plt.subplots(figsize=(7, 3.6), dpi=100)
    steps = np.arange(1, step_count + 1)
    for name, values in curves.items():
        axis.plot(steps, smoothed(values, window), label=name, linewidth=1.4)
    axis.set_xlabel("step")
    axis.set_ylabel(f"loss (moving mean of {window})")
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="upper right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
