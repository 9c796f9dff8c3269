"""The genre linear probe: how well a fixed representation predicts a poster's genres.

Multi-label logistic regression (one-vs-rest, standardised features) fitted on the training
split, scored on the test split by mean average precision over the genres with at least
MIN_TRAIN_POSITIVES training positives, and by micro-F1 when each test poster is given its
top-k genres (k = the mean number of genres of a training poster, rounded), a rule that
needs no threshold and treats every representation alike. The regularisation strength is
chosen by 3-fold cross-validation inside the training split only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from poster_assets.errors import PosterAssetsError

MIN_TRAIN_POSITIVES = 20
C_GRID = (0.0003, 0.001, 0.003, 0.01, 0.03)
CV_FOLDS = 3
SEED = 0


class TooFewPostersError(PosterAssetsError, ValueError):
    """No genre has enough training posters for a probe."""


@dataclass(frozen=True)
class ProbeScores:
    mean_average_precision: float
    micro_f1: float
    regularisation_c: float | None  # None for baselines that fit nothing


def genre_matrix(genre_lists: Sequence[Sequence[str]], genres: Sequence[str]) -> np.ndarray:
    """(posters, genres) 0/1 matrix."""
    index = {genre: column for column, genre in enumerate(genres)}
    matrix = np.zeros((len(genre_lists), len(genres)), np.int8)
    for row, poster_genres in enumerate(genre_lists):
        for genre in poster_genres:
            if genre in index:
                matrix[row, index[genre]] = 1
    return matrix


def evaluated_genres(
    genre_lists: Sequence[Sequence[str]], min_positives: int = MIN_TRAIN_POSITIVES
) -> list[str]:
    """Genres with at least `min_positives` posters in `genre_lists` (the training split),
    alphabetical."""
    counts: dict[str, int] = {}
    for poster_genres in genre_lists:
        for genre in set(poster_genres):
            counts[genre] = counts.get(genre, 0) + 1
    return sorted(genre for genre, count in counts.items() if count >= min_positives)


def top_k(train_labels: np.ndarray) -> int:
    return max(1, int(round(float(train_labels.sum(axis=1).mean()))))


def score_predictions(scores: np.ndarray, labels: np.ndarray, k: int) -> tuple[float, float]:
    """Mean average precision over genres with a test positive, and micro-F1 of top-k."""
    present = labels.sum(axis=0) > 0
    mean_ap = float(
        np.mean(
            [
                average_precision_score(labels[:, column], scores[:, column])
                for column in np.flatnonzero(present)
            ]
        )
    )
    predicted = np.zeros_like(labels)
    ranked = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    np.put_along_axis(predicted, ranked, 1, axis=1)
    return mean_ap, float(f1_score(labels, predicted, average="micro", zero_division=0))


def _classifier(c: float) -> OneVsRestClassifier:
    return OneVsRestClassifier(
        make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    )


def _choose_c(features: np.ndarray, labels: np.ndarray) -> float:
    """The C with the best mean AP across folds of the training split."""
    folds = KFold(CV_FOLDS, shuffle=True, random_state=SEED)
    best_c, best_score = C_GRID[0], -1.0
    for c in C_GRID:
        fold_scores = []
        for fit_rows, check_rows in folds.split(features):
            fitted = _classifier(c).fit(features[fit_rows], labels[fit_rows])
            scores = fitted.predict_proba(features[check_rows])
            fold_scores.append(score_predictions(scores, labels[check_rows], top_k(labels))[0])
        if np.mean(fold_scores) > best_score:
            best_c, best_score = c, float(np.mean(fold_scores))
    return best_c


def linear_probe(
    train_features: np.ndarray,
    train_labels: np.ndarray,
    test_features: np.ndarray,
    test_labels: np.ndarray,
) -> ProbeScores:
    c = _choose_c(train_features, train_labels)
    fitted = _classifier(c).fit(train_features, train_labels)
    mean_ap, micro_f1 = score_predictions(
        fitted.predict_proba(test_features), test_labels, top_k(train_labels)
    )
    return ProbeScores(round(mean_ap, 4), round(micro_f1, 4), c)


def frequency_baseline(train_labels: np.ndarray, test_labels: np.ndarray) -> ProbeScores:
    """Every test poster scored with the training label frequencies."""
    scores = np.tile(train_labels.mean(axis=0), (len(test_labels), 1))
    mean_ap, micro_f1 = score_predictions(scores, test_labels, top_k(train_labels))
    return ProbeScores(round(mean_ap, 4), round(micro_f1, 4), None)


def probe_report(
    features: np.ndarray,
    genre_lists: Sequence[Sequence[str]],
    is_test: np.ndarray,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    """The probe on one representation, beside the label-frequency baseline, JSON-ready."""
    train_lists = [genres for genres, test in zip(genre_lists, is_test, strict=True) if not test]
    genres = evaluated_genres(train_lists, min_train_positives)
    if not genres:
        raise TooFewPostersError(
            f"no genre has {min_train_positives} training posters: too few to probe"
        )
    matrix = genre_matrix(genre_lists, genres)
    probe = linear_probe(features[~is_test], matrix[~is_test], features[is_test], matrix[is_test])
    baseline = frequency_baseline(matrix[~is_test], matrix[is_test])
    return {
        "posters": len(genre_lists),
        "train": int((~is_test).sum()),
        "test": int(is_test.sum()),
        "genres_evaluated": genres,
        "mAP": probe.mean_average_precision,
        "micro_f1": probe.micro_f1,
        "C": probe.regularisation_c,
        "label_frequencies": {
            "mAP": baseline.mean_average_precision,
            "micro_f1": baseline.micro_f1,
        },
    }
