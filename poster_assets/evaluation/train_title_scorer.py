"""Fit the title scorer on the training split of a labelled corpus already run through the
pipeline (a home made by `poster-assets eval titles CORPUS --home HOME`).

    python -m poster_assets.evaluation.train_title_scorer CORPUS --home HOME [--out FILE]

Only posters outside the fixed test split are used, so the test-split figures of
`eval titles` stay honest. A candidate (run of stacked lines) is a positive when its text
matches the reference title (the metric itself: difflib ratio >= 0.8). The words model
(`vision.title_words`) learns from single lines, a line being positive when it reads as part
of the title; the trees learn from its scores cross-fitted over the training posters, so that
they weigh the scores as they will be on posters the words model has not seen.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.titles import evaluation_rows
from poster_assets.home import PosterHome
from poster_assets.models.title_scorer import PACKAGED_SCORER_PATH
from poster_assets.store.opening import open_database
from poster_assets.vision.text_lines import normalise_text, titles_match
from poster_assets.vision.title_features import (
    FEATURE_NAMES,
    candidate_features,
    candidate_text,
    title_candidates,
)
from poster_assets.vision.title_scorer import TitleScorer, Tree
from poster_assets.vision.title_words import TermWeights, TitleWords

# The words model's settings, chosen by 5-fold cross-validation of the whole scorer within
# the training split (docs/measurements.md, "Titles": regularisation 1, 4, 16; cased text;
# n-grams to 5; without the word part).
WORDS_REGULARISATION = 4.0
CHAR_NGRAMS = (1, 4)
WORD_FOLDS = 5


def is_part_of_title(text: str, title: str) -> bool:
    """A line that is the title, or a piece of it ("NEVER CRY" of "Never Cry Wolf")."""
    line = normalise_text(text)
    return bool(line) and (line in normalise_text(title) or titles_match(text, title))


def words_pipeline() -> Pipeline:
    return make_pipeline(
        make_union(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, sublinear_tf=True
            ),
            TfidfVectorizer(analyzer="word", min_df=2),
        ),
        LogisticRegression(C=WORDS_REGULARISATION, max_iter=2000),
    )


def fit_words(rows: pd.DataFrame) -> TitleWords:
    texts = [line.text for lines in rows.lines for line in lines]
    labels = [
        is_part_of_title(line.text, title)
        for lines, title in zip(rows.lines, rows.title, strict=True)
        for line in lines
    ]
    return export_words(words_pipeline().fit(texts, labels), texts)


def export_words(pipeline: Pipeline, texts: list[str]) -> TitleWords:
    """The fitted pipeline as plain numbers; refused if they score `texts` otherwise than it
    does."""
    union, regression = pipeline.steps[0][1], pipeline.steps[1][1]
    coefficients = regression.coef_[0]
    parts, offset = [], 0
    for _, vectorizer in union.transformer_list:
        terms = {
            term: (float(vectorizer.idf_[column]), float(coefficients[offset + column]))
            for term, column in vectorizer.vocabulary_.items()
        }
        parts.append(
            TermWeights(vectorizer.analyzer, vectorizer.ngram_range, vectorizer.sublinear_tf, terms)
        )
        offset += len(terms)
    words = TitleWords(tuple(parts), float(regression.intercept_[0]))
    if not np.allclose(words.scores(texts), pipeline.predict_proba(texts)[:, 1], atol=1e-9):
        raise RuntimeError("exported words model disagrees with scikit-learn's predictions")
    return words


def cross_fitted_word_scores(rows: pd.DataFrame) -> list[np.ndarray]:
    """Each poster's line scores from a words model fitted on the other folds' posters."""
    folds = np.random.default_rng(0).permutation(len(rows)) % WORD_FOLDS
    scores: list[np.ndarray] = [np.zeros(0)] * len(rows)
    for fold in range(WORD_FOLDS):
        model = fit_words(rows[folds != fold])
        for position in np.flatnonzero(folds == fold):
            scores[position] = model.scores([line.text for line in rows.lines.iloc[position]])
    return scores


def training_matrix(
    rows: pd.DataFrame, word_scores: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """One row per title candidate; positive when its text matches the reference title."""
    features, labels = [], []
    for lines, title, width, height, scores in zip(
        rows.lines, rows.title, rows.width, rows.height, word_scores, strict=True
    ):
        candidates = title_candidates(lines)
        if not candidates:
            continue
        features.append(candidate_features(lines, candidates, int(width), int(height), scores))
        labels += [
            titles_match(candidate_text(lines, candidate), title) for candidate in candidates
        ]
    return np.vstack(features), np.array(labels, dtype=int)


def fit_title_scorer(rows: pd.DataFrame, version: str) -> TitleScorer:
    """Gradient-boosted trees (depth 3, 600 rounds: the best of the settings compared by
    5-fold cross-validation within the training split, docs/measurements.md "Titles"),
    exported to plain arrays."""
    train = rows[~rows["is_test"] & rows["poster_id"].notna()]
    x, y = training_matrix(train, cross_fitted_word_scores(train))
    model = GradientBoostingClassifier(
        n_estimators=600, max_depth=3, learning_rate=0.05, random_state=0
    ).fit(x, y)
    prior = float(model.init_.class_prior_[1])
    scorer = TitleScorer(
        feature_names=FEATURE_NAMES,
        initial_log_odds=float(np.log(prior / (1 - prior))),
        learning_rate=float(model.learning_rate),
        trees=tuple(_export(estimator.tree_) for estimator in model.estimators_[:, 0]),
        words=fit_words(train),
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
