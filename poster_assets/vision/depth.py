"""Depth maps as data: normalised to 0 (nearest) .. 1 (farthest), stored as 16-bit PNG."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CLIP_PERCENTILES = (1.0, 99.0)  # networks emit a few hot pixels; ranks matter, not extremes


@dataclass(frozen=True)
class DepthSummary:
    p10: float
    p50: float
    p90: float
    mean: float


def normalise_depth(raw: np.ndarray, larger_is_farther: bool) -> np.ndarray:
    """(H, W) float32 in [0, 1], 0 = nearest, after clipping to CLIP_PERCENTILES."""
    values = raw.astype(np.float32)
    if not larger_is_farther:
        values = -values
    low, high = np.percentile(values, CLIP_PERCENTILES)
    if not np.isfinite(low) or not np.isfinite(high) or high <= low:
        return np.zeros(values.shape, dtype=np.float32)
    return np.clip((values - low) / (high - low), 0.0, 1.0).astype(np.float32)


def encode_depth_png(depth: np.ndarray) -> bytes:
    """16-bit greyscale PNG of a [0, 1] map (quantisation error below 1e-5)."""
    if depth.ndim != 2:
        raise ValueError(f"depth must be (H, W), got {depth.shape}")
    quantised = np.round(np.clip(depth, 0.0, 1.0) * 65535).astype(np.uint16)
    ok, buffer = cv2.imencode(".png", quantised)
    if not ok:
        raise ValueError("PNG encoding failed")
    return buffer.tobytes()


def decode_depth_png(data: bytes) -> np.ndarray:
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if decoded is None or decoded.dtype != np.uint16 or decoded.ndim != 2:
        raise ValueError("not a 16-bit greyscale PNG depth map")
    return decoded.astype(np.float32) / 65535.0


def summarise_depth(depth: np.ndarray) -> DepthSummary:
    p10, p50, p90 = np.percentile(depth, [10, 50, 90])
    return DepthSummary(float(p10), float(p50), float(p90), float(depth.mean()))
