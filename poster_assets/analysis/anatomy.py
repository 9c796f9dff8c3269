"""Gather one poster's anatomy from the store (OCR, title, depth, histogram, layers)."""

from __future__ import annotations

import numpy as np

from poster_assets.imaging.anatomy import Anatomy
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.store.database import PosterDatabase
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.masks import decode_mask_png


class AnatomyUnavailableError(LookupError):
    pass


def resolve_poster_id(db: PosterDatabase, prefix: str) -> str:
    """A full poster id from a unique prefix of it (ids are 64 hex digits)."""
    with db.read() as connection:
        matches = connection.execute(
            "SELECT poster_id FROM posters WHERE starts_with(poster_id, ?) LIMIT 2", [prefix]
        ).fetchall()
    if len(matches) != 1:
        found = "no poster" if not matches else "more than one poster"
        raise AnatomyUnavailableError(f"{found} has an id starting with {prefix!r}")
    return matches[0][0]


def load_anatomy(db: PosterDatabase, poster_id: str) -> Anatomy:
    with db.read() as connection:
        poster = connection.execute(
            "SELECT path FROM posters WHERE poster_id = ?", [poster_id]
        ).fetchone()
        polygons = connection.execute(
            "SELECT polygon FROM ocr_lines WHERE poster_id = ? ORDER BY line_index", [poster_id]
        ).fetchall()
        title = connection.execute(
            "SELECT title_text, x0, y0, x1, y1 FROM titles WHERE poster_id = ?", [poster_id]
        ).fetchone()
        depth = connection.execute(
            "SELECT depth_png FROM depth_maps WHERE poster_id = ?", [poster_id]
        ).fetchone()
        histogram = connection.execute(
            "SELECT counts, edges, modes FROM depth_histograms WHERE poster_id = ?", [poster_id]
        ).fetchone()
        layers = connection.execute(
            "SELECT mask_png, depth_from, is_title_layer FROM layers WHERE poster_id = ? "
            "ORDER BY layer_index",
            [poster_id],
        ).fetchall()
    if poster is None:
        raise AnatomyUnavailableError(f"no poster {poster_id}")
    if depth is None or histogram is None or not layers:
        raise AnatomyUnavailableError(
            f"poster {poster_id} has no depth layers yet (is a depth model registered? "
            "see `poster-assets models list`)"
        )
    masks = np.stack([decode_mask_png(mask) for mask, _, _ in layers])
    title_text, *box = title if title is not None else ("", None, None, None, None)
    title_layers = [index for index, (_, _, is_title) in enumerate(layers) if is_title]
    return Anatomy(
        rgb=decode_image(read_image_bytes(poster[0])).rgb,
        polygons=[np.asarray(polygon, float).reshape(4, 2) for (polygon,) in polygons],
        title_box=tuple(box) if title_text else None,
        title_text=title_text,
        depth=decode_depth_png(depth[0]),
        histogram_counts=np.asarray(histogram[0]),
        histogram_edges=np.asarray(histogram[1]),
        modes=list(histogram[2]),
        cuts=[depth_from for _, depth_from, _ in layers[1:]],
        labels=masks.argmax(axis=0).astype(np.uint8),
        title_layer=title_layers[0] if title_layers else None,
    )
