"""Telling a depth map that follows its subjects from one that is a ramp."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poster_assets.stages.depth_quality import summarize, verdict
from poster_assets.stages.tables import DEPTH_QUALITY
from poster_assets.vision.depth_quality import axis_correlations, depth_quality, subject_mask


def test_a_top_to_bottom_ramp_correlates_with_y_only() -> None:
    ramp = np.tile(np.linspace(0, 1, 60)[:, None], (1, 40))
    column_r, row_r = axis_correlations(ramp)
    assert column_r == 0.0 and row_r == pytest.approx(1.0)
    assert axis_correlations(np.full((10, 10), 0.5)) == (0.0, 0.0)


def test_a_nearer_subject_is_found_through_boxes_in_poster_pixels() -> None:
    depth = np.full((60, 40), 0.7)
    depth[30:60, 10:30] = 0.2  # the subject, in the map's pixels
    quality = depth_quality(depth, [(100, 300, 300, 600)], poster_size=(400, 600))
    assert quality.subject_nearer is True
    assert quality.subject_depth == pytest.approx(0.2) and quality.rest_depth == pytest.approx(0.7)
    assert quality.subject_share == pytest.approx(0.25)
    behind = depth_quality(1 - depth, [(100, 300, 300, 600)], poster_size=(400, 600))
    assert behind.subject_nearer is False


def test_no_subject_or_one_covering_everything_is_no_judgement() -> None:
    depth = np.random.default_rng(0).random((20, 20))
    assert depth_quality(depth, [], (100, 100)).subject_nearer is None
    assert depth_quality(depth, [(-5, -5, 200, 200)], (100, 100)).subject_nearer is None
    assert subject_mask((20, 20), [(-5, -5, 200, 200)], (100, 100)).all()


def test_the_verdict_says_when_depth_is_not_helping() -> None:
    assert "mostly a gradient prior" in verdict(0.65, 40, 0.67, 0.70)
    assert "follows the subjects" in verdict(0.9, 40, 0.2, 0.3)
    assert "mostly a gradient prior" in verdict(0.9, 40, 0.2, 0.8)  # a ramp even so
    assert verdict(0.0, 0, 0.1, 0.1).startswith("no faces or people found")


def test_without_depth_maps_the_verdict_says_how_to_get_them() -> None:
    empty = pd.DataFrame(columns=DEPTH_QUALITY.column_names)
    assert "poster-assets models list" in summarize({"depth_quality": empty})["depth_verdict"]
