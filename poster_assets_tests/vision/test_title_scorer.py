from __future__ import annotations

import numpy as np
import pytest

from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.vision.title_features import (
    FEATURE_NAMES,
    Candidate,
    can_be_title,
    candidate_features,
    candidate_text,
    title_candidates,
)
from poster_assets.vision.title_scorer import Forest, TitleScorer, Tree
from poster_assets.vision.title_words import TitleWords
from poster_assets_tests.text_line_factory import rect_line

LINES = [
    rect_line("THE", 100, 50, 200, 80),
    rect_line("TOWN", 80, 90, 220, 130),
    rect_line("2010", 120, 300, 180, 320),
    rect_line("directed by ben affleck", 60, 400, 240, 410),
]


def test_candidates_are_runs_within_blocks_of_eligible_lines() -> None:
    candidates = title_candidates(LINES)
    assert [c.indices for c in candidates] == [(0,), (0, 1), (1,), (3,)]
    assert [c.block_size for c in candidates] == [2, 2, 2, 1]
    assert candidate_text(LINES, candidates[1]) == "THE TOWN"
    assert title_candidates([]) == []


def test_candidate_features_describe_size_extent_and_words() -> None:
    candidates = title_candidates(LINES)
    word_scores = np.array([0.6, 0.8, 0.0, 0.1])
    features = candidate_features(LINES, candidates, 300, 450, word_scores)
    assert features.shape == (4, len(FEATURE_NAMES))
    named = {name: features[:, i] for i, name in enumerate(FEATURE_NAMES)}
    assert named["height_vs_tallest"].tolist() == pytest.approx([0.75, 1.0, 1.0, 0.25])
    assert named["whole_block"].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert named["credit_words"].tolist() == [0.0, 0.0, 0.0, 1.0]
    assert named["uppercase_share"].tolist() == [1.0, 1.0, 1.0, 0.0]
    assert named["title_words_mean"].tolist() == pytest.approx([0.6, 0.7, 0.8, 0.1])
    assert named["title_words_min"].tolist() == pytest.approx([0.6, 0.6, 0.8, 0.1])
    assert named["title_words_max"].tolist() == pytest.approx([0.6, 0.8, 0.8, 0.1])
    assert candidate_features(LINES, [], 300, 450, word_scores).shape == (0, len(FEATURE_NAMES))


def test_dates_numbers_and_single_glyphs_cannot_be_titles() -> None:
    assert not can_be_title(rect_line("2026", 0, 0, 10, 10))
    assert not can_be_title(rect_line("MAY 16", 0, 0, 10, 10))
    assert not can_be_title(rect_line("X", 0, 0, 10, 10))
    assert can_be_title(rect_line("2001: A SPACE ODYSSEY", 0, 0, 10, 10))


def test_tree_follows_sklearn_layout() -> None:
    # Root splits feature 1 at 0.5: left leaf -1.0, right leaf 2.0.
    tree = Tree(feature=(1, -2, -2), threshold=(0.5, -2, -2), left=(1, -1, -1), right=(2, -1, -1),
                value=(0.0, -1.0, 2.0))  # fmt: skip
    assert Forest.of((tree,)).total(np.array([[9.0, 0.5], [9.0, 0.6]])).tolist() == [-1.0, 2.0]


def test_forest_adds_trees_of_different_sizes() -> None:
    stump = Tree(feature=(-2,), threshold=(-2.0,), left=(-1,), right=(-1,), value=(0.5,))
    deep = Tree(
        feature=(0, 1, -2, -2, -2), threshold=(1.0, 2.0, -2, -2, -2), left=(1, 2, -1, -1, -1),
        right=(4, 3, -1, -1, -1), value=(0.0, 0.0, 10.0, 20.0, 30.0),
    )  # fmt: skip
    features = np.array([[0.0, 0.0], [0.0, 5.0], [3.0, 0.0]])
    assert Forest.of((stump, deep)).total(features).tolist() == [10.5, 20.5, 30.5]


def test_packaged_scorer_round_trips_and_ranks_the_title_first() -> None:
    scorer = load_title_scorer()
    assert TitleScorer.from_json(scorer.to_json()) == scorer
    candidates = title_candidates(LINES)
    word_scores = scorer.words.scores([line.text for line in LINES])
    probabilities = scorer.probabilities(
        candidate_features(LINES, candidates, 300, 450, word_scores)
    )
    assert candidates[int(np.argmax(probabilities))] == Candidate((0, 1), 2)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_a_scorer_for_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="fitted on features"):
        TitleScorer(("a",), 0.0, 0.1, (), TitleWords((), 0.0), "x")


def test_a_title_cut_into_pieces_side_by_side_is_one_candidate() -> None:
    lines = [
        rect_line("MELANIE GRIFFITH", 42, 26, 258, 43),
        rect_line("CRAZY in", 30, 45, 128, 90),
        rect_line("ALABAMA", 167, 45, 272, 89),
    ]
    texts = [candidate_text(lines, candidate) for candidate in title_candidates(lines)]
    assert "CRAZY in ALABAMA" in texts and "ALABAMA CRAZY in" not in texts
    assert "MELANIE GRIFFITH" in texts  # smaller type above: its own group
