"""The poster's words as one vector: the saved reduction reproduces scikit-learn's TF-IDF and
SVD, survives a round trip, and says plainly when there is nothing to fit."""

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from poster_assets.fusion.poster_words import (
    WORD_DIMENSIONS,
    fit_word_reduction,
    load_word_reduction,
)

TEXTS = [
    "the dark knight", "batman begins christian bale", "love actually", "",
    "a love story in paris", "the knight returns", "midnight in paris",
] * 6  # fmt: skip


def test_applying_the_reduction_is_tfidf_then_its_svd() -> None:
    reduction = fit_word_reduction(TEXTS)
    assert reduction is not None
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=3)
    tfidf.fit([text for text in TEXTS if text])
    expected = tfidf.transform(TEXTS) @ reduction.components.T / reduction.scale
    vectors = reduction.apply(TEXTS)
    assert vectors.shape == (len(TEXTS), WORD_DIMENSIONS)
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    assert not vectors[3].any()  # no words, a zero row
    # Posters that share words are nearer than posters that share none.
    assert vectors[2] @ vectors[4] > vectors[2] @ vectors[0]


def test_a_saved_reduction_reads_back_the_same(tmp_path: Path) -> None:
    reduction = fit_word_reduction(TEXTS)
    loaded = load_word_reduction(reduction.save(tmp_path / "words.npz"))
    np.testing.assert_array_equal(loaded.apply(TEXTS), reduction.apply(TEXTS))


def test_nothing_to_fit_or_load_gives_none(tmp_path: Path) -> None:
    assert fit_word_reduction(["", "only one poster has words", "  "]) is None
    assert load_word_reduction(tmp_path / "absent.npz") is None
