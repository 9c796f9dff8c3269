"""The layers stage: depth histogram and modes, K-means layers near to far, the title layer."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pandas as pd

from poster_assets.analysis.stage_result import StageResult, run_per_poster
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.depth_layers import (
    box_layer_shares,
    depth_histogram,
    kmeans_layers,
    layer_role,
    remove_small_regions,
    snap_to_superpixels,
)
from poster_assets.vision.masks import encode_mask_png
from poster_assets.vision.saliency import spectral_residual_saliency

LAYERS_STAGE = "layers"
LAYERS_REVISION = "r4"
LAYER_METHOD = "kmeans-depth"
HISTOGRAM_COLUMNS = ["poster_id", "batch_id", "counts", "edges", "modes", "mode_count"]
LAYER_COLUMNS = [
    "poster_id", "batch_id", "layer_index", "layer_count", "method", "role", "saliency",
    "pixel_share",
    "mean_depth", "depth_from", "depth_to", "mask_png", "is_title_layer", "title_share",
]  # fmt: skip


def poster_layers(
    depth: np.ndarray,
    rgb: np.ndarray,
    title_box: tuple[float, float, float, float] | None,
    k: int,
    k_from_modes: bool = False,
) -> tuple[dict, list[dict]]:
    """Histogram row and layer rows (without ids) for one poster. `depth` is the stored map;
    `rgb` and `title_box` are in the poster's own pixels. With `k_from_modes`, K is the
    number of histogram modes, at most `k`."""
    histogram = depth_histogram(depth)
    if k_from_modes:
        k = max(1, min(k, len(histogram.modes)))
    segmentation = kmeans_layers(depth, k)
    small_rgb = cv2.resize(rgb, (depth.shape[1], depth.shape[0]), interpolation=cv2.INTER_AREA)
    cleaned = remove_small_regions(snap_to_superpixels(segmentation.labels, small_rgb))
    # Snapping and cleaning can swallow a thin layer whole; the survivors keep their order.
    survivors = np.unique(cleaned)
    labels = np.searchsorted(survivors, cleaned).astype(np.uint8)
    count = len(survivors)
    saliency = spectral_residual_saliency(small_rgb)
    mean_saliency = max(float(saliency.mean()), 1e-9)
    shares = None
    if title_box is not None:
        scale_x, scale_y = depth.shape[1] / rgb.shape[1], depth.shape[0] / rgb.shape[0]
        x0, y0, x1, y1 = title_box
        small_box = (x0 * scale_x, y0 * scale_y, x1 * scale_x, y1 * scale_y)
        shares = box_layer_shares(labels, small_box, count)
    bounds = (0.0, *segmentation.cuts, 1.0)
    layers = []
    for index, kmeans_index in enumerate(survivors):
        mask = labels == index
        saliency_ratio = float(saliency[mask].mean()) / mean_saliency
        layers.append(
            {
                "layer_index": index,
                "layer_count": count,
                "method": LAYER_METHOD,
                "role": layer_role(index, count, saliency_ratio),
                "saliency": saliency_ratio,
                "pixel_share": float(mask.mean()),
                "mean_depth": float(depth[mask].mean()),
                "depth_from": bounds[kmeans_index],
                "depth_to": bounds[kmeans_index + 1],
                "mask_png": encode_mask_png(mask),
                "is_title_layer": shares is not None and index == int(shares.argmax()),
                "title_share": None if shares is None else float(shares[index]),
            }
        )
    histogram_row = {
        "counts": histogram.counts.tolist(),
        "edges": histogram.edges.tolist(),
        "modes": list(histogram.modes),
        "mode_count": len(histogram.modes),
    }
    return histogram_row, layers


def run_layers(
    inputs: pd.DataFrame,
    batch_id: str,
    k: int,
    k_from_modes: bool,
    show_progress: bool,
    workers: int = 1,
) -> StageResult:
    """`inputs`: rows of `store.stages.layer_inputs` (poster, depth map, title box)."""

    def segment(row: Any) -> dict[str, list[dict]]:  # noqa: ANN401 - a DataFrame row tuple
        rgb = decode_image(read_image_bytes(row.path)).rgb
        has_title = isinstance(row.title_text, str) and row.title_text != ""
        box = (row.x0, row.y0, row.x1, row.y1) if has_title else None
        histogram, layers = poster_layers(
            decode_depth_png(row.depth_png), rgb, box, k, k_from_modes
        )
        return {"depth_histograms": [histogram], "layers": layers}

    return run_per_poster(
        list(inputs.itertuples()),
        batch_id=batch_id,
        stage=LAYERS_STAGE,
        columns={"depth_histograms": HISTOGRAM_COLUMNS, "layers": LAYER_COLUMNS},
        process=segment,
        show_progress=show_progress,
        workers=workers,
    )
