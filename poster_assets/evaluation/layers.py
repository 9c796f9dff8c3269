"""How well depth layers line up with poster structure.

On generated posters (ground-truth layer maps: background, subject, title, credits): whether
the layer marked as the title layer is the one holding most of the true title pixels, and the
best IoU any predicted layer reaches with each true layer. On any corpus: the share of titled
posters whose title box lies mostly (>= 60 %) in one layer, and how many depth modes posters
have.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from poster_assets.demo.generator import (
    LAYER_BACKGROUND,
    LAYER_CREDITS,
    LAYER_SUBJECT,
    LAYER_TITLE,
)
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import (
    layers_of_file,
    mode_counts,
    title_layer_shares,
    title_text_of_file,
)
from poster_assets.vision.depth_layers import layer_role
from poster_assets.vision.masks import decode_mask_png, iou

MOSTLY_IN_ONE_LAYER = 0.6
TRUE_LAYERS = {
    "background": (LAYER_BACKGROUND,),
    "subject": (LAYER_SUBJECT,),
    "text": (LAYER_TITLE, LAYER_CREDITS),
}


def structure_report(db: PosterDatabase) -> dict[str, object]:
    shares = title_layer_shares(db)
    return {
        "titled_posters_with_layers": len(shares),
        "title_mostly_in_one_layer": round(
            float(np.mean([share >= MOSTLY_IN_ONE_LAYER for share in shares])), 4
        )
        if shares
        else None,
        "depth_mode_counts": dict(sorted(Counter(mode_counts(db)).items())),
    }


def demo_layer_report(db: PosterDatabase, corpus_dir: Path) -> dict[str, object]:
    """Against `ground_truth.jsonl` and `layers/*.png` of a generated corpus."""
    truths = [json.loads(line) for line in (corpus_dir / "ground_truth.jsonl").open()]
    title_hits, ious = [], {name: [] for name in TRUE_LAYERS}
    subject_roles: list[str] = []
    subject_roles_by_depth: list[str] = []
    glyph_ious: list[float] = []
    for truth in truths:
        rows = layers_of_file(db, truth["image"])
        if not rows:
            continue
        masks = np.stack([decode_mask_png(row[0]) for row in rows])
        true_map = cv2.imread(
            str(corpus_dir / "layers" / (os.path.splitext(truth["image"])[0] + ".png")),
            cv2.IMREAD_UNCHANGED,
        )
        glyphs = title_text_of_file(db, truth["image"])  # a title not found counts as 0
        true_title = true_map == LAYER_TITLE
        glyph_ious.append(0.0 if glyphs is None else iou(decode_mask_png(glyphs), true_title))
        true_map = cv2.resize(
            true_map, (masks.shape[2], masks.shape[1]), interpolation=cv2.INTER_NEAREST
        )
        title_pixels = true_map == LAYER_TITLE
        holding = int(np.argmax([(mask & title_pixels).sum() for mask in masks]))
        marked = [index for index, row in enumerate(rows) if row[1]]
        title_hits.append(marked == [holding])
        subject = int(np.argmax([iou(mask, true_map == LAYER_SUBJECT) for mask in masks]))
        subject_roles.append(rows[subject][2])
        subject_roles_by_depth.append(layer_role(subject, rows[subject][3]))
        for name, values in TRUE_LAYERS.items():
            truth_mask = np.isin(true_map, values)
            ious[name].append(max(iou(mask, truth_mask) for mask in masks))
    return {
        "posters": len(title_hits),
        "title_layer_accuracy": round(float(np.mean(title_hits)), 4) if title_hits else None,
        # The layer that best matches the true subject: is it called foreground?
        "subject_layer_is_foreground": _share(subject_roles, "foreground"),
        "subject_layer_is_foreground_by_depth_order_only": _share(
            subject_roles_by_depth, "foreground"
        ),
        # The stored title glyph pixels against the title's exact pixels, full size.
        "title_text_iou": round(float(np.mean(glyph_ious)), 4) if glyph_ious else None,
        "best_layer_iou": {
            name: round(float(np.mean(values)), 4) if values else None
            for name, values in ious.items()
        },
    }


def _share(roles: list[str], role: str) -> float | None:
    return round(sum(r == role for r in roles) / len(roles), 4) if roles else None
