"""Text as a fixed-length vector with no model to download: hashed character n-grams (2-4,
within words), L2-normalised. Robust to OCR's misspellings, which whole-word features are not."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TEXT_DIMENSIONS = 256


def text_vectors(texts: Sequence[str], dimensions: int = TEXT_DIMENSIONS) -> np.ndarray:
    """(len(texts), dimensions) float32; an empty text gives a zero row."""
    # Imported here (~0.7 s): every process that loads the asset graph imports this module
    # through the stage registry.
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        n_features=dimensions,
        alternate_sign=False,
        norm="l2",
        lowercase=True,
    )
    return vectorizer.transform(list(texts)).toarray().astype(np.float32)
