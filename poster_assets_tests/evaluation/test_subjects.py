"""The subject figures on masks and boxes whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from poster_assets.evaluation.subjects import box_coverage, ring_coverage


def test_box_coverage_is_the_share_of_the_boxes_union_inside_the_mask() -> None:
    mask = np.zeros((100, 50), bool)
    mask[:, :25] = True  # left half
    assert box_coverage(mask, [(0, 0, 20, 10)], (1.0, 1.0)) == 1.0
    assert box_coverage(mask, [(15, 0, 35, 10)], (1.0, 1.0)) == pytest.approx(0.5)
    # Boxes in a poster twice the mask's size, and two overlapping boxes counted once.
    assert box_coverage(mask, [(60, 0, 100, 20), (80, 0, 100, 20)], (0.5, 0.5)) == 0.0
    assert box_coverage(mask, [], (1.0, 1.0)) == 0.0


def test_ring_coverage_counts_the_four_border_strips() -> None:
    mask = np.zeros((100, 50), bool)
    assert ring_coverage(mask) == 0.0
    mask[:4] = True  # the top strip: 4 % of 100 rows
    ring = 2 * 4 * 50 + 2 * 2 * (100 - 8)  # top and bottom rows, then the side columns
    assert ring_coverage(mask) == pytest.approx(200 / ring)
    assert ring_coverage(np.ones((100, 50), bool)) == 1.0
