"""Line widths and batches for the recogniser: each line's own width, equal widths together."""

from __future__ import annotations

import numpy as np

from poster_assets.models.line_recogniser import normalised_line, padded_width, width_batches


def test_padded_width_is_at_least_the_minimum_and_a_multiple_of_the_step() -> None:
    assert padded_width(100, 50, 48, 96, 64) == 128  # 96 px scaled, 96 minimum -> 128
    assert padded_width(1000, 48, 48, 96, 64) == 1024
    assert padded_width(1025, 48, 48, 96, 64) == 1088
    assert padded_width(10, 48, 48, 96, 32) == 96


def test_width_batches_group_equal_widths_narrowest_first() -> None:
    widths = [256, 128, 256, 128, 128, 512, 128]
    assert width_batches(widths, 3) == [[1, 3, 4], [6], [0, 2], [5]]
    assert width_batches([], 6) == []


def test_normalised_line_scales_to_height_and_pads_with_zeros() -> None:
    crop = np.full((24, 50, 3), 255, np.uint8)
    line = normalised_line(crop, 48, 128)
    assert line.shape == (3, 48, 128) and line.dtype == np.float32
    assert np.all(line[:, :, :100] == 1.0) and np.all(line[:, :, 100:] == 0.0)
    squeezed = normalised_line(np.zeros((48, 400, 3), np.uint8), 48, 128)
    assert np.all(squeezed == -1.0)
