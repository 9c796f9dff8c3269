"""The pure samplers behind the structured training sets, and the text vectors."""

from __future__ import annotations

import numpy as np
import pytest

from poster_assets.ssl.augment import ViewSettings
from poster_assets.ssl.sampling import (
    box_mask,
    expanded_box,
    layer_patches,
    mask_box,
    mask_share,
    poster_role_masks,
    subject_kept,
    subject_view_pairs,
)
from poster_assets.ssl.text_features import TEXT_DIMENSIONS, text_vectors


def _subject(shape: tuple[int, int] = (120, 80)) -> np.ndarray:
    mask = np.zeros(shape, bool)
    mask[70:110, 50:75] = True  # a subject in the lower right
    return mask


def test_mask_share_and_subject_kept_measure_the_box() -> None:
    mask = _subject()
    whole = np.array([0.0, 0.0, 1.0, 1.0])
    assert subject_kept(mask, whole) == 1.0
    assert mask_share(mask, whole) == pytest.approx(mask.mean())
    left_half = np.array([0.0, 0.0, 0.5, 1.0])
    assert subject_kept(mask, left_half) == 0.0 and mask_share(mask, left_half) == 0.0
    inside = np.array([50 / 80, 70 / 120, 75 / 80, 110 / 120])
    assert mask_share(mask, inside) == 1.0
    assert subject_kept(np.zeros((10, 10), bool), left_half) == 1.0  # nothing to keep


def test_view_pairs_keep_the_subject_when_a_crop_can() -> None:
    mask = _subject()
    settings = ViewSettings(min_area=0.2)
    pairs = subject_view_pairs(
        mask, np.random.default_rng(0), pairs=20, settings=settings, min_kept=0.5
    )
    assert pairs.shape == (20, 2, 4)
    assert (pairs[..., :2] >= 0).all() and (pairs[..., 2:] <= 1 + 1e-9).all()
    assert (pairs[..., 2:] > pairs[..., :2]).all()
    kept = [subject_kept(mask, box) for box in pairs.reshape(-1, 4)]
    assert min(kept) >= 0.5
    unconstrained = subject_view_pairs(None, np.random.default_rng(0), pairs=20, settings=settings)
    assert min(subject_kept(mask, box) for box in unconstrained.reshape(-1, 4)) < 0.5


def test_layer_patches_lie_inside_the_layer_they_name() -> None:
    rng = np.random.default_rng(3)
    background = np.ones((120, 80), bool)
    background[40:120] = False
    foreground = ~background
    title = np.zeros((120, 80), bool)
    title[5:25, 10:70] = True
    masks = {"background": background, "foreground": foreground, "title": title}
    patches = layer_patches(masks, rng, per_role=3, side=0.2, min_purity=0.9)
    assert {patch.role for patch in patches} == {"background", "foreground", "title"}
    for patch in patches:
        box = np.array(patch.box)
        assert mask_share(masks[patch.role], box) == pytest.approx(patch.purity)
        assert patch.purity >= 0.9
        assert (box[2] - box[0]) * 80 == pytest.approx((box[3] - box[1]) * 120)  # square


def test_a_layer_too_thin_for_any_pure_patch_gives_none() -> None:
    sliver = np.zeros((120, 80), bool)
    sliver[:, :2] = True
    assert layer_patches({"foreground": sliver}, np.random.default_rng(0), per_role=2) == []


def test_role_masks_use_layers_then_the_foreground_mask() -> None:
    labels = np.zeros((30, 20), np.uint8)
    labels[15:] = 1
    title_box = (0.0, 0.0, 1.0, 0.2)
    source, masks = poster_role_masks(labels, ("foreground", "background"), 0, None, title_box)
    assert source == "depth-layers"
    assert masks["foreground"].sum() == 300 and masks["background"][15:].all()
    assert masks["title"].sum() == 6 * 20  # the title box, inside layer 0
    fg = np.zeros((30, 20), bool)
    fg[10:20, 5:15] = True
    source, masks = poster_role_masks(None, (), None, fg, None)
    assert source == "foreground-mask" and "title" not in masks
    assert (masks["background"] == ~fg).all()
    assert poster_role_masks(None, (), None, None, title_box) is None


def test_boxes_grow_and_clip() -> None:
    assert expanded_box((0.4, 0.4, 0.6, 0.6), 0.5, 0.0) == pytest.approx((0.3, 0.3, 0.7, 0.7))
    assert expanded_box((0.0, 0.0, 0.02, 0.02), 0.0, 0.2)[2:] == pytest.approx((0.11, 0.11))
    assert expanded_box((0.0, 0.9, 1.0, 1.0), 0.5, 0.0) == pytest.approx((0.0, 0.85, 1.0, 1.0))
    mask = box_mask((0.25, 0.5, 0.75, 1.0), (40, 20))
    assert mask_box(mask) == pytest.approx((0.25, 0.5, 0.75, 1.0))
    assert mask_box(np.zeros((4, 4), bool)) is None


def test_text_vectors_are_unit_length_and_tolerate_ocr_typos() -> None:
    vectors = text_vectors(["THE DARK KNIGHT", "THE DARK KN1GHT", "pride and prejudice", ""])
    assert vectors.shape == (4, TEXT_DIMENSIONS)
    assert np.linalg.norm(vectors[:3], axis=1) == pytest.approx(np.ones(3), abs=1e-5)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > 0.8 > vectors[0] @ vectors[2]
