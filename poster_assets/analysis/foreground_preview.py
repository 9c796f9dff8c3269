"""A contact sheet of posters with their foreground, faces and objects drawn, for the UI."""

from __future__ import annotations

from poster_assets.analysis.stored_masks import load_foreground_masks
from poster_assets.errors import PosterInputError
from poster_assets.imaging.annotate import draw_foreground
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.imaging.preview import contact_sheet
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import rows_for_posters


def foreground_preview(db: PosterDatabase, poster_ids: list[str]) -> bytes | None:
    """PNG bytes, or None when no poster could be drawn."""
    masks = load_foreground_masks(db, poster_ids)
    faces = rows_for_posters(db, "faces", poster_ids)
    objects = rows_for_posters(db, "objects", poster_ids)
    paths = rows_for_posters(db, "posters", poster_ids).set_index("poster_id")["path"]
    pictures = []
    for poster_id in poster_ids:
        try:
            rgb = decode_image(read_image_bytes(paths[poster_id])).rgb
        except PosterInputError:
            continue  # the file changed or went since it was processed
        face_boxes = [
            (row.x0, row.y0, row.x1, row.y1)
            for row in faces[faces["poster_id"] == poster_id].itertuples()
        ]
        object_boxes = [
            (row.label, (row.x0, row.y0, row.x1, row.y1))
            for row in objects[objects["poster_id"] == poster_id].itertuples()
        ]
        pictures.append(draw_foreground(rgb, masks.get(poster_id), face_boxes, object_boxes))
    return contact_sheet(pictures) if pictures else None
