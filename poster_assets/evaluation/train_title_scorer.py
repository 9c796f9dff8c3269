"""Fit the title scorer on the training split of a labelled corpus already run through the
pipeline (a home made by `poster-assets eval titles CORPUS --home HOME`).

    python -m poster_assets.evaluation.train_title_scorer CORPUS --home HOME [--out FILE]

Only posters outside the fixed test split are used, so the test-split figures of
`eval titles` stay honest. A candidate (run of stacked lines) is a positive when its text
matches the reference title (the metric itself: difflib ratio >= 0.8).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.titles import evaluation_rows
from poster_assets.home import PosterHome
from poster_assets.models.title_scorer import PACKAGED_SCORER_PATH
from poster_assets.store.opening import open_database
from poster_assets.vision.text_lines import titles_match
from poster_assets.vision.title_features import (
    FEATURE_NAMES,
    candidate_features,
    candidate_text,
    title_candidates,
)
from poster_assets.vision.title_scorer import TitleScorer, Tree


def training_matrix(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One row per title candidate; positive when its text matches the reference title."""
    features, labels = [], []
    for lines, title, width, height in zip(
        rows.lines, rows.title, rows.width, rows.height, strict=True
    ):
        candidates = title_candidates(lines)
        if not candidates:
            continue
        features.append(candidate_features(lines, candidates, int(width), int(height)))
        labels += [
            titles_match(candidate_text(lines, candidate), title) for candidate in candidates
        ]
    return np.vstack(features), np.array(labels, dtype=int)


def fit_title_scorer(rows: pd.DataFrame, version: str) -> TitleScorer:
    """Gradient-boosted trees (depth 3, 600 rounds: the best of the settings compared by
    5-fold cross-validation within the training split, docs/measurements.md "Titles"),
    exported to plain arrays."""
    train = rows[~rows["is_test"] & rows["poster_id"].notna()]
    x, y = training_matrix(train)
    model = GradientBoostingClassifier(
        n_estimators=600, max_depth=3, learning_rate=0.05, random_state=0
    ).fit(x, y)
    prior = float(model.init_.class_prior_[1])
    scorer = TitleScorer(
        feature_names=FEATURE_NAMES,
        initial_log_odds=float(np.log(prior / (1 - prior))),
        learning_rate=float(model.learning_rate),
        trees=tuple(_export(estimator.tree_) for estimator in model.estimators_[:, 0]),
        version=version,
    )
    if not np.allclose(scorer.probabilities(x), model.predict_proba(x)[:, 1], atol=1e-9):
        raise RuntimeError("exported trees disagree with scikit-learn's predictions")
    return scorer


def _export(tree: object) -> Tree:
    return Tree(
        feature=tuple(int(v) for v in tree.feature),
        threshold=tuple(float(v) for v in tree.threshold),
        left=tuple(int(v) for v in tree.children_left),
        right=tuple(int(v) for v in tree.children_right),
        value=tuple(float(v) for v in tree.value[:, 0, 0]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=PACKAGED_SCORER_PATH)
    parser.add_argument("--version", default="gbt-1")
    args = parser.parse_args()
    home = PosterHome(args.home.resolve())
    rows = evaluation_rows(open_database(home), read_labels(args.corpus))
    scorer = fit_title_scorer(rows, args.version)
    args.out.write_text(scorer.to_json() + "\n")
    print(f"wrote {args.out}: {len(rows[~rows['is_test']])} training posters")


if __name__ == "__main__":
    main()
