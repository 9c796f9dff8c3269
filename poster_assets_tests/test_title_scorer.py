from __future__ import annotations

import numpy as np
import pytest

from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_features import FEATURE_NAMES, can_be_title, line_features
from poster_assets.vision.title_scorer import LinearTitleScorer


def _line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, 0.9, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float))


def test_features_have_one_row_per_line_in_sane_ranges() -> None:
    lines = [_line("ALIEN", 40, 40, 260, 100), _line("directed by ridley scott", 60, 400, 240, 410)]
    features = line_features(lines, 300, 450)
    assert features.shape == (2, len(FEATURE_NAMES))
    named = dict(zip(FEATURE_NAMES, features.T, strict=True))
    assert named["height_vs_tallest"].tolist() == [1.0, pytest.approx(10 / 60)]
    assert named["credit_words"].tolist() == [0.0, 1.0]
    assert named["uppercase_share"].tolist() == [1.0, 0.0]
    assert line_features([], 300, 450).shape == (0, len(FEATURE_NAMES))


def test_dates_numbers_and_single_glyphs_cannot_be_titles() -> None:
    assert not can_be_title(_line("2026", 0, 0, 10, 10))
    assert not can_be_title(_line("MAY 16", 0, 0, 10, 10))
    assert not can_be_title(_line("X", 0, 0, 10, 10))
    assert can_be_title(_line("2001: A SPACE ODYSSEY", 0, 0, 10, 10))


def test_packaged_scorer_round_trips_and_prefers_big_lines() -> None:
    scorer = load_title_scorer()
    assert LinearTitleScorer.from_json(scorer.to_json()) == scorer
    lines = [_line("ALIEN", 40, 40, 260, 100), _line("directed by ridley scott", 60, 400, 240, 410)]
    title, credit = scorer.probabilities(line_features(lines, 300, 450))
    assert title > 5 * credit


def test_a_scorer_for_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="fitted on features"):
        LinearTitleScorer(("a",), (0.0,), (1.0,), (1.0,), 0.0, "x")
