"""ImageNet embeddings: stable under a slight crop, distinct across pictures; region pooling."""

from __future__ import annotations

import numpy as np
from skimage import data as skdata

from poster_assets.models.embedder import EMBEDDING_DIMENSIONS, load_image_embedder
from poster_assets.stages.embeddings import poster_embeddings
from poster_assets.vision.embeddings import crop_to_mask, masked_mean


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_a_slight_crop_keeps_the_embedding_and_another_picture_does_not() -> None:
    embedder = load_image_embedder()
    astronaut = skdata.astronaut()
    whole = embedder.feature_map(astronaut).mean(axis=(0, 1))
    cropped = embedder.feature_map(astronaut[12:500, 8:502]).mean(axis=(0, 1))
    cat = embedder.feature_map(skdata.chelsea()).mean(axis=(0, 1))
    assert whole.shape == (EMBEDDING_DIMENSIONS,)
    assert _cosine(whole, cropped) > 0.9
    assert _cosine(whole, cat) < 0.6
    again = embedder.feature_map(astronaut).mean(axis=(0, 1))
    assert np.array_equal(whole, again)


def test_poster_embeddings_give_every_region_when_there_is_a_foreground() -> None:
    rgb = skdata.astronaut()
    mask = np.zeros((96, 96), bool)
    mask[10:60, 30:70] = True
    regions = poster_embeddings(rgb, mask, load_image_embedder())
    assert set(regions) == {"poster", "foreground", "foreground_pooled", "background_pooled"}
    assert all(vector.shape == (EMBEDDING_DIMENSIONS,) for vector in regions.values())
    assert set(poster_embeddings(rgb, None, load_image_embedder())) == {"poster"}


def test_masked_mean_weights_cells_by_their_share_inside_the_mask() -> None:
    features = np.zeros((2, 2, 3), np.float32)
    features[0, 0] = 1.0
    features[1, 1] = 5.0
    mask = np.zeros((20, 20), bool)
    mask[:10, :10] = True  # exactly the top-left cell
    assert np.allclose(masked_mean(features, mask), 1.0)
    assert np.allclose(masked_mean(features, ~mask), 5.0 / 3)
    assert masked_mean(features, np.zeros((20, 20), bool)) is None


def test_crop_to_mask_scales_the_mask_box_to_the_image_with_a_margin() -> None:
    rgb = np.zeros((400, 200, 3), np.uint8)
    mask = np.zeros((40, 20), bool)
    mask[10:20, 5:10] = True
    crop = crop_to_mask(rgb, mask, margin=0.0)
    assert crop.shape[:2] == (100, 50)
    assert crop_to_mask(rgb, np.zeros((40, 20), bool)) is None
