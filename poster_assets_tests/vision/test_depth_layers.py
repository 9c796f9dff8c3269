"""Histogram modes, K-means layers and mask handling on synthetic depth maps with known layers."""

from __future__ import annotations

import numpy as np
import pytest

from poster_assets.vision.depth_layers import (
    KMeansSolver,
    depth_histogram,
    kmeans_layers,
    layer_role,
    mask_layer_shares,
    remove_small_regions,
    snap_to_superpixels,
)
from poster_assets.vision.masks import decode_mask_png, encode_mask_png


def _three_planes(noise: float = 0.02, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 120x90 map: a near block, a middle band, a far background; returns (depth, truth)."""
    truth = np.full((120, 90), 2, dtype=np.uint8)
    truth[40:120, 0:90] = 1
    truth[60:110, 20:70] = 0
    levels = np.array([0.15, 0.5, 0.85])
    rng = np.random.default_rng(seed)
    depth = levels[truth] + rng.normal(0, noise, truth.shape)
    return np.clip(depth, 0, 1).astype(np.float32), truth


def test_histogram_finds_one_mode_per_plane() -> None:
    depth, _ = _three_planes()
    histogram = depth_histogram(depth)
    assert len(histogram.modes) == 3
    assert np.allclose(histogram.modes, [0.15, 0.5, 0.85], atol=0.03)
    assert histogram.counts.sum() == depth.size


def test_single_plane_has_one_mode() -> None:
    assert len(depth_histogram(np.full((20, 20), 0.4, np.float32)).modes) == 1


@pytest.mark.parametrize("solver", list(KMeansSolver))
def test_kmeans_recovers_planes_in_near_to_far_order(solver: KMeansSolver) -> None:
    depth, truth = _three_planes()
    layers = kmeans_layers(depth, k=3, solver=solver)
    assert (layers.labels == truth).mean() > 0.99
    assert layers.centres == tuple(sorted(layers.centres))
    assert len(layers.cuts) == 2


@pytest.mark.parametrize("solver", list(KMeansSolver))
def test_kmeans_with_fewer_distinct_values_than_k(solver: KMeansSolver) -> None:
    layers = kmeans_layers(np.zeros((10, 10), np.float32), k=3, solver=solver)
    assert layers.centres == (0.0,) and (layers.labels == 0).all()
    with pytest.raises(ValueError, match="at least 1"):
        kmeans_layers(np.zeros((2, 2)), k=0, solver=solver)


def _within_layer_squares(depth: np.ndarray, labels: np.ndarray) -> float:
    return sum(
        float(((depth[labels == i] - depth[labels == i].mean()) ** 2).sum())
        for i in np.unique(labels)
    )


def test_exact_kmeans_finds_the_best_two_cuts_of_a_skewed_map() -> None:
    """Every pair of cuts between a small map's distinct values is tried; none beats the
    exact solver, and Lloyd's iterations from K-means++ are no better."""
    rng = np.random.default_rng(3)
    depth = np.round(np.concatenate([rng.beta(0.6, 3.0, 300), rng.uniform(0, 1, 60)]), 2)
    depth = depth.reshape(18, 20).astype(np.float32)
    values = np.unique(depth)
    best = min(
        _within_layer_squares(depth, np.digitize(depth, [values[i], values[j]], right=True))
        for i in range(len(values) - 2)
        for j in range(i + 1, len(values) - 1)
    )
    exact = _within_layer_squares(depth, kmeans_layers(depth, 3, KMeansSolver.EXACT).labels)
    lloyd = _within_layer_squares(depth, kmeans_layers(depth, 3, KMeansSolver.LLOYD).labels)
    assert exact == pytest.approx(best, rel=1e-9)
    assert lloyd >= exact - 1e-9


def test_superpixels_snap_labels_to_image_edges() -> None:
    depth, truth = _three_planes(noise=0.12)  # noisy depth: speckled layers
    noisy = kmeans_layers(depth, k=3).labels
    palette = np.array([[200, 30, 30], [30, 200, 30], [30, 30, 200]], np.uint8)
    snapped = snap_to_superpixels(noisy, palette[truth])
    assert (snapped == truth).mean() > (noisy == truth).mean()
    assert (snapped == truth).mean() > 0.95
    with pytest.raises(ValueError, match="differ in size"):
        snap_to_superpixels(noisy, palette[truth][:10])


def test_small_islands_join_their_surroundings() -> None:
    labels = np.zeros((50, 50), np.uint8)
    labels[20:22, 20:22] = 1  # 4 px island
    labels[:, 40:] = 2  # a large region stays
    cleaned = remove_small_regions(labels, min_share=0.01)
    assert (cleaned[20:22, 20:22] == 0).all()
    assert (cleaned[:, 40:] == 2).all()


def test_mask_shares_at_the_label_maps_size_and_scaled_up() -> None:
    _, truth = _three_planes()
    inside_near = np.zeros(truth.shape, bool)
    inside_near[60:110, 20:70] = True
    assert mask_layer_shares(truth, inside_near, 3).tolist() == [1.0, 0.0, 0.0]
    straddling = np.zeros((240, 180), bool)  # the poster at twice the map's size
    straddling[60:100, 0:20] = True  # map rows 30..49: half band 2, half band 1
    assert mask_layer_shares(truth, straddling, 3).tolist() == pytest.approx([0.0, 0.5, 0.5])
    with pytest.raises(ValueError, match="no pixels"):
        mask_layer_shares(truth, np.zeros(truth.shape, bool), 3)


def test_roles_follow_depth_order_and_saliency() -> None:
    assert [layer_role(i, 3) for i in range(3)] == ["foreground", "midground", "background"]
    assert layer_role(0, 1) == "background"
    assert layer_role(2, 3, saliency_ratio=2.0) == "foreground"  # far but salient
    assert layer_role(1, 3, saliency_ratio=0.5) == "midground"
    assert layer_role(0, 3, saliency_ratio=0.5) == "foreground"  # nearest stays foreground


def test_mask_png_round_trip() -> None:
    _, truth = _three_planes()
    mask = truth == 0
    data = encode_mask_png(mask)
    assert len(data) < 1000
    assert (decode_mask_png(data) == mask).all()
