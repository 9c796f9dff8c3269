"""Fit the title scorer on the training split of a labelled corpus already run through the
pipeline (a home made by `poster-assets eval titles CORPUS --home HOME`).

    python -m poster_assets.evaluation.train_title_scorer CORPUS --home HOME [--out FILE]

Only posters outside the fixed test split are used, so the test-split figures of
`eval titles` stay honest. A line is a positive when its normalised text (3+ characters) is
part of the normalised reference title.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.titles import evaluation_rows
from poster_assets.home import PosterHome
from poster_assets.models.title_scorer import PACKAGED_SCORER_PATH
from poster_assets.store.database import PosterDatabase
from poster_assets.vision.text_lines import normalise_text
from poster_assets.vision.title_features import FEATURE_NAMES, can_be_title, line_features
from poster_assets.vision.title_scorer import LinearTitleScorer


def training_matrix(rows) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - a DataFrame
    features, labels = [], []
    for lines, title, width, height in zip(
        rows.lines, rows.title, rows.width, rows.height, strict=True
    ):
        eligible = [line for line in lines if can_be_title(line)]
        if not eligible:
            continue
        target = normalise_text(title)
        features.append(line_features(eligible, int(width), int(height)))
        labels += [
            len(normalise_text(line.text)) >= 3 and normalise_text(line.text) in target
            for line in eligible
        ]
    return np.vstack(features), np.array(labels, dtype=int)


def fit_title_scorer(rows, version: str) -> LinearTitleScorer:  # noqa: ANN001 - a DataFrame
    train = rows[~rows["is_test"] & rows["poster_id"].notna()]
    x, y = training_matrix(train)
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(x), y)
    return LinearTitleScorer(
        feature_names=FEATURE_NAMES,
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) if v > 0 else 1.0 for v in scaler.scale_),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        version=version,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=PACKAGED_SCORER_PATH)
    parser.add_argument("--version", default="lr-1")
    args = parser.parse_args()
    home = PosterHome(args.home.resolve())
    rows = evaluation_rows(
        PosterDatabase(home.duckdb_path, home.lock_path), read_labels(args.corpus)
    )
    scorer = fit_title_scorer(rows, args.version)
    args.out.write_text(scorer.to_json() + "\n")
    print(f"wrote {args.out}: {len(rows[~rows['is_test']])} training posters")


if __name__ == "__main__":
    main()
