"""Detected boxes: the typed result every detector returns, non-maximum suppression, the
letterbox that square-input networks need, and which depth layer a box falls in."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Detection:
    label: str
    score: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the poster's pixels

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return max(0.0, x1 - x0) * max(0.0, y1 - y0)


@dataclass(frozen=True)
class Letterbox:
    """How an image was scaled and padded into a square network input of `size` pixels."""

    size: int
    scale: float
    pad_x: float
    pad_y: float

    def to_image(self, normalised_boxes: np.ndarray) -> np.ndarray:
        """(N, 4) x0 y0 x1 y1 in [0, 1] of the network input -> the image's pixels."""
        boxes = normalised_boxes * self.size
        boxes[:, [0, 2]] = (boxes[:, [0, 2]] - self.pad_x) / self.scale
        boxes[:, [1, 3]] = (boxes[:, [1, 3]] - self.pad_y) / self.scale
        return boxes


def letterbox(rgb: np.ndarray, size: int) -> tuple[np.ndarray, Letterbox]:
    """The image scaled to fit a size x size square, centred on black."""
    height, width = rgb.shape[:2]
    scale = size / max(height, width)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    resized = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((size, size, 3), np.uint8)
    pad_x, pad_y = (size - new_w) // 2, (size - new_h) // 2
    canvas[pad_y : pad_y + new_h, pad_x : pad_x + new_w] = resized
    return canvas, Letterbox(size, scale, float(pad_x), float(pad_y))


def non_max_suppression(
    boxes: np.ndarray, scores: np.ndarray, min_score: float, max_overlap: float
) -> np.ndarray:
    """Indices of the boxes ((N, 4) x0 y0 x1 y1) kept, best first (OpenCV's NMS)."""
    if len(boxes) == 0:
        return np.zeros(0, int)
    xywh = np.column_stack([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]]).astype(np.float32)
    kept = cv2.dnn.NMSBoxes(xywh.tolist(), scores.astype(float).tolist(), min_score, max_overlap)
    return np.asarray(kept, int).reshape(-1)


def clip_box(
    box: tuple[float, float, float, float], width: int, height: int
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (
        float(np.clip(x0, 0, width)),
        float(np.clip(y0, 0, height)),
        float(np.clip(x1, 0, width)),
        float(np.clip(y1, 0, height)),
    )


def box_layer(
    box: tuple[float, float, float, float], labels: np.ndarray, image_size: tuple[int, int]
) -> int | None:
    """The layer (label value) holding most of the box; `box` in the image's pixels,
    `labels` a layer map at any size, `image_size` (width, height). None for an empty box."""
    scale_x, scale_y = labels.shape[1] / image_size[0], labels.shape[0] / image_size[1]
    x0, y0, x1, y1 = box
    window = labels[
        int(y0 * scale_y) : max(int(y0 * scale_y) + 1, int(np.ceil(y1 * scale_y))),
        int(x0 * scale_x) : max(int(x0 * scale_x) + 1, int(np.ceil(x1 * scale_x))),
    ]
    if window.size == 0:
        return None
    return int(np.bincount(window.ravel()).argmax())
