"""One poster's anatomy gathered from its stored rows (OCR, title, depth, histogram, layers,
and for `poster-assets show` and the report its composition or foreground, faces and
objects), for the layers preview too."""

from __future__ import annotations

import numpy as np

from poster_assets.errors import PosterAssetsError, PosterInputError
from poster_assets.imaging.anatomy import Anatomy
from poster_assets.imaging.preview import poster_caption
from poster_assets.stages.spec import RowReader
from poster_assets.stages.stored import detection_boxes, foreground_mask, labelled_boxes
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.masks import decode_label_png, decode_mask_png


class AnatomyUnavailableError(PosterAssetsError, LookupError):
    pass


def load_anatomy(rows: RowReader, poster_id: str, detections: bool = True) -> Anatomy:
    """`detections`: with the foreground, faces and objects (stages after the layers)."""
    ids = [poster_id]
    poster = rows.rows("posters", ids)
    if poster.empty:
        raise AnatomyUnavailableError(f"no poster {poster_id}")
    depth, histogram = rows.rows("depth_maps", ids), rows.rows("depth_histograms", ids)
    layers = rows.rows("layers", ids).sort_values("layer_index")
    if depth.empty or histogram.empty or layers.empty:
        raise AnatomyUnavailableError(
            f"poster {poster_id} has no depth layers yet (is a depth model registered? "
            "see `poster-assets models list`)"
        )
    lines = rows.rows("ocr_lines", ids).sort_values("line_index")
    title = rows.rows("titles", ids)
    title_text = title["title_text"].iloc[0] if len(title) else ""
    masks = np.stack([decode_mask_png(mask) for mask in layers["mask_png"]])
    title_layers = np.flatnonzero(layers["is_title_layer"].to_numpy(bool))
    counts, edges, modes = histogram.iloc[0][["counts", "edges", "modes"]]
    path = poster["path"].iloc[0]
    try:
        rgb = rows.poster_rgb(poster_id, path)
    except PosterInputError as error:
        raise AnatomyUnavailableError(
            f"poster {poster_id[:12]}: no copy of its bytes is kept (ingested before copies "
            f"were) and {path} no longer holds them ({error.message}); ingest that file again"
        ) from error
    return Anatomy(
        rgb=rgb,
        polygons=[np.asarray(polygon, float).reshape(4, 2) for polygon in lines["polygon"]],
        title_box=tuple(title.iloc[0][["x0", "y0", "x1", "y1"]]) if title_text else None,
        title_text=title_text,
        depth=decode_depth_png(depth["depth_png"].iloc[0]),
        histogram_counts=np.asarray(counts),
        histogram_edges=np.asarray(edges),
        modes=list(modes),
        cuts=list(layers["depth_from"].iloc[1:]),
        labels=masks.argmax(axis=0).astype(np.uint8),
        title_layer=int(title_layers[0]) if len(title_layers) else None,
        caption=f"poster {poster_caption(poster_id, title_text)}",
        **(_detections(rows, ids) if detections else {"with_detections": False}),
    )


def _detections(rows: RowReader, ids: list[str]) -> dict[str, object]:
    composition = rows.rows("composition", ids)
    return {
        "roles": decode_label_png(composition["roles_png"].iloc[0]) if len(composition) else None,
        "foreground": foreground_mask(rows.rows("foreground", ids)),
        "faces": detection_boxes(rows.rows("faces", ids)),
        "objects": labelled_boxes(rows.rows("objects", ids)),
    }
