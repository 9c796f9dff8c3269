"""The faces and objects stages: detections per poster, each with the depth layer it is in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.analysis.stored_masks import LayerMap
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.vision.detections import Detection, box_layer

FACES_STAGE = "faces"
OBJECTS_STAGE = "objects"
BOX_COLUMNS = ["score", "x0", "y0", "x1", "y1", "layer_index"]
FACE_COLUMNS = ["poster_id", "batch_id", "face_index", *BOX_COLUMNS]
OBJECT_COLUMNS = ["poster_id", "batch_id", "object_index", "label", *BOX_COLUMNS]


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


def run_detection(
    posters: Sequence[PosterFile],
    *,
    batch_id: str,
    stage: str,
    detect: Callable[[np.ndarray], list[Detection]],
    layer_maps: Mapping[str, LayerMap],
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    """`stage` is FACES_STAGE or OBJECTS_STAGE; it names the table and its columns."""
    table, columns = (
        ("faces", FACE_COLUMNS) if stage == FACES_STAGE else ("objects", OBJECT_COLUMNS)
    )
    index_column = columns[2]

    def detect_poster(poster: PosterFile) -> dict[str, list[dict]]:
        rgb = decode_image(read_image_bytes(poster.path)).rgb
        size = (rgb.shape[1], rgb.shape[0])
        rows = detection_rows(detect(rgb), layer_maps.get(poster.poster_id), size)
        return {
            table: [
                {index_column: index, **{key: row[key] for key in columns[3:]}}
                for index, row in enumerate(rows)
            ]
        }

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=stage,
        columns={table: columns},
        process=detect_poster,
        show_progress=show_progress,
        workers=workers,
    )
