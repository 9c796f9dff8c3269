"""Pooling a convolutional feature map into region embeddings."""

from __future__ import annotations

import cv2
import numpy as np


def masked_mean(feature_map: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """(C,) mean of an (h, w, C) feature map weighted by the share of each cell inside `mask`
    (any size; resized by area). None when the mask is empty."""
    height, width = feature_map.shape[:2]
    weights = cv2.resize(mask.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA)
    total = float(weights.sum())
    if total <= 0:
        return None
    return (feature_map * weights[..., None]).sum(axis=(0, 1)) / total


def crop_to_mask(rgb: np.ndarray, mask: np.ndarray, margin: float = 0.05) -> np.ndarray | None:
    """The image cropped to the mask's bounding box (mask at any size), with a margin.
    None when the mask is empty."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    scale_x, scale_y = rgb.shape[1] / mask.shape[1], rgb.shape[0] / mask.shape[0]
    pad_x, pad_y = margin * rgb.shape[1], margin * rgb.shape[0]
    x0 = int(max(0, xs.min() * scale_x - pad_x))
    y0 = int(max(0, ys.min() * scale_y - pad_y))
    x1 = int(min(rgb.shape[1], (xs.max() + 1) * scale_x + pad_x))
    y1 = int(min(rgb.shape[0], (ys.max() + 1) * scale_y + pad_y))
    return rgb[y0:y1, x0:x1]
