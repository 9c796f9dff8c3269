from __future__ import annotations

import numpy as np
import pytest

from poster_assets.vision.depth import (
    DEPTH_LEVELS,
    decode_depth_png,
    encode_depth_png,
    normalise_depth,
    stored_size,
    summarise_depth,
)


def test_normalise_orders_near_to_far_and_clips_hot_pixels() -> None:
    raw = np.tile(np.linspace(1.0, 10.0, 100, dtype=np.float32), (50, 1))
    raw[0, 0] = 1e6  # a hot pixel
    depth = normalise_depth(raw, larger_is_farther=True)
    assert depth.min() == 0.0 and depth.max() == 1.0
    assert depth[10, 10] < depth[10, 90]
    inverse = normalise_depth(raw, larger_is_farther=False)
    assert inverse[10, 10] > inverse[10, 90]


def test_constant_or_nan_maps_normalise_to_zero() -> None:
    assert (normalise_depth(np.full((10, 10), 3.0), True) == 0).all()
    assert (normalise_depth(np.full((10, 10), np.nan), True) == 0).all()


def test_png_round_trip_downsamples_and_keeps_values() -> None:
    ys = np.linspace(0, 1, 450, dtype=np.float32)[:, None]
    depth = np.repeat(ys, 300, axis=1)
    back = decode_depth_png(encode_depth_png(depth))
    assert back.shape == (192, 128) == stored_size(300, 450)[::-1]
    assert np.abs(back[:, 0] - np.linspace(0, 1, 192)).max() < 0.01
    assert back.max() <= 1.0 and np.isclose(back.max() * DEPTH_LEVELS % 1, 0)


def test_small_maps_are_not_enlarged_and_bad_input_is_refused() -> None:
    assert stored_size(100, 60) == (100, 60)
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        encode_depth_png(np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="16-bit"):
        decode_depth_png(b"not a png")


def test_summary_percentiles() -> None:
    summary = summarise_depth(np.linspace(0, 1, 101).reshape(1, -1))
    assert (summary.p10, summary.p50, summary.p90) == pytest.approx((0.1, 0.5, 0.9))
