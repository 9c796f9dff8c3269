"""Cut finding on known change scores, and frame signatures on known frames."""

from __future__ import annotations

import numpy as np

from poster_assets.video.shots import (
    CutSettings,
    Shot,
    boundary_f1,
    change_scores,
    find_cuts,
    frame_signature,
    matched_cuts,
    shots_from_cuts,
)


def test_a_spike_is_a_cut_and_steady_motion_is_not() -> None:
    steady = np.full(60, 0.2)
    steady[0] = 0.0
    steady[20] = 0.9  # a cut
    steady[40:44] = 0.45  # a fast pan: large, but no larger than the frames around it
    assert find_cuts(steady) == [20]


def test_a_small_jump_is_not_a_cut_however_quiet_the_shot() -> None:
    scores = np.zeros(30)
    scores[10] = 0.1
    assert find_cuts(scores) == []
    assert find_cuts(scores, CutSettings(min_change=0.05)) == [10]


def test_cuts_closer_than_the_shortest_shot_are_one_cut() -> None:
    scores = np.zeros(30)
    scores[[10, 12]] = 0.9
    assert find_cuts(scores) == [10]


def test_shots_cover_every_frame_once_with_middle_keyframes() -> None:
    shots = shots_from_cuts([10, 25], 40)
    assert shots == [Shot(0, 0, 10), Shot(1, 10, 25), Shot(2, 25, 40)]
    assert [shot.keyframe for shot in shots] == [4, 17, 32]
    assert shots_from_cuts([], 5) == [Shot(0, 0, 5)]


def test_boundary_f1_matches_each_true_cut_once_within_tolerance() -> None:
    assert boundary_f1([10, 31], [10, 30]) == 1.0
    assert matched_cuts([10, 11], [10]) == 1
    assert boundary_f1([10, 11], [10]) == 2 / 3
    assert boundary_f1([], []) == 1.0
    assert boundary_f1([5], []) == 0.0


def test_the_same_frame_with_new_noise_barely_changes_and_a_new_picture_does() -> None:
    rng = np.random.default_rng(0)
    grey = np.full((180, 320, 3), 40, np.uint8)
    noisy = np.clip(grey + rng.normal(0, 3, grey.shape), 0, 255).astype(np.uint8)
    other = np.zeros_like(grey)
    other[:, :160] = (20, 200, 240)
    scores = change_scores(frame_signature(frame) for frame in (grey, noisy, other))
    assert scores[0] == 0.0
    assert scores[1] < 0.1
    assert scores[2] > 0.5
