"""The structured training sets, built from what the graph stored: each reads the tables it
derives from (store/training_inputs.py) and returns the rows of its own table. Seeded: the
same store and seed give the same rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from poster_assets.ssl.augment import ViewSettings
from poster_assets.ssl.curriculum_labels import TASK_CLASSES, label_rows
from poster_assets.ssl.sampling import (
    expanded_box,
    layer_patches,
    mask_box,
    poster_role_masks,
    subject_kept,
    subject_view_pairs,
    title_patch_side,
)
from poster_assets.ssl.text_features import TEXT_DIMENSIONS, text_vectors
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import load_foreground_masks, load_layer_maps
from poster_assets.store.training_inputs import (
    all_poster_ids,
    curriculum_facts,
    foreground_shares,
    poster_texts,
    salient_detections,
    title_boxes,
    title_layers,
)


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


def build_view_pairs(db: PosterDatabase, settings: SetSettings) -> pd.DataFrame:
    """`ssl_view_pairs`: crop pairs per poster that each keep some of the foreground mask."""
    ids = all_poster_ids(db)
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


def build_layer_patches(db: PosterDatabase, settings: SetSettings) -> pd.DataFrame:
    """`ssl_layer_patches`: patches lying (>= min purity) inside the background layers, the
    foreground layers, and the title within the title layer."""
    ids = all_poster_ids(db)
    layer_maps = load_layer_maps(db, ids)
    foregrounds = load_foreground_masks(db, ids)
    titles = title_boxes(db)
    layer_of_title = title_layers(db)
    rng = np.random.default_rng(settings.seed)
    rows = []
    for poster_id in ids:
        layer_map = layer_maps.get(poster_id)
        found = poster_role_masks(
            layer_map.labels if layer_map else None,
            layer_map.roles if layer_map else (),
            layer_of_title.get(poster_id),
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
    detections = salient_detections(db, settings.min_object_score, settings.min_object_area)
    foregrounds = load_foreground_masks(db, all_poster_ids(db))
    shares = foreground_shares(db)
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
    rows = poster_texts(db)
    rows = rows[rows["text"].str.strip() != ""].reset_index(drop=True)
    vectors = text_vectors(rows["text"].tolist())
    return rows.assign(dimensions=TEXT_DIMENSIONS, vector=[vector.tolist() for vector in vectors])


def curriculum_labels(db: PosterDatabase) -> pd.DataFrame:
    """poster_id, path and one class column per curriculum task."""
    return label_rows(curriculum_facts(db))


def build_labels(db: PosterDatabase) -> pd.DataFrame:
    """`ssl_labels`: the curriculum's auxiliary class labels per poster."""
    return curriculum_labels(db)[["poster_id", *TASK_CLASSES]]
