"""The faces and objects stages: detections per poster (packaged networks), each with the
depth layer it is in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from poster_assets.models.detectors import (
    FaceDetector,
    ObjectDetector,
    load_face_detector,
    load_object_detector,
)
from poster_assets.models.packaged import (
    BLAZEFACE_FULL_RANGE,
    SSD_MOBILENET_V2_COCO,
    PackagedModel,
)
from poster_assets.stages import spec
from poster_assets.stages.stored import LayerMap, layer_map
from poster_assets.stages.tables import FACES, LAYERS, OBJECTS, TableSpec
from poster_assets.vision.detections import Detection, box_layer


def detection_rows(
    detections: Sequence[Detection], layers: LayerMap | None, image_size: tuple[int, int]
) -> list[dict]:
    """Rows (without ids or index) in the order given; `image_size` is (width, height)."""
    rows = []
    for detection in detections:
        x0, y0, x1, y1 = detection.box
        layer = None if layers is None else box_layer(detection.box, layers.labels, image_size)
        rows.append(
            {
                "label": detection.label,
                "score": detection.score,
                "x0": x0, "y0": y0, "x1": x1, "y1": y1,
                "layer_index": layer,
            }
        )  # fmt: skip
    return rows


def _detecting(
    table: TableSpec, detect: Callable[[np.ndarray], list[Detection]]
) -> Callable[[spec.PosterInput], dict[str, list[dict]]]:
    index_column, *kept = [column.name for column in table.columns]

    def detect_poster(poster: spec.PosterInput) -> dict[str, list[dict]]:
        rgb = poster.rgb
        size = (rgb.shape[1], rgb.shape[0])
        rows = detection_rows(detect(rgb), layer_map(poster.upstream["layers"]), size)
        return {
            table.name: [
                {index_column: index, **{key: row[key] for key in kept}}
                for index, row in enumerate(rows)
            ]
        }

    return detect_poster


Detector = FaceDetector | ObjectDetector


def _preparing(
    table: TableSpec,
    model: PackagedModel,
    detector: type[Detector],
    load: Callable[[Path | None, int], Detector],
) -> Callable[[spec.StageContext], spec.PreparedStage]:
    def prepare(context: spec.StageContext) -> spec.PreparedStage:
        model.path()  # says how to install it when missing

        def loaded() -> spec.ProcessPoster:
            return _detecting(table, load(None, context.workers).detect)

        return spec.PreparedStage(detector.version, loaded, model=detector.version)

    return prepare


def _summarizer(table: str) -> Callable[[Mapping[str, pd.DataFrame]], dict[str, object]]:
    def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
        rows = tables[table]
        summary: dict[str, object] = {
            "detections": len(rows),
            "posters_with_any": rows["poster_id"].nunique(),
        }
        if "label" in rows:
            summary["labels"] = rows["label"].value_counts().head(15).to_dict()
        return summary

    return summarize


def _detection_stage(
    table: TableSpec,
    model: PackagedModel,
    detector: type[Detector],
    load: Callable[[Path | None, int], Detector],
    description: str,
) -> spec.StageSpec:
    return spec.StageSpec(
        name=table.name, asset=table.name, group="foreground", kinds=("openvino", "duckdb"),
        tables=(table,), upstream=("layers",), reads=(LAYERS.name,), parallel=True,
        prepare=_preparing(table, model, detector, load), summarize=_summarizer(table.name),
        description=f"{description} with the depth layer each is in: table `{table.name}`.",
    )  # fmt: skip


FACE = _detection_stage(
    FACES,
    BLAZEFACE_FULL_RANGE,
    FaceDetector,
    load_face_detector,
    "Faces (MediaPipe BlazeFace full range, packaged)",
)
OBJECT = _detection_stage(
    OBJECTS,
    SSD_MOBILENET_V2_COCO,
    ObjectDetector,
    load_object_detector,
    "COCO objects (SSD MobileNet v2, packaged)",
)
