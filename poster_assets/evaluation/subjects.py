"""Whether the subject role (the `composition` stage's subjects, or the `foreground` mask
they are cut from) covers what a person calls the subject of a real poster, which has no
true mask: detected faces and people should lie inside it and the poster's border ring
outside. Issue 18's targets, medians over posters:
>= 0.90 of face area and >= 0.80 of person-box area inside, < 0.25 of the ring."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from poster_assets.stages.stored import detection_boxes
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import poster_sizes
from poster_assets.store.stages import (
    load_foreground_masks,
    load_subject_extents,
    rows_for_posters,
)
from poster_assets.vision.foreground import BORDER_SHARE
from poster_assets.vision.masks import border_ring, box_mask

Box = tuple[float, float, float, float]


def box_coverage(mask: np.ndarray, boxes: Sequence[Box], scale: tuple[float, float]) -> float:
    """Share of the boxes' union (poster pixels; `scale` maps them to the mask's) inside
    the mask."""
    covered = box_mask(mask.shape, boxes, scale)
    return float((mask & covered).sum() / covered.sum()) if covered.any() else 0.0


def ring_coverage(mask: np.ndarray) -> float:
    """Share of the border ring (as deep as GrabCut's ground seeds) inside the mask."""
    ring = border_ring(mask.shape, BORDER_SHARE)
    return float((mask & ring).sum() / ring.sum())


def _median(values: list[float]) -> float | None:
    return round(float(np.median(values)), 4) if values else None


def subject_masks(db: PosterDatabase, source: str = "composition") -> dict[str, np.ndarray]:
    """Every poster's subject: the composition's subjects, whole, or the foreground mask."""
    ids = list(poster_sizes(db))
    if source == "foreground":
        return load_foreground_masks(db, ids)
    return load_subject_extents(db, ids)


def subject_report(db: PosterDatabase, masks: Mapping[str, np.ndarray]) -> dict[str, object]:
    """The three figures over the posters with a subject mask (any size)."""
    sizes = poster_sizes(db)
    ids = list(masks)
    faces = rows_for_posters(db, "faces", ids)
    objects = rows_for_posters(db, "objects", ids)
    people = objects[objects["label"] == "person"]
    face_shares, person_shares, rings = [], [], []
    for poster_id, mask in masks.items():
        width, height = sizes[poster_id]
        scale = (mask.shape[1] / width, mask.shape[0] / height)
        rings.append(ring_coverage(mask))
        for rows, shares in ((faces, face_shares), (people, person_shares)):
            boxes = detection_boxes(rows[rows["poster_id"] == poster_id])
            if boxes:
                shares.append(box_coverage(mask, boxes, scale))
    return {
        "posters": len(masks),
        "posters_with_faces": len(face_shares),
        "face_area_in_subject": _median(face_shares),
        "posters_with_people": len(person_shares),
        "person_box_area_in_subject": _median(person_shares),
        "border_ring_in_subject": _median(rings),
    }
