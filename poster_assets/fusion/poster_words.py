"""A poster's words as one vector: TF-IDF of the character n-grams (2-4, within words) of all
its OCR text tokens, reduced by truncated SVD (latent semantic analysis) to WORD_DIMENSIONS.

Fitted when a model is trained, on the posters it is given (in `eval fusion`, the training
split's), saved beside the model and applied again to every batch it embeds. The hashed line
vectors (`ssl/text_features`) share 256 buckets among every n-gram; beside the ImageNet
vector, the poster's words as TF-IDF reduced this way carry more of its genre (docs/fusion.md,
"The poster's words")."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

WORD_DIMENSIONS = 64
NGRAMS = (2, 4)
MIN_POSTERS = 3  # an n-gram in fewer posters than this is left out (where there are enough)


def _vectorizer(**settings: object) -> TfidfVectorizer:
    """TF-IDF of character 2-4-grams within words, sublinear counts, as fitted and applied."""
    # Imported here (~0.7 s), as in ssl/text_features: the asset graph imports this module.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, **settings)


@dataclass(frozen=True)
class WordReduction:
    vocabulary: np.ndarray  # (V,) str, the n-grams in column order
    idf: np.ndarray  # (V,)
    components: np.ndarray  # (WORD_DIMENSIONS, V)
    scale: float  # the fitted posters' mean vector norm: vectors near unit size

    @functools.cached_property
    def _tfidf(self) -> TfidfVectorizer:
        """The fitted vectorizer again, from its vocabulary and weights (built once)."""
        vectorizer = _vectorizer(vocabulary=list(self.vocabulary))
        vectorizer.idf_ = self.idf
        return vectorizer

    def apply(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), WORD_DIMENSIONS) float32; a poster without words gives a zero row."""
        weighted = self._tfidf.transform(list(texts))
        return (weighted @ self.components.T / self.scale).astype(np.float32)

    def save(self, path: Path) -> Path:
        np.savez(
            path, vocabulary=self.vocabulary, idf=self.idf, components=self.components,
            scale=np.float32(self.scale),
        )  # fmt: skip
        return path


def mean_norm(vectors: np.ndarray) -> float:
    """The root mean square of the rows' lengths: dividing by it gives vectors of unit size
    on average."""
    return float(np.sqrt((vectors**2).sum(1).mean()))


def load_word_reduction(path: Path) -> WordReduction | None:
    """The saved reduction; None where the model has none (trained before it existed, or on
    posters without words)."""
    if not path.exists():
        return None
    with np.load(path) as saved:
        return WordReduction(
            saved["vocabulary"], saved["idf"], saved["components"], float(saved["scale"])
        )


def fit_word_reduction(texts: Sequence[str], seed: int = 0) -> WordReduction | None:
    """TF-IDF and its SVD fitted on the posters' texts; None with under two posters with words."""
    from sklearn.decomposition import TruncatedSVD

    worded = [text for text in texts if text.strip()]
    if len(worded) < 2:
        return None
    vectorizer = _vectorizer(min_df=MIN_POSTERS if len(worded) >= 10 * MIN_POSTERS else 1)
    weighted = vectorizer.fit_transform(worded)
    vocabulary = np.empty(len(vectorizer.vocabulary_), dtype=object)
    for ngram, column in vectorizer.vocabulary_.items():
        vocabulary[column] = ngram
    kept = min(WORD_DIMENSIONS, weighted.shape[1] - 1, len(worded) - 1)
    components = np.zeros((WORD_DIMENSIONS, weighted.shape[1]))
    if kept > 0:
        svd = TruncatedSVD(kept, random_state=seed).fit(weighted)
        components[:kept] = svd.components_
    reduced = weighted @ components.T
    scale = mean_norm(reduced) or 1.0
    return WordReduction(vocabulary.astype(str), vectorizer.idf_, components, scale)
