"""Whether a depth map follows a poster's content or is mostly a gradient prior: how much
nearer its people are than the rest, and how strongly its column and row means follow x and y
(a map that is a vertical or horizontal ramp explains little of what is in front)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in poster pixels


@dataclass(frozen=True)
class DepthQuality:
    column_r: float  # Pearson r of the map's column means with x
    row_r: float  # ... of its row means with y
    subject_share: float | None  # share of the map inside people and faces; None: none found
    subject_depth: float | None  # median depth there (0 = near)
    rest_depth: float | None  # median depth elsewhere

    @property
    def subject_nearer(self) -> bool | None:
        if self.subject_depth is None or self.rest_depth is None:
            return None
        return self.subject_depth < self.rest_depth


def axis_correlations(depth: np.ndarray) -> tuple[float, float]:
    """r of column means with x and of row means with y; 0 for a flat profile."""
    return _pearson(depth.mean(axis=0)), _pearson(depth.mean(axis=1))


def _pearson(profile: np.ndarray) -> float:
    if profile.size < 2 or np.ptp(profile) == 0:
        return 0.0
    return float(np.corrcoef(np.arange(profile.size), profile)[0, 1])


def subject_mask(
    shape: tuple[int, int], boxes: Sequence[Box], poster_size: tuple[int, int]
) -> np.ndarray:
    """Boxes given in poster pixels (width, height) as a mask at the map's `shape`."""
    height, width = shape
    scale_x, scale_y = width / poster_size[0], height / poster_size[1]
    mask = np.zeros(shape, bool)
    for x0, y0, x1, y1 in boxes:
        left, right = int(np.floor(x0 * scale_x)), int(np.ceil(x1 * scale_x))
        top, bottom = int(np.floor(y0 * scale_y)), int(np.ceil(y1 * scale_y))
        mask[max(top, 0) : max(bottom, 0), max(left, 0) : max(right, 0)] = True
    return mask


def depth_quality(
    depth: np.ndarray, subjects: Sequence[Box], poster_size: tuple[int, int]
) -> DepthQuality:
    """`depth` the stored map (0 = near); `subjects` the boxes of faces and people."""
    column_r, row_r = axis_correlations(depth)
    mask = subject_mask(depth.shape, subjects, poster_size)
    if not mask.any() or mask.all():
        return DepthQuality(column_r, row_r, None, None, None)
    return DepthQuality(
        column_r=column_r,
        row_r=row_r,
        subject_share=float(mask.mean()),
        subject_depth=float(np.median(depth[mask])),
        rest_depth=float(np.median(depth[~mask])),
    )
