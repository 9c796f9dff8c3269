"""The layers stage: the depth histogram and its modes, K-means (K=3) layers on depth near to
far, snapped to SLIC superpixels; the title's glyph pixels, and the layer holding most of
them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import pandas as pd

from poster_assets.errors import ModelMissingError
from poster_assets.imaging.anatomy import anatomy_png
from poster_assets.imaging.preview import stacked_png
from poster_assets.models.ocr import RuntimeMode
from poster_assets.models.registry import MISSING_DEPTH_MODEL, registered_depth_model
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages import spec
from poster_assets.stages.anatomy import load_anatomy
from poster_assets.stages.ocr import title_line_reader
from poster_assets.stages.stored import title_line_texts, title_quadrilaterals
from poster_assets.stages.tables import (
    DEPTH_HISTOGRAMS,
    DEPTH_MAPS,
    LAYERS,
    OCR_LINES,
    TITLE_TEXT,
    TITLES,
)
from poster_assets.vision import text_pixels
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.depth_layers import (
    KMeansSolver,
    depth_histogram,
    kmeans_layers,
    layer_role,
    mask_layer_shares,
    remove_small_regions,
    snap_to_superpixels,
)
from poster_assets.vision.line_reading import LineReader
from poster_assets.vision.masks import encode_mask_png
from poster_assets.vision.saliency import spectral_residual_saliency

# r15: outlined letters get their fill; r14: vertical lines read both ways; r13: sides one
# cluster away
LAYERS_REVISION = "r15"
LAYER_METHOD = "kmeans-depth"
ANATOMY_POSTERS = 3  # pictures on the asset's page, one under the other


@dataclass(frozen=True)
class LayersSettings:
    """`k` layers per poster, or with `k_from_modes` as many as its depth histogram has modes
    (at most `k`). `kmeans`: "exact" (the optimal layers) or "lloyd" (scikit-learn's
    K-means, the code before; docs/measurements.md, "Throughput at 200 posters")."""

    k: int = 3
    k_from_modes: bool = False
    kmeans: KMeansSolver = KMeansSolver.EXACT


def poster_layers(
    depth: np.ndarray,
    rgb: np.ndarray,
    title_glyphs: np.ndarray | None,
    k: int,
    k_from_modes: bool = False,
    solver: KMeansSolver = KMeansSolver.EXACT,
) -> tuple[dict, list[dict]]:
    """Histogram row and layer rows (without ids) for one poster. `depth` is the stored map;
    `rgb` and `title_glyphs` (a bool mask of the title's glyph pixels, None without a title)
    are in the poster's own pixels. With `k_from_modes`, K is the number of histogram modes,
    at most `k`."""
    histogram = depth_histogram(depth)
    if k_from_modes:
        k = max(1, min(k, len(histogram.modes)))
    segmentation = kmeans_layers(depth, k, solver)
    small_rgb = cv2.resize(rgb, (depth.shape[1], depth.shape[0]), interpolation=cv2.INTER_AREA)
    cleaned = remove_small_regions(snap_to_superpixels(segmentation.labels, small_rgb))
    # Snapping and cleaning can swallow a thin layer whole; the survivors keep their order.
    survivors = np.unique(cleaned)
    labels = np.searchsorted(survivors, cleaned).astype(np.uint8)
    count = len(survivors)
    saliency = spectral_residual_saliency(small_rgb)
    mean_saliency = max(float(saliency.mean()), 1e-9)
    shares = None
    if title_glyphs is not None and title_glyphs.any():
        shares = mask_layer_shares(labels, title_glyphs, count)
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


def title_glyph_row(
    rgb: np.ndarray, lines: pd.DataFrame, titles: pd.DataFrame, read: LineReader
) -> tuple[np.ndarray, dict] | None:
    """The title's glyph mask and its `title_text` row, or None without a readable title;
    `read`, the recogniser, lets glyphs that read as the lines' text win (vision/text_pixels).
    Where no glyphs stand out from their ground, the lines' boxes stand in (method 'box')."""
    if titles.empty or titles["title_text"].iloc[0] == "":
        return None
    line_indices = titles["line_indices"].iloc[0]
    polygons = title_quadrilaterals(lines, line_indices)
    boxes = text_pixels.polygons_mask(rgb.shape[:2], polygons)
    texts = title_line_texts(lines, line_indices)
    glyphs = text_pixels.text_pixels(rgb, polygons, title=True, texts=texts, read=read)
    method = "glyphs" if glyphs.any() else "box"
    mask = glyphs if glyphs.any() else boxes
    row = {
        "width": rgb.shape[1],
        "height": rgb.shape[0],
        "mask_png": encode_mask_png(mask),
        "method": method,
        "text_pixels": int(mask.sum()),
        "box_share": float(mask.sum() / max(int(boxes.sum()), 1)),
    }
    return mask, row


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    settings: LayersSettings = context.settings  # type: ignore[assignment]
    ref = registered_depth_model(context.home.models_dir)
    if ref is None:
        raise ModelMissingError(MISSING_DEPTH_MODEL)
    k_rule = f"modes{settings.k}" if settings.k_from_modes else f"k{settings.k}"
    read = title_line_reader(RuntimeMode.of(context.library_defaults))

    def segment(poster: spec.PosterInput) -> dict[str, list[dict]]:
        depth = decode_depth_png(poster.upstream["depth_maps"]["depth_png"].iloc[0])
        found = poster.upstream
        title = title_glyph_row(poster.rgb, found["ocr_lines"], found["titles"], read)
        histogram, layers = poster_layers(
            depth, poster.rgb, None if title is None else title[0], settings.k,
            settings.k_from_modes, settings.kmeans,
        )  # fmt: skip
        tables = {"depth_histograms": [histogram], "layers": layers}
        return tables | {"title_text": [] if title is None else [title[1]]}

    rule = f"{k_rule}-{settings.kmeans.value}"
    version = f"{LAYERS_REVISION}-{rule}+{ref.version}+{load_title_scorer().version}"
    return spec.PreparedStage(version, spec.ready(segment), model=ref.version)


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    histograms, rows = tables["depth_histograms"], tables["layers"]
    titled = rows[rows["is_title_layer"].astype(bool)]  # object dtype when empty
    return {
        "mode_counts": {str(k): int(v) for k, v in histograms["mode_count"].value_counts().items()},
        "title_layer_by_depth_rank": {
            str(k): int(v) for k, v in titled["layer_index"].value_counts().items()
        },
        "title_mostly_in_one_layer": (
            float((titled["title_share"] >= 0.6).mean()) if len(titled) else 0.0
        ),
        "share_with_title_layer": (
            titled["poster_id"].nunique() / len(histograms) if len(histograms) else 0.0
        ),
    }


def preview(rows: spec.RowReader, poster_ids: Sequence[str]) -> bytes | None:
    """The anatomy pictures (poster, depth, histogram, layers) of the first posters, one
    under the other: what the layers are drawn from, not what later stages add to them."""
    pictures = [
        anatomy_png(load_anatomy(rows, poster, detections=False))
        for poster in poster_ids[:ANATOMY_POSTERS]
    ]
    return stacked_png(pictures) if pictures else None


LAYER = spec.StageSpec(
    name="layers", asset="layers", group="layers", kinds=("python", "duckdb"),
    tables=(DEPTH_HISTOGRAMS, LAYERS, TITLE_TEXT), upstream=("depth", "ocr", "titles"),
    reads=(DEPTH_MAPS.name, OCR_LINES.name, TITLES.name), requires=(DEPTH_MAPS.name,),
    parallel=True, settings=LayersSettings,
    prepare=prepare, summarize=summarize, preview=preview, preview_caption="poster anatomy",
    description="The depth histogram and its modes (table `depth_histograms`), and K-means "
    "layers on depth, near to far, snapped to SLIC superpixels, with the title layer marked "
    "(table `layers`, one row per layer with a 1-bit PNG mask); the title's glyph pixels "
    "(table `title_text`), whose layer is the title layer.",
)  # fmt: skip
