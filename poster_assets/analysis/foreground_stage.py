"""The foreground stage: one mask per poster from depth layers, saliency, faces and objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import cv2
import numpy as np
import pandas as pd

from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.analysis.stored_masks import LayerMap
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.vision.depth import stored_size
from poster_assets.vision.foreground import ForegroundCues, ForegroundMask, segment_foreground
from poster_assets.vision.masks import encode_mask_png
from poster_assets.vision.saliency import spectral_residual_saliency

FOREGROUND_STAGE = "foreground"
FOREGROUND_REVISION = "r5"  # r5: GrabCut seeded per poster (was thread-order dependent)
FOREGROUND_COLUMNS = [
    "poster_id", "batch_id", "method", "width", "height", "mask_png", "share",
]  # fmt: skip
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
    rgb: np.ndarray, layers: LayerMap | None, faces: pd.DataFrame, objects: pd.DataFrame
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
    return segment_foreground(small, cues)


def run_foreground(
    posters: Sequence[PosterFile],
    *,
    batch_id: str,
    layer_maps: Mapping[str, LayerMap],
    faces: pd.DataFrame,
    objects: pd.DataFrame,
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    faces_by_poster = dict(list(faces.groupby("poster_id")))
    objects_by_poster = dict(list(objects.groupby("poster_id")))

    def segment(poster: PosterFile) -> dict[str, list[dict]]:
        rgb = decode_image(read_image_bytes(poster.path)).rgb
        result = poster_foreground(
            rgb,
            layer_maps.get(poster.poster_id),
            faces_by_poster.get(poster.poster_id, faces.iloc[:0]),
            objects_by_poster.get(poster.poster_id, objects.iloc[:0]),
        )
        row = {
            "method": result.method,
            "width": result.mask.shape[1],
            "height": result.mask.shape[0],
            "mask_png": encode_mask_png(result.mask),
            "share": result.share,
        }
        return {"foreground": [row]}

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=FOREGROUND_STAGE,
        columns={"foreground": FOREGROUND_COLUMNS},
        process=segment,
        show_progress=show_progress,
        workers=workers,
    )
