"""Spectral-residual saliency on generated images."""

from __future__ import annotations

import numpy as np

from poster_assets.vision.saliency import spectral_residual_saliency


def test_a_small_object_on_a_grainy_field_is_salient() -> None:
    noise = np.random.default_rng(0).normal(0, 12, (120, 80, 1))  # film grain, as in photos
    rgb = np.clip(90 + noise, 0, 255).repeat(3, axis=2).astype(np.uint8)
    rgb[56:64, 36:44] = (250, 240, 20)
    saliency = spectral_residual_saliency(rgb)
    assert saliency.shape == (120, 80)
    assert saliency.min() >= 0.0 and saliency.max() <= 1.0
    assert saliency[50:70, 30:50].mean() > 10 * saliency[20:40, 20:60].mean()
    assert 50 <= np.unravel_index(saliency.argmax(), saliency.shape)[0] < 70


def test_a_flat_image_has_no_saliency() -> None:
    assert (spectral_residual_saliency(np.zeros((40, 40, 3), np.uint8)) == 0).all()
