"""The foreground stage: one mask per poster, GrabCut seeded by the near depth layers,
saliency, faces and people/animals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import pandas as pd

from poster_assets.imaging.annotate import FOREGROUND_LEGEND, draw_foreground
from poster_assets.imaging.preview import contact_sheet, poster_caption
from poster_assets.models.packaged import BLAZEFACE_FULL_RANGE, SSD_MOBILENET_V2_COCO
from poster_assets.stages import spec
from poster_assets.stages.stored import (
    LayerMap,
    detection_boxes,
    foreground_masks,
    labelled_boxes,
    layer_map,
    poster_pictures,
    titles_read,
)
from poster_assets.stages.tables import FACES, FOREGROUND, LAYERS, OBJECTS
from poster_assets.vision.depth import stored_size
from poster_assets.vision.foreground import ForegroundCues, ForegroundMask, segment_foreground
from poster_assets.vision.masks import encode_mask_png
from poster_assets.vision.saliency import spectral_residual_saliency

FOREGROUND_REVISION = "r7"  # r7: rectangle fallback; r6: subject boxes probable foreground


@dataclass(frozen=True)
class ForegroundSettings:
    """GrabCut rounds: 3 take 16 % less time than 4 for masks at IoU 0.999 with 4's
    (docs/measurements.md, "Throughput at 200 posters")."""

    grabcut_iterations: int = 3


# COCO classes that are a poster's subject when present.
SUBJECT_LABELS = frozenset(
    {"person", "cat", "dog", "horse", "bird", "elephant", "bear", "zebra", "giraffe", "cow"}
)


def _boxes(rows: pd.DataFrame, scale: float) -> list[tuple[float, float, float, float]]:
    return [
        (row.x0 * scale, row.y0 * scale, row.x1 * scale, row.y1 * scale)
        for row in rows.itertuples()
    ]


def poster_foreground(
    rgb: np.ndarray,
    layers: LayerMap | None,
    faces: pd.DataFrame,
    objects: pd.DataFrame,
    iterations: int = ForegroundSettings.grabcut_iterations,
) -> ForegroundMask:
    """The mask at the depth map's stored size; `faces`/`objects` are the poster's rows."""
    height, width = rgb.shape[:2]
    small_w, small_h = stored_size(width, height)
    small = cv2.resize(rgb, (small_w, small_h), interpolation=cv2.INTER_AREA)

    def at_working_size(mask: np.ndarray) -> np.ndarray:
        resized = cv2.resize(mask.astype(np.uint8), (small_w, small_h), cv2.INTER_NEAREST)
        return resized.astype(bool)

    scale = small_w / width
    subjects = objects[objects["label"].isin(SUBJECT_LABELS)]
    cues = ForegroundCues(
        saliency=spectral_residual_saliency(small),
        near_layers=None if layers is None else at_working_size(layers.role_mask("foreground")),
        faces=_boxes(faces, scale),
        subjects=_boxes(subjects, scale),
    )
    return segment_foreground(small, cues, iterations)


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    settings: ForegroundSettings = context.settings  # type: ignore[assignment]
    cues = [
        model.name if model.available() else f"no-{model.name}"
        for model in (BLAZEFACE_FULL_RANGE, SSD_MOBILENET_V2_COCO)
    ]

    def segment(poster: spec.PosterInput) -> dict[str, list[dict]]:
        found = poster.upstream
        result = poster_foreground(
            poster.rgb, layer_map(found["layers"]), found["faces"], found["objects"],
            settings.grabcut_iterations,
        )  # fmt: skip
        row = {
            "method": result.method,
            "width": result.mask.shape[1],
            "height": result.mask.shape[0],
            "mask_png": encode_mask_png(result.mask),
            "share": result.share,
        }
        return {"foreground": [row]}

    version = "+".join([f"{FOREGROUND_REVISION}-i{settings.grabcut_iterations}", *cues])
    return spec.PreparedStage(version, spec.ready(segment))


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["foreground"]
    return {
        "median_foreground_share": float(rows["share"].median()) if len(rows) else 0.0,
        "methods": rows["method"].value_counts().to_dict(),
    }


def preview(rows: spec.RowReader, poster_ids: Sequence[str]) -> bytes | None:
    """Posters with their foreground outlined, faces and objects boxed."""
    masks = foreground_masks(rows.rows("foreground", poster_ids))
    faces = rows.rows("faces", poster_ids)
    objects = rows.rows("objects", poster_ids)
    titles = titles_read(rows, poster_ids)
    pictures, captions = [], []
    for poster_id, rgb in poster_pictures(rows, poster_ids).items():
        face_boxes = detection_boxes(faces[faces["poster_id"] == poster_id])
        object_boxes = labelled_boxes(objects[objects["poster_id"] == poster_id])
        pictures.append(draw_foreground(rgb, masks.get(poster_id), face_boxes, object_boxes))
        captions.append(poster_caption(poster_id, titles.get(poster_id)))
    return contact_sheet(pictures, captions, FOREGROUND_LEGEND) if pictures else None


FOREGROUND_STAGE = spec.StageSpec(
    name="foreground", asset="foreground", group="foreground", kinds=("opencv", "duckdb"),
    tables=(FOREGROUND,), upstream=("layers", "faces", "objects"), parallel=True,
    reads=(LAYERS.name, FACES.name, OBJECTS.name), settings=ForegroundSettings,
    prepare=prepare, summarize=summarize,
    preview=preview, preview_caption="foreground (outlined; background dimmed), faces, objects",
    description="A foreground mask per poster (table `foreground`): GrabCut seeded by the near "
    "depth layers, saliency, faces and people/animals; the row's `method` names the cues used.",
)  # fmt: skip
