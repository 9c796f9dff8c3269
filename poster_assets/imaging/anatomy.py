"""One picture of a poster's anatomy for people to check: the poster with its OCR lines and
title, the depth map, the depth histogram with its modes and K-means cuts, and the layers with
the title layer marked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402

from poster_assets.imaging.annotate import draw_ocr  # noqa: E402

LAYER_COLOURS = np.array(
    [[230, 80, 60], [250, 190, 60], [70, 130, 220], [120, 200, 120], [170, 110, 200]], np.uint8
)


@dataclass(frozen=True)
class Anatomy:
    rgb: np.ndarray  # (H, W, 3) the poster
    polygons: Sequence[np.ndarray]  # OCR lines, (4, 2) in poster pixels
    title_box: tuple[float, float, float, float] | None
    title_text: str
    depth: np.ndarray  # (h, w) stored map, 0 = near
    histogram_counts: np.ndarray
    histogram_edges: np.ndarray
    modes: Sequence[float]
    cuts: Sequence[float]
    labels: np.ndarray  # (h, w) layer index, 0 = nearest
    title_layer: int | None


def anatomy_png(anatomy: Anatomy) -> bytes:
    figure, axes = plt.subplots(
        1, 4, figsize=(13, 4.6), gridspec_kw={"width_ratios": [1, 1, 1.4, 1]}
    )
    poster = draw_ocr(anatomy.rgb, anatomy.polygons, anatomy.title_box)
    axes[0].imshow(poster)
    axes[0].set_title(f"OCR; title: {anatomy.title_text or '(none)'}"[:48], fontsize=9)
    shown = axes[1].imshow(anatomy.depth, cmap="magma_r", vmin=0, vmax=1)
    axes[1].set_title("depth (bright = near)", fontsize=9)
    figure.colorbar(shown, ax=axes[1], fraction=0.046)
    centres = (anatomy.histogram_edges[:-1] + anatomy.histogram_edges[1:]) / 2
    width = anatomy.histogram_edges[1] - anatomy.histogram_edges[0]
    axes[2].bar(centres, anatomy.histogram_counts, width=width, color="0.6")
    for mode in anatomy.modes:
        axes[2].axvline(mode, color="tab:red", linestyle="-", linewidth=1.5)
    for cut in anatomy.cuts:
        axes[2].axvline(cut, color="tab:blue", linestyle="--", linewidth=1.5)
    axes[2].set_title("depth histogram: modes (red), K-means cuts (blue)", fontsize=9)
    axes[2].set_xlabel("depth, 0 = near")
    layers = LAYER_COLOURS[anatomy.labels % len(LAYER_COLOURS)]
    axes[3].imshow(layers)
    if anatomy.title_layer is not None:
        outline = anatomy.labels == anatomy.title_layer
        axes[3].contour(outline, levels=[0.5], colors="black", linewidths=1.5)
    title_layer = "none" if anatomy.title_layer is None else str(anatomy.title_layer)
    axes[3].set_title(f"layers near to far; title layer {title_layer} outlined", fontsize=9)
    for axis in (axes[0], axes[1], axes[3]):
        axis.set_axis_off()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return buffer.getvalue()
