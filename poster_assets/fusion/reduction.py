"""The patch tokens' reduction to the model's width of input: PCA of the stored 1280-d tokens,
fitted when a model is trained (on the posters it is given: a home's, or a split's training
posters), saved beside the model and applied again to every batch it embeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA

REDUCED_DIMENSIONS = 256
FIT_SAMPLE = 20_000  # patch tokens the PCA is fitted on


@dataclass(frozen=True)
class TokenReduction:
    mean: np.ndarray  # (1280,)
    basis: np.ndarray  # (1280, 256)
    scale: float  # the reduced tokens' mean per-dimension deviation: inputs near unit size

    def apply(self, tokens: np.ndarray) -> np.ndarray:
        """(..., 1280) -> (..., 256) float32."""
        return ((tokens.astype(np.float32) - self.mean) @ self.basis) / self.scale

    def save(self, path: Path) -> Path:
        np.savez(path, mean=self.mean, basis=self.basis, scale=np.float32(self.scale))
        return path


def load_reduction(path: Path) -> TokenReduction:
    with np.load(path) as saved:
        return TokenReduction(saved["mean"], saved["basis"], float(saved["scale"]))


def fit_reduction(tokens: np.ndarray, seed: int = 0) -> TokenReduction:
    """PCA to REDUCED_DIMENSIONS of (posters, patches, 1280) tokens, on a sample of patches."""
    flat = tokens.reshape(-1, tokens.shape[-1])
    rows = np.random.default_rng(seed).permutation(len(flat))[:FIT_SAMPLE]
    dimensions = min(REDUCED_DIMENSIONS, len(rows), flat.shape[1])
    pca = PCA(dimensions, svd_solver="randomized", random_state=seed).fit(
        flat[rows].astype(np.float32)
    )
    basis = np.zeros((flat.shape[1], REDUCED_DIMENSIONS), np.float32)
    basis[:, :dimensions] = pca.components_.T
    mean = pca.mean_.astype(np.float32)
    scale = float(np.sqrt(pca.explained_variance_.mean())) or 1.0
    return TokenReduction(mean, basis, scale)
