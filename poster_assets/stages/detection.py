"""The faces and objects stages: detections per poster (packaged networks), each with the
depth layer it is in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from poster_assets.models.detectors import load_face_detector, load_object_detector
from poster_assets.models.packaged import BLAZEFACE_FULL_RANGE, SSD_MOBILENET_V2_COCO
from poster_assets.stages.layers import LAYERS
from poster_assets.stages.spec import (
    Column,
    PosterInput,
    PreparedStage,
    StageContext,
    StageSpec,
    TableSpec,
)
from poster_assets.stages.stored import LayerMap, layer_map
from poster_assets.vision.detections import Detection, box_layer

BOX_COLUMNS = (
    Column("score", "DOUBLE NOT NULL"),
    Column("x0", "DOUBLE NOT NULL"), Column("y0", "DOUBLE NOT NULL"),
    Column("x1", "DOUBLE NOT NULL"), Column("y1", "DOUBLE NOT NULL"),
    Column("layer_index", "INTEGER", "depth layer holding most of the box (NULL: no layers)"),
)  # fmt: skip
FACES = TableSpec(
    "faces",
    (Column("face_index", "INTEGER NOT NULL", "best score first"), *BOX_COLUMNS),
    key=("poster_id", "face_index"),
)
OBJECTS = TableSpec(
    "objects",
    (
        Column("object_index", "INTEGER NOT NULL", "best score first"),
        Column("label", "VARCHAR NOT NULL", "COCO class name"),
        *BOX_COLUMNS,
    ),
    key=("poster_id", "object_index"),
)


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
) -> Callable[[PosterInput], dict[str, list[dict]]]:
    index_column, *kept = [column.name for column in table.columns]

    def detect_poster(poster: PosterInput) -> dict[str, list[dict]]:
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


def prepare_faces(context: StageContext) -> PreparedStage:
    BLAZEFACE_FULL_RANGE.path()  # says how to install it when missing
    detector = load_face_detector()
    return PreparedStage(detector.version, _detecting(FACES, detector.detect), detector.version)


def prepare_objects(context: StageContext) -> PreparedStage:
    SSD_MOBILENET_V2_COCO.path()
    detector = load_object_detector()
    return PreparedStage(detector.version, _detecting(OBJECTS, detector.detect), detector.version)


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


FACE = StageSpec(
    name="faces",
    asset="faces",
    description="Faces (MediaPipe BlazeFace full range, packaged) with the depth layer each is "
    "in: table `faces`.",
    group="foreground",
    kinds=frozenset({"openvino", "duckdb"}),
    tables=(FACES,),
    upstream=("layers",),
    reads=(LAYERS.name,),
    prepare=prepare_faces,
    summarize=_summarizer("faces"),
)
OBJECT = StageSpec(
    name="objects",
    asset="objects",
    description="COCO objects (SSD MobileNet v2, packaged) with the depth layer each is in: "
    "table `objects`.",
    group="foreground",
    kinds=frozenset({"openvino", "duckdb"}),
    tables=(OBJECTS,),
    upstream=("layers",),
    reads=(LAYERS.name,),
    prepare=prepare_objects,
    summarize=_summarizer("objects"),
)
