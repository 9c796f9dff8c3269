"""The structured training sets, built from what the graph stored: each reads the tables it
derives from and returns the rows of its own table (see store/schema.py). Seeded: the same
store and seed give the same rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from poster_assets.ssl.augment import ViewSettings
from poster_assets.ssl.curriculum_labels import TASK_CLASSES, curriculum_labels
from poster_assets.ssl.sampling import (
    expanded_box,
    layer_patches,
    mask_box,
    subject_kept,
    subject_view_pairs,
)
from poster_assets.ssl.text_features import TEXT_DIMENSIONS, text_vectors
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import load_foreground_masks, load_layer_maps

PATCH_ROLES = ("background", "foreground", "title")
MIN_TITLE_PATCH_SIDE = 0.06


@dataclass(frozen=True)
class SetSettings:
    seed: int = 0
    view_pairs: int = 8  # stored pairs per poster; training cycles through them by epoch
    min_subject_kept: float = 0.5
    patches_per_role: int = 2
    patch_side: float = 0.25  # of the poster's width
    min_patch_purity: float = 0.8
    min_object_score: float = 0.5
    min_object_area: float = 0.01  # of the poster
    crop_margin: float = 0.15
    min_crop_side: float = 0.15


def _query(db: PosterDatabase, sql: str) -> pd.DataFrame:
    with db.read() as connection:
        return connection.execute(sql).df()


def _poster_ids(db: PosterDatabase) -> list[str]:
    return _query(db, "SELECT poster_id FROM posters ORDER BY poster_id")["poster_id"].tolist()


def build_view_pairs(db: PosterDatabase, settings: SetSettings) -> pd.DataFrame:
    """`ssl_view_pairs`: crop pairs per poster that each keep some of the foreground mask."""
    ids = _poster_ids(db)
    masks = load_foreground_masks(db, ids)
    views = ViewSettings()
    rng = np.random.default_rng(settings.seed)
    rows = []
    for poster_id in ids:
        subject = masks.get(poster_id)
        boxes = subject_view_pairs(
            subject, rng, pairs=settings.view_pairs, settings=views,
            min_kept=settings.min_subject_kept,
        )  # fmt: skip
        for index, (box_a, box_b) in enumerate(boxes):
            kept = [
                1.0 if subject is None else subject_kept(subject, box) for box in (box_a, box_b)
            ]
            rows.append((poster_id, index, box_a.tolist(), box_b.tolist(), *kept))
    return pd.DataFrame(
        rows, columns=["poster_id", "pair_index", "box_a", "box_b", "kept_a", "kept_b"]
    )


def _title_boxes(db: PosterDatabase) -> dict[str, tuple[float, float, float, float]]:
    rows = _query(
        db,
        """
        SELECT t.poster_id, t.x0 / p.width AS x0, t.y0 / p.height AS y0,
               t.x1 / p.width AS x1, t.y1 / p.height AS y1
        FROM titles t JOIN posters p USING (poster_id)
        WHERE t.title_text <> '' AND t.x0 IS NOT NULL
        """,
    )
    return {row.poster_id: (row.x0, row.y0, row.x1, row.y1) for row in rows.itertuples()}


def box_mask(box: tuple[float, float, float, float], shape: tuple[int, int]) -> np.ndarray:
    """A boolean mask of `shape` set inside the fractional box."""
    height, width = shape
    mask = np.zeros(shape, bool)
    x0, x1 = int(box[0] * width), int(np.ceil(box[2] * width))
    y0, y1 = int(box[1] * height), int(np.ceil(box[3] * height))
    mask[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = True
    return mask


def poster_role_masks(
    layer_map_labels: np.ndarray | None,
    layer_roles: tuple[str, ...],
    title_layer: int | None,
    foreground: np.ndarray | None,
    title_box: tuple[float, float, float, float] | None,
) -> tuple[str, dict[str, np.ndarray]] | None:
    """(source, role -> mask): depth layers by role where the poster has layers, else the
    foreground mask and its complement; the title role is the title's box within its layer."""
    if layer_map_labels is not None:
        roles = np.array(layer_roles)
        masks = {
            role: np.isin(layer_map_labels, np.flatnonzero(roles == role))
            for role in ("background", "foreground")
        }
        source, shape = "depth-layers", layer_map_labels.shape
        title_pixels = (layer_map_labels == title_layer) if title_layer is not None else None
    elif foreground is not None:
        masks = {"background": ~foreground, "foreground": foreground}
        source, shape, title_pixels = "foreground-mask", foreground.shape, None
    else:
        return None
    if title_box is not None:
        inside = box_mask(title_box, shape)
        masks["title"] = inside if title_pixels is None else inside & title_pixels
    return source, masks


def title_patch_side(
    title_box: tuple[float, float, float, float], shape: tuple[int, int], largest: float
) -> float:
    """A square patch side (fraction of the width) that fits the title's height: titles are
    often far shorter than a background patch."""
    height, width = shape
    fits = (title_box[3] - title_box[1]) * height / width
    return float(min(largest, max(fits, MIN_TITLE_PATCH_SIDE)))


