"""How well the stored foreground masks match the true subjects of a generated corpus, next
to simpler masks from the same run: the near depth layers alone, the most salient fifth of
the poster, and GrabCut as its documentation starts it (a rectangle 5 % inside the border)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from poster_assets.demo.generator import LAYER_SUBJECT
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import poster_files
from poster_assets.store.stages import load_foreground_masks, load_layer_maps
from poster_assets.vision.foreground import (
    GRABCUT_ITERATIONS,
    GRABCUT_SEED,
    RECT_MARGIN,
    SALIENT_QUANTILE,
)
from poster_assets.vision.masks import iou
from poster_assets.vision.saliency import spectral_residual_saliency


def grabcut_from_rectangle(rgb: np.ndarray) -> np.ndarray:
    """The textbook GrabCut start: everything outside a rectangle near the border is
    background."""
    height, width = rgb.shape[:2]
    margin_x, margin_y = int(RECT_MARGIN * width), int(RECT_MARGIN * height)
    rect = (margin_x, margin_y, width - 2 * margin_x, height - 2 * margin_y)
    labels = np.zeros((height, width), np.uint8)
    models = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    cv2.setRNGSeed(GRABCUT_SEED)  # as in segment_foreground
    cv2.grabCut(bgr, labels, rect, *models, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_RECT)
    return np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD))


def demo_foreground_report(db: PosterDatabase, corpus_dir: Path) -> dict[str, object]:
    truths = [json.loads(line) for line in (corpus_dir / "ground_truth.jsonl").open()]
    by_name = {name: (poster_id, path) for poster_id, name, path in poster_files(db)}
    wanted = [by_name[truth["image"]] for truth in truths if truth["image"] in by_name]
    ids = [poster_id for poster_id, _ in wanted]
    masks = load_foreground_masks(db, ids)
    layer_maps = load_layer_maps(db, ids)
    scores: dict[str, list[float]] = {
        "stored_foreground": [], "near_depth_layers": [], "salient_fifth": [],
        "grabcut_from_rectangle": [],
    }  # fmt: skip
    for poster_id, path in wanted:
        if poster_id not in masks:
            continue
        mask = masks[poster_id]
        size = (mask.shape[1], mask.shape[0])
        rgb = cv2.resize(decode_image(read_image_bytes(path)).rgb, size, cv2.INTER_AREA)
        true_map = cv2.imread(
            str(corpus_dir / "layers" / (Path(path).stem + ".png")), cv2.IMREAD_UNCHANGED
        )
        subject = cv2.resize(true_map, size, interpolation=cv2.INTER_NEAREST) == LAYER_SUBJECT
        saliency = spectral_residual_saliency(rgb)
        scores["stored_foreground"].append(iou(mask, subject))
        scores["salient_fifth"].append(
            iou(saliency >= np.quantile(saliency, SALIENT_QUANTILE), subject)
        )
        scores["grabcut_from_rectangle"].append(iou(grabcut_from_rectangle(rgb), subject))
        if poster_id in layer_maps:
            near = layer_maps[poster_id].role_mask("foreground")
            near = cv2.resize(near.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
            scores["near_depth_layers"].append(iou(near.astype(bool), subject))
    return {
        "posters": len(scores["stored_foreground"]),
        "mean_iou_with_true_subject": {
            name: round(float(np.mean(values)), 4) if values else None
            for name, values in scores.items()
        },
    }
