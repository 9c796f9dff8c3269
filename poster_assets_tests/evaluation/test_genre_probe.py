"""The genre probe's metrics and fitting on data whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from poster_assets.evaluation.genre_probe import (
    evaluated_genres,
    frequency_baseline,
    genre_matrix,
    linear_probe,
    score_predictions,
    top_k,
)


def test_genre_matrix_and_the_evaluated_genres_follow_training_counts() -> None:
    lists = [["Drama"]] * 25 + [["Comedy", "Drama"]] * 19 + [["Horror"]] * 3
    assert evaluated_genres(lists) == ["Drama"]
    matrix = genre_matrix([["Drama", "Unknown"], ["Comedy"]], ["Comedy", "Drama"])
    assert matrix.tolist() == [[0, 1], [1, 0]]


def test_perfect_scores_give_perfect_metrics_and_top_k_follows_training() -> None:
    labels = np.array([[1, 0], [0, 1], [1, 0], [0, 1]])
    assert score_predictions(labels.astype(float), labels, k=1) == (1.0, 1.0)
    assert top_k(np.array([[1, 1, 0], [1, 1, 1], [1, 0, 0]])) == 2


def test_label_frequencies_score_each_genre_at_its_test_prevalence() -> None:
    rng = np.random.default_rng(0)
    train = (rng.random((400, 3)) < [0.5, 0.2, 0.1]).astype(int)
    test = (rng.random((300, 3)) < [0.5, 0.2, 0.1]).astype(int)
    scores = frequency_baseline(train, test)
    assert scores.mean_average_precision == pytest.approx(test.mean(axis=0).mean(), abs=1e-3)


def test_the_probe_reads_genres_off_features_that_carry_them() -> None:
    rng = np.random.default_rng(1)
    labels = (rng.random((600, 3)) < 0.3).astype(int)
    informative = labels + 0.3 * rng.standard_normal((600, 3))
    features = np.hstack([informative, rng.standard_normal((600, 20))])
    noise = rng.standard_normal((600, 23))
    good = linear_probe(features[:400], labels[:400], features[400:], labels[400:])
    bad = linear_probe(noise[:400], labels[:400], noise[400:], labels[400:])
    assert good.mean_average_precision > 0.9
    assert bad.mean_average_precision < 0.5
    assert good.regularisation_c is not None
