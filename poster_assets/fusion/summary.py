"""The `summary` task's target: a poster's 128-d summary, label-free, that the embedding learns
to be. Half is the leading principal components of the poster's mean patch token (what the
whole-poster ImageNet vector holds), half its words (`fusion/poster_words`), each half scaled
to unit mean norm so that neither drowns the other.

The two halves are then mixed by a fixed random rotation. The genre probe standardises each
dimension. Unmixed, each dimension is one component, and the weakest components are blown up
to the size of the strongest. Mixed, no dimension is one weak component. The information is
the same; the probe's score is not (docs/fusion.md, "The poster's words")."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from poster_assets.fusion.model import EMBEDDING_DIMENSIONS
from poster_assets.fusion.poster_words import mean_norm

MIXING_SEED = 0


def mixing(dimensions: int = EMBEDDING_DIMENSIONS, seed: int = MIXING_SEED) -> np.ndarray:
    """A fixed random orthogonal (dimensions, dimensions) matrix."""
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dimensions, dimensions)))
    return q * np.sign(np.diag(r))  # the sign fix makes it unique for the seed


def _unit_mean_norm(vectors: np.ndarray, fit_rows: np.ndarray) -> np.ndarray:
    norm = mean_norm(vectors[fit_rows])
    return vectors / norm if norm > 0 else vectors


def summary_targets(
    mean_patches: np.ndarray, words: np.ndarray, fit_rows: np.ndarray, seed: int = 0
) -> np.ndarray:
    """(N, 128) float32 targets from (N, D) mean patch tokens and (N, W) word vectors; the PCA
    and the scales are fitted on the rows of the boolean `fit_rows`."""
    image_dimensions = EMBEDDING_DIMENSIONS - words.shape[1]
    kept = min(image_dimensions, int(fit_rows.sum()), mean_patches.shape[1])
    image = np.zeros((len(mean_patches), image_dimensions))
    pca = PCA(kept, random_state=seed).fit(mean_patches[fit_rows])
    image[:, :kept] = pca.transform(mean_patches)
    halves = np.hstack([_unit_mean_norm(image, fit_rows), _unit_mean_norm(words, fit_rows)])
    mixed = halves @ mixing()
    spread = float(mixed[fit_rows].std(0).mean()) or 1.0
    return (mixed / spread).astype(np.float32)
