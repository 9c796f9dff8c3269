"""Boolean masks: drawn from boxes and borders, and stored compactly as a 1-bit PNG per mask
(typically under 1 kB); label maps as 8-bit PNGs."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image


def encode_mask_png(mask: np.ndarray) -> bytes:
    """A boolean (H, W) mask as a 1-bit PNG (`optimize` would save a tenth of the bytes for
    six times the time)."""
    buffer = io.BytesIO()
    Image.fromarray(mask.astype(bool)).save(buffer, format="PNG")
    return buffer.getvalue()


def decode_mask_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("1"), dtype=bool)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of one size; 0 when both are empty."""
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 0.0


def box_mask(
    shape: tuple[int, int],
    boxes: Sequence[tuple[float, float, float, float]],
    scale: tuple[float, float] = (1.0, 1.0),
) -> np.ndarray:
    """(H, W) bool: the union of the (x0, y0, x1, y1) boxes, times `scale` (x, y), each
    widened outward to whole pixels and clipped to the mask."""
    mask = np.zeros(shape, bool)
    for x0, y0, x1, y1 in boxes:
        mask[
            max(0, int(y0 * scale[1])) : int(np.ceil(y1 * scale[1])),
            max(0, int(x0 * scale[0])) : int(np.ceil(x1 * scale[0])),
        ] = True
    return mask


def border_ring(shape: tuple[int, int], share: float) -> np.ndarray:
    """(H, W) bool: strips along the four edges, `share` of the height (top and bottom) and
    of the width (sides) deep, at least a pixel."""
    height, width = shape
    rows, columns = max(1, round(share * height)), max(1, round(share * width))
    ring = np.zeros(shape, bool)
    ring[:rows] = ring[-rows:] = True
    ring[:, :columns] = ring[:, -columns:] = True
    return ring


def encode_label_png(labels: np.ndarray) -> bytes:
    """A (H, W) uint8 label map (say, roles) as an 8-bit grey PNG (a few kB; `optimize`
    would save a sixth of that for six times the time)."""
    buffer = io.BytesIO()
    Image.fromarray(labels.astype(np.uint8), mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def decode_label_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)), dtype=np.uint8)