def build_layer_patches(db: PosterDatabase, settings: SetSettings) -> pd.DataFrame:
    """`ssl_layer_patches`: patches lying (>= min purity) inside the background layers, the
    foreground layers, and the title within the title layer."""
    ids = _poster_ids(db)
    layer_maps = load_layer_maps(db, ids)
    foregrounds = load_foreground_masks(db, ids)
    titles = _title_boxes(db)
    title_layers = dict(
        _query(db, "SELECT poster_id, layer_index FROM layers WHERE is_title_layer").itertuples(
            index=False
        )
    )
    rng = np.random.default_rng(settings.seed)
    rows = []
    for poster_id in ids:
        layer_map = layer_maps.get(poster_id)
        found = poster_role_masks(
            layer_map.labels if layer_map else None,
            layer_map.roles if layer_map else (),
            title_layers.get(poster_id),
            foregrounds.get(poster_id),
            titles.get(poster_id),
        )
        if found is None:
            continue
        source, masks = found
        title = masks.pop("title", None)
        patches = layer_patches(
            masks, rng, per_role=settings.patches_per_role, side=settings.patch_side,
            min_purity=settings.min_patch_purity,
        )  # fmt: skip
        if title is not None:
            side = title_patch_side(titles[poster_id], title.shape, settings.patch_side)
            patches += layer_patches(
                {"title": title}, rng, per_role=settings.patches_per_role, side=side,
                min_purity=settings.min_patch_purity,
            )  # fmt: skip
        for index, patch in enumerate(patches):
            rows.append((poster_id, index, patch.role, source, list(patch.box), patch.purity))
    return pd.DataFrame(
        rows, columns=["poster_id", "patch_index", "role", "source", "box", "purity"]
    )


def build_salient_crops(db: PosterDatabase, settings: SetSettings) -> pd.DataFrame:
    """`ssl_salient_crops`: boxes around each face, each confident large object, and the
    foreground mask, grown by a margin."""
    detections = _query(
        db,
        f"""
        SELECT f.poster_id, 'face' AS source, 'face' AS label, f.score,
               f.x0 / p.width AS x0, f.y0 / p.height AS y0,
               f.x1 / p.width AS x1, f.y1 / p.height AS y1
        FROM faces f JOIN posters p USING (poster_id)
        UNION ALL
        SELECT o.poster_id, 'object', o.label, o.score,
               o.x0 / p.width, o.y0 / p.height, o.x1 / p.width, o.y1 / p.height
        FROM objects o JOIN posters p USING (poster_id)
        WHERE o.score >= {settings.min_object_score}
          AND (o.x1 - o.x0) * (o.y1 - o.y0) >= {settings.min_object_area} * p.width * p.height
        """,
    )
    foregrounds = load_foreground_masks(db, _poster_ids(db))
    shares = dict(_query(db, "SELECT poster_id, share FROM foreground").itertuples(index=False))
    rows = [
        (r.poster_id, r.source, r.label, (r.x0, r.y0, r.x1, r.y1), r.score)
        for r in detections.itertuples()
    ]
    for poster_id, mask in foregrounds.items():
        box = mask_box(mask)
        if box is not None and 0.02 <= shares.get(poster_id, 0.0) <= 0.9:
            rows.append((poster_id, "foreground", "foreground", box, shares[poster_id]))
    frame = pd.DataFrame(rows, columns=["poster_id", "source", "label", "box", "score"])
    frame["box"] = [
        list(expanded_box(box, settings.crop_margin, settings.min_crop_side))
        for box in frame["box"]
    ]
    frame = frame.sort_values(["poster_id", "source", "score"], ascending=[True, True, False])
    frame["crop_index"] = frame.groupby("poster_id").cumcount()
    return frame[["poster_id", "crop_index", "source", "label", "box", "score"]]


def build_text_pairs(db: PosterDatabase) -> pd.DataFrame:
    """`ssl_text_pairs`: each poster's OCR text (reading order) and its n-gram vector."""
    rows = _query(
        db,
        """
        SELECT l.poster_id, string_agg(l.text, ' ' ORDER BY l.line_index) AS text,
               coalesce(any_value(t.title_text), '') AS title
        FROM ocr_lines l LEFT JOIN titles t USING (poster_id)
        GROUP BY l.poster_id ORDER BY l.poster_id
        """,
    )
    rows = rows[rows["text"].str.strip() != ""].reset_index(drop=True)
    vectors = text_vectors(rows["text"].tolist())
    return rows.assign(dimensions=TEXT_DIMENSIONS, vector=[vector.tolist() for vector in vectors])


def build_labels(db: PosterDatabase) -> pd.DataFrame:
    """`ssl_labels`: the curriculum's auxiliary class labels per poster."""
    return curriculum_labels(db)[["poster_id", *TASK_CLASSES]]
