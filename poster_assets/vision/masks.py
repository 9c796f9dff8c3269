"""Boolean masks stored compactly: a 1-bit PNG per mask (typically well under 1 kB)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def encode_mask_png(mask: np.ndarray) -> bytes:
    """A boolean (H, W) mask as a 1-bit PNG."""
    buffer = io.BytesIO()
    Image.fromarray(mask.astype(bool)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def decode_mask_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("1"), dtype=bool)
