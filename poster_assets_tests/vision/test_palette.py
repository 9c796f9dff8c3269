"""Dominant colours in Lab: shares, colours and order of a poster made of known colours."""

from __future__ import annotations

import numpy as np

from poster_assets.vision.palette import dominant_colours


def _two_colour_poster() -> np.ndarray:
    rgb = np.zeros((96, 64, 3), np.uint8)  # the working size: no resampling blends the edge
    rgb[:67] = (200, 30, 30)  # 70 % red
    rgb[67:] = (20, 40, 180)  # 30 % blue
    return rgb


def test_two_flat_colours_come_back_with_their_shares_largest_first() -> None:
    found = dominant_colours(_two_colour_poster(), colours=5)
    assert len(found) == 2  # no more clusters than distinct colours
    red, blue = found
    assert abs(red.share - 0.7) < 0.02
    assert abs(blue.share - 0.3) < 0.02
    assert np.abs(np.array(red.rgb) - (200, 30, 30)).max() <= 2
    assert np.abs(np.array(blue.rgb) - (20, 40, 180)).max() <= 2
    assert red.hex == "#{:02x}{:02x}{:02x}".format(*red.rgb)
    assert 0 <= blue.lab[0] <= 100 and blue.lab[2] < 0  # blue: negative b


def test_the_palette_is_the_same_on_every_call() -> None:
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (120, 80, 3), dtype=np.uint8)
    assert dominant_colours(noisy, 4) == dominant_colours(noisy, 4)
    assert len(dominant_colours(noisy, 4)) == 4
    assert abs(sum(colour.share for colour in dominant_colours(noisy, 4)) - 1) < 1e-9
