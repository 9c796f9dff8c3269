"""The summary targets: half image, half words, each half the same size, mixed by a fixed
rotation that keeps distances."""

import numpy as np

from poster_assets.fusion.summary import mixing, summary_targets


def test_the_mixing_is_a_fixed_rotation() -> None:
    q = mixing(16)
    np.testing.assert_allclose(q @ q.T, np.eye(16), atol=1e-10)
    np.testing.assert_array_equal(q, mixing(16))
    assert not np.allclose(q, mixing(16, seed=1))


def test_targets_keep_both_halves_and_their_distances() -> None:
    rng = np.random.default_rng(0)
    mean_patches = rng.normal(size=(60, 256)) * np.linspace(3, 0.1, 256)
    words = rng.normal(size=(60, 64)) * 100  # on another scale altogether
    fit = np.arange(60) < 40
    targets = summary_targets(mean_patches, words, fit)
    assert targets.shape == (60, 128) and targets.dtype == np.float32
    assert abs(targets[fit].std(0).mean() - 1) < 1e-5
    # Unmixed, the words half is the words scaled; the rotation keeps every distance.
    unmixed = targets @ mixing().T
    words_half = unmixed[:, 64:]
    ratio = words_half / words
    np.testing.assert_allclose(ratio, ratio[0, 0], rtol=1e-4)
    # Each half holds the same share of the fitted posters' squared norm.
    image_half = unmixed[:, :64]
    assert np.isclose((image_half[fit] ** 2).sum(), (words_half[fit] ** 2).sum(), rtol=1e-4)


def test_posters_without_words_are_summarised_by_their_image() -> None:
    rng = np.random.default_rng(1)
    mean_patches = rng.normal(size=(30, 256))
    targets = summary_targets(mean_patches, np.zeros((30, 64)), np.ones(30, bool))
    assert np.isfinite(targets).all()
    unmixed = targets @ mixing().T
    assert np.abs(unmixed[:, 64:]).max() < 1e-5 < np.abs(unmixed[:, :64]).max()
