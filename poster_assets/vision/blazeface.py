"""Decoding MediaPipe BlazeFace outputs: SSD anchors on a regular grid, box regression
relative to them, sigmoid scores (after MediaPipe's tensors-to-detections calculator)."""

from __future__ import annotations

import numpy as np

RAW_SCORE_LIMIT = 80.0  # MediaPipe clips logits here before the sigmoid


def grid_anchors(
    input_size: int, strides: tuple[int, ...], per_cell: tuple[int, ...]
) -> np.ndarray:
    """(N, 2) anchor centres in [0, 1], row-major per layer, `per_cell[i]` anchors per cell
    of the layer with stride `strides[i]`."""
    anchors = []
    for stride, repeats in zip(strides, per_cell, strict=True):
        cells = input_size // stride
        centres = (np.arange(cells, dtype=np.float32) + 0.5) / cells
        ys, xs = np.meshgrid(centres, centres, indexing="ij")
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        anchors.append(np.repeat(grid, repeats, axis=0))
    return np.concatenate(anchors)


FULL_RANGE_ANCHORS = grid_anchors(192, strides=(4,), per_cell=(1,))


def decode_faces(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, input_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(N, 4) boxes x0 y0 x1 y1 in [0, 1] of the network input, and (N,) scores in [0, 1].
    `raw_boxes` (N, 16): centre offset, size, six key points, in input pixels."""
    raw = raw_boxes.reshape(len(anchors), -1).astype(np.float32) / input_size
    centres = raw[:, :2] + anchors
    half_sizes = raw[:, 2:4] / 2
    boxes = np.concatenate([centres - half_sizes, centres + half_sizes], axis=1)
    logits = np.clip(raw_scores.reshape(-1), -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT)
    return boxes, 1.0 / (1.0 + np.exp(-logits))
