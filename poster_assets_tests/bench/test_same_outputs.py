"""mask_iou: the overlap figure the bench reports for tables of masks."""

from __future__ import annotations

import numpy as np

from poster_assets.bench.same_outputs import mask_iou


def test_mask_iou_of_overlapping_empty_and_mismatched_masks() -> None:
    left = np.zeros((4, 4), bool)
    right = np.zeros((4, 4), bool)
    assert mask_iou(left, right) == 1.0
    left[:2] = True  # 8 pixels
    right[1:3] = True  # 8 pixels, 4 shared
    assert mask_iou(left, right) == 4 / 12
    assert mask_iou(left, np.ones((4, 5), bool)) == 0.0
